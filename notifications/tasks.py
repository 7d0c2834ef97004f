"""Celery tasks: thin wrappers around notifications.delivery (routed to the "notifications" queue).
Their names are fixed: notifications.delivery enqueues deliver_batch_task by name."""

from __future__ import annotations

import structlog
from celery import shared_task
from django.core.cache import cache

from notifications import delivery

logger = structlog.get_logger(__name__)

SWEEP_LOCK = "notifications:sweep-lock"
DIGEST_LOCK = "notifications:digest-lock"


# acks_late is safe: delivery_send claims the row, so a redelivered message sends nothing twice.
@shared_task(acks_late=True, ignore_result=True)
def deliver_task(delivery_id: int) -> None:
    delivery.delivery_send(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_batch_task(delivery_ids: list[int]) -> int:
    return delivery.deliveries_send(delivery_ids)


@shared_task(ignore_result=True)
def sweep_task(limit: int = 200) -> int:
    # One sweep at a time: overlapping sweeps would only enqueue the same rows twice.
    if not cache.add(SWEEP_LOCK, 1, timeout=55):
        logger.info("notifications.sweep_skipped", reason="already_running")
        return 0
    try:
        return delivery.sweep(limit=limit)
    finally:
        cache.delete(SWEEP_LOCK)


@shared_task(ignore_result=True)
def daily_digest_task(limit: int = 500) -> int:
    if not cache.add(DIGEST_LOCK, 1, timeout=30 * 60):
        logger.info("notifications.digest_skipped", reason="already_running")
        return 0
    try:
        return delivery.send_daily_digests(limit=limit)
    finally:
        cache.delete(DIGEST_LOCK)
