from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    """The public catalogue, saved searches with alerts, the map and the calendar feed (issue 19).
    Depends on matching, accounts and taxonomy; nothing depends on it."""

    name = "catalogue"
    verbose_name = _("Catalogue and search")

    def ready(self) -> None:
        from catalogue import alerts, privacy  # noqa: F401  (privacy registers the export and anonymiser)
        from matching.signals import listing_opened

        # A published or changed open listing is checked against the saved searches after commit.
        listing_opened.connect(alerts.listing_opened, dispatch_uid="catalogue.alerts")
