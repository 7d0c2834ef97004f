from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts import access


def membership(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's organisation, for the header; evaluated lazily per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = access.active_membership(user)
    return {
        "current_membership": current,
        "user_memberships": access.memberships_of(user),
        "current_organisation": current.organisation if current else None,
        "is_coordinator": user.is_coordinator,
    }
