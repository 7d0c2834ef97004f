from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config.api_urls import urlpatterns as api_urlpatterns
from config.health import healthz

# The admin's own login form has no rate limit and no second factor: send it to allauth's.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include((api_urlpatterns, "api"), namespace="api")),
    path("coordinator/", include("oversight.urls")),
    path("", include("oversight.impact_urls")),
    path("", include("catalogue.urls")),
    path("", include("notifications.urls")),
    path("", include("matching.urls")),
    path("", include("accounts.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
