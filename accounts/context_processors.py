from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.selectors import user_membership


def membership(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's organisation, for the header; evaluated lazily per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = user_membership(user)
    return {
        "current_membership": current,
        "current_organisation": current.organisation if current else None,
        "is_coordinator": user.is_coordinator,
    }
