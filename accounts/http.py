"""Request helpers shared by accounts' views and signal receivers."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address for the audit log.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies of ours stand in front of the app: then the
    address the outermost of them saw, counted from the right of X-Forwarded-For. Entries further
    left are whatever the client sent and are never trusted (the same rule as allauth's
    ALLAUTH_TRUSTED_PROXY_COUNT and DRF's NUM_PROXIES, which read the same setting).
    """
    if request is None:
        return None
    candidate: str | None = None
    count = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("x-forwarded-for", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= count:
            candidate = hops[-count]
    if not candidate:
        candidate = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address((candidate or "").strip("[]")))
    except ValueError:
        return None
