"""Signal receivers of the catalogue, connected from CatalogueConfig.ready()."""

from __future__ import annotations

import structlog
from django.dispatch import receiver

from catalogue.tasks import alerts_check_task
from matching.signals import listing_opened

logger = structlog.get_logger(__name__)


@receiver(listing_opened, dispatch_uid="catalogue.alerts")
def queue_alerts_check(sender: type, *, listing_id: int, **kwargs: object) -> None:
    """A published or changed open listing is checked against the saved searches (the signal is
    sent after commit)."""
    side = "offer" if sender.__name__ == "Offer" else "request"
    try:
        alerts_check_task.delay(side, [listing_id])
    except Exception:  # the broker is down: the periodic sweep checks recent listings again
        logger.warning("saved_search_alerts.enqueue_failed", exc_info=True)
