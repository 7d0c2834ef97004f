"""Pagination for lists that can hold hundreds of thousands of rows (open offers and requests,
a region's matches).

Counting is the expensive part of such a page: PostgreSQL answers COUNT(*) by visiting every
matching row (about 200 ms over 250,000 offers), while the page itself needs 25. A large count is
therefore remembered for COUNT_CACHE_SECONDS per distinct query (same SQL and parameters, so per
filter and per person's visibility); a small count (under LARGE) is always exact, because that is
where a person notices one more or less. The rows on the page are always read live.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import structlog
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Aggregate, QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

logger = structlog.get_logger(__name__)

LARGE = 1000
COUNT_CACHE_SECONDS = 60


def _remembered[T](key: str, compute: Callable[[], T], is_large: Callable[[T], bool]) -> T:
    """`compute()`, or what it gave within COUNT_CACHE_SECONDS when that was large."""
    key = "list-count:" + hashlib.sha256(key.encode()).hexdigest()
    try:
        remembered = cache.get(key)
    except Exception:  # the cache is down: count, as if there were none
        logger.warning("list_count.cache_unavailable", exc_info=True)
        return compute()
    if remembered is not None:
        return remembered
    value = compute()
    if is_large(value):
        try:
            cache.set(key, value, COUNT_CACHE_SECONDS)
        except Exception:
            logger.warning("list_count.cache_write_failed", exc_info=True)
    return value


def _query_key(rows: QuerySet) -> str | None:
    """The SQL and parameters of `rows`; None when the query can match nothing."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"{sql}|{params!r}"


def counts_remembered(rows: QuerySet, **counts: Aggregate) -> dict[str, Any]:
    """`rows.aggregate(**counts)` (e.g. the counts of a list's tabs), remembered like a large
    list's count when any of them is large: one scan of a coordinator's whole region otherwise
    runs on every page view."""
    # The key is the SQL of the counts themselves (never executed): the filters of the counts
    # are part of it, without evaluating anything they refer to.
    query = _query_key(rows.annotate(**{f"remembered_{name}": count for name, count in counts.items()}))
    if query is None:
        return rows.aggregate(**counts)
    return _remembered(
        query,
        lambda: rows.aggregate(**counts),
        lambda values: any((value or 0) >= LARGE for value in values.values()),
    )


class LargeListPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        query = _query_key(self.object_list)
        if query is None:
            return 0
        return _remembered(query, lambda: super(LargeListPaginator, self).count, lambda n: n >= LARGE)


class LargeListPagination(PageNumberPagination):
    django_paginator_class = LargeListPaginator
