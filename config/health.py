"""/healthz: the state of the database, Redis and the Celery workers as JSON (200 or 503).

Everyone gets the verdict (`{"status": "ok"}` or 503 `{"status": "failing"}`); the details (database
type, worker mode, whether Redis is configured, worker names) only staff and the host itself (the
container's own HEALTHCHECK, platform/healthcheck.py), as they help an attacker map the set-up."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means unhealthy
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    import redis

    started = time.monotonic()
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
    except Exception as exc:
        return {"ok": False, "configured": True, "error": exc.__class__.__name__}
    return {"ok": True, "configured": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_workers(redis_ok: bool) -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    if not redis_ok:
        return {"ok": False, "mode": "broker", "workers": 0, "error": "broker unreachable"}
    from config.celery_app import app

    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception as exc:
        return {"ok": False, "mode": "broker", "workers": 0, "error": exc.__class__.__name__}
    names = sorted(name for reply in replies for name in reply)
    return {"ok": bool(names), "mode": "broker", "workers": len(names), "names": names}


LOOPBACK = frozenset({"127.0.0.1", "::1"})


def _may_see_details(request: HttpRequest) -> bool:
    # REMOTE_ADDR itself, not a forwarded header: only a caller on this host can be loopback.
    if request.META.get("REMOTE_ADDR") in LOOPBACK:
        return True
    from accounts.tokens import has_totp  # staff work only with two-factor set up (everywhere)

    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff and has_totp(user))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Full check by default; `?scope=web` skips the workers (for web pods' probes)."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    if request.GET.get("scope") != "web":
        checks["workers"] = _check_workers(checks["redis"]["ok"])
    healthy = all(check["ok"] for check in checks.values())
    body: dict = {"status": "ok" if healthy else "failing"}
    if _may_see_details(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)
