from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Offers, requests and matches")

    def ready(self) -> None:
        from matching import privacy  # noqa: F401  (registers the personal-data collector and anonymiser)
