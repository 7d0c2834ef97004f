"""Celery tasks of the catalogue: thin wrappers over `catalogue.alerts` (STYLE §7)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from catalogue.alerts import alerts_check
from matching.models import Offer, Request


@shared_task(acks_late=True)
def alerts_check_task(side: str, listing_ids: list[int]) -> int:
    # Idempotent: a pair already reported has its SavedSearchHit and is skipped.
    return alerts_check(side=side, listing_ids=listing_ids)


@shared_task
def alerts_sweep(hours: int = 2, limit: int = 5000) -> int:
    """Check recently published listings again (a lost queue message loses no alert)."""
    since = timezone.now() - timedelta(hours=hours)
    total = 0
    for side, model in (("offer", Offer), ("request", Request)):
        ids = list(
            model.objects.filter(status="open", published_at__gte=since)
            .order_by("-published_at")
            .values_list("pk", flat=True)[:limit]
        )
        total += alerts_check(side=side, listing_ids=ids)
    return total
