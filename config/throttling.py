"""API throttles that fail open: a cache outage must not take the API down (RELIABILITY §4.4).

DRF keeps the request history in the default cache (Redis in production). Its stock throttles let a
Redis error escape, so every API call answered 500 while Redis was down, publishing included.
Throttling is not a security boundary here (DRF says so; the login limits live in allauth), so
while the cache is unreachable requests pass, and the outage is logged.
"""

from __future__ import annotations

from typing import Any

import structlog
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = structlog.get_logger(__name__)


class _FailOpen:
    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except (RedisError, OSError):
            logger.warning("throttle.cache_unavailable", let_through=True, exc_info=True)
            return True


class FailOpenAnonRateThrottle(_FailOpen, AnonRateThrottle):
    pass


class FailOpenUserRateThrottle(_FailOpen, UserRateThrottle):
    pass
