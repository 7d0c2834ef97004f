"""A short-lived cache for the oversight figures (dashboard, monitor, reports API).

The figures are grouped aggregates over whole tables: about a second on national data, the same
for every coordinator of a scope. They are cached per scope, school year, day and language
(labels are rendered text) for OVERSIGHT_CACHE_SECONDS (default 120), under a data version that
any saved or deleted match, offer, request, organisation or placement record raises — so an
action on the platform shows at once, and bulk writes that bypass signals (the matcher's COPY)
show within the lifetime. With Redis configured the cache is shared by every web process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

VERSION_KEY = "oversight:figures-version"
logger = structlog.get_logger(__name__)


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def figures_changed(**kwargs: Any) -> None:
    """Signal receiver: the next read computes afresh."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.add(VERSION_KEY, 2, timeout=None)
    except Exception:  # a cache outage must never fail the write that caused it
        logger.warning("figures_cache.mark_changed_failed", exc_info=True)


def cached[T](name: str, parts: Iterable[object], compute: Callable[[], T]) -> T:
    seconds = getattr(settings, "OVERSIGHT_CACHE_SECONDS", 120)
    if seconds <= 0:
        return compute()
    try:
        scope = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
        language = translation.get_language() or settings.LANGUAGE_CODE
        key = f"oversight:{name}:{_version()}:{language}:{timezone.localdate().isoformat()}:{scope}"
        value = cache.get(key)
    except Exception:  # the cache is down: compute, as if there were none
        logger.warning("figures_cache.unavailable", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=seconds)
        except Exception:
            logger.warning("figures_cache.write_failed", exc_info=True)
    return value


def connect() -> None:
    from accounts.models import Organisation
    from matching.models import Match, Offer, Request
    from oversight.models import PlacementRecord

    for model in (Match, Offer, Request, Organisation, PlacementRecord):
        post_save.connect(figures_changed, sender=model, dispatch_uid=f"oversight-figures-{model.__name__}")
        post_delete.connect(
            figures_changed, sender=model, dispatch_uid=f"oversight-figures-del-{model.__name__}"
        )
