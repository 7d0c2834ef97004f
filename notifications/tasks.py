"""Celery tasks: thin wrappers around notifications.services (routed to the "notifications" queue)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

from notifications import services

logger = logging.getLogger(__name__)

SWEEP_LOCK = "notifications:sweep-lock"
DIGEST_LOCK = "notifications:digest-lock"


# acks_late is safe: delivery_send claims the row, so a redelivered message sends nothing twice.
@shared_task(acks_late=True, ignore_result=True)
def deliver_task(delivery_id: int) -> None:
    services.delivery_send(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_batch_task(delivery_ids: list[int]) -> int:
    return services.deliveries_send(delivery_ids)


@shared_task(ignore_result=True)
def sweep_task(limit: int = 200) -> int:
    # One sweep at a time: overlapping sweeps would only enqueue the same rows twice.
    if not cache.add(SWEEP_LOCK, 1, timeout=55):
        logger.info("Notification sweep already running; skipped")
        return 0
    try:
        return services.sweep(limit=limit)
    finally:
        cache.delete(SWEEP_LOCK)


@shared_task(ignore_result=True)
def daily_digest_task(limit: int = 500) -> int:
    if not cache.add(DIGEST_LOCK, 1, timeout=30 * 60):
        logger.info("Daily digest already running; skipped")
        return 0
    try:
        return services.send_daily_digests(limit=limit)
    finally:
        cache.delete(DIGEST_LOCK)
