"""The site's URLs plus the notification routes the lead wires into config (tests only)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from config.urls import urlpatterns as site_urlpatterns
from notifications.api import NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("", include("notifications.urls")),
    *site_urlpatterns,
]
