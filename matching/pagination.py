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

import structlog
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

logger = structlog.get_logger(__name__)

LARGE = 1000
COUNT_CACHE_SECONDS = 60


class LargeListPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return 0
        key = "list-count:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
        try:
            remembered = cache.get(key)
        except Exception:  # the cache is down: count, as if there were none
            logger.warning("list_count.cache_unavailable", exc_info=True)
            return super().count
        if remembered is not None:
            return remembered
        counted = super().count
        if counted >= LARGE:
            try:
                cache.set(key, counted, COUNT_CACHE_SECONDS)
            except Exception:
                logger.warning("list_count.cache_write_failed", exc_info=True)
        return counted


class LargeListPagination(PageNumberPagination):
    django_paginator_class = LargeListPaginator
