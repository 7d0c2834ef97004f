from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Coordinator oversight")

    def ready(self) -> None:
        from oversight import (
            figures_cache,
            privacy,  # noqa: F401  (registers the personal-data collector)
        )

        figures_cache.connect()
