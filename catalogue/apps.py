from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    """The public catalogue, saved searches with alerts, the map and the calendar feed.
    Depends on matching, accounts and taxonomy; nothing depends on it."""

    name = "catalogue"
    verbose_name = _("Catalogue and search")

    def ready(self) -> None:
        from catalogue import privacy, receivers  # noqa: F401  (register the export, anonymiser and receivers)
