"""Celery tasks: thin wrappers around the accounts services (privacy and retention)."""

from __future__ import annotations

import structlog
from celery import shared_task
from django.core.cache import cache

from accounts.privacy import retention_purge_all, users_purge_inactive

logger = structlog.get_logger(__name__)

PURGE_LOCK = "accounts:purge-inactive-lock"


@shared_task(ignore_result=True)
def purge_inactive_accounts(limit: int = 500) -> int:
    """Nightly: anonymise accounts inactive for PRIVACY_INACTIVE_DAYS (idempotent; bounded by `limit`)."""
    # One purge at a time; a second beat tick while one still runs has nothing to add.
    if not cache.add(PURGE_LOCK, 1, timeout=30 * 60):
        logger.info("accounts.purge_inactive_skipped", reason="already_running")
        return 0
    try:
        return users_purge_inactive(limit=limit)
    finally:
        cache.delete(PURGE_LOCK)


RETENTION_LOCK = "accounts:retention-lock"


@shared_task(ignore_result=True)
def purge_past_retention(limit: int = 5000) -> dict[str, int]:
    """Nightly: delete messages, conduct reports, feedback comments (and whatever else an app
    registered) past their retention (accounts.privacy.retention_purge_all)."""
    if not cache.add(RETENTION_LOCK, 1, timeout=30 * 60):
        logger.info("accounts.retention_purge_skipped", reason="already_running")
        return {}
    try:
        return retention_purge_all(limit=limit)
    finally:
        cache.delete(RETENTION_LOCK)
