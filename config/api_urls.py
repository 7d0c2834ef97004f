"""The REST API under /api/v1/: one router for every app's viewsets."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import views as accounts_api
from matching.api import views as matching_api
from matching.api.matches import MatchViewSet
from notifications.api import NotificationViewSet
from oversight.api import impact as impact_api
from oversight.api import reports as reports_api

# No format-suffix routes (/offers/1.json): the API renders JSON only, so they add nothing, and
# every custom action (members, messages, publish…) crashed on them with a TypeError (500), as
# its signature takes no `format` (tests/security/matrix/runner.py).
router = DefaultRouter()
router.include_format_suffixes = False
router.register("organisations", accounts_api.OrganisationViewSet, basename="organisation")
router.register("offers", matching_api.OfferViewSet, basename="offer")
router.register("requests", matching_api.RequestViewSet, basename="request")
router.register("matches", MatchViewSet, basename="match")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("tokens", accounts_api.TokenViewSet, basename="token")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script from the same URL (?script): no inline script, so
    # Swagger UI runs under the site's CSP (script-src 'self').
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("me/export/", accounts_api.MeExportView.as_view(), name="me_export"),
    path("reports/kpis/", reports_api.KpiReportView.as_view(), name="report_kpis"),
    path("reports/monitor/", reports_api.MonitorReportView.as_view(), name="report_monitor"),
    path(
        "organisations/<str:pk>/impact/",
        impact_api.OrganisationImpactView.as_view(),
        name="organisation_impact",
    ),
    path(
        "organisations/<str:pk>/export/",
        impact_api.OrganisationExportView.as_view(),
        name="organisation_export",
    ),
    *router.urls,
]
