from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        import notifications.privacy  # noqa: F401  (registers the personal-data collector and anonymiser)
        from notifications import receivers  # noqa: F401  (connects the accounts signals)
