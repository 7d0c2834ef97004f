"""The one access rule of the oversight pages: coordinators, within their provinces."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.models import User
from taxonomy.regions import Province


def scope_provinces(user: User) -> list[str]:
    """The provinces a person oversees: a coordinator's own, every province for platform admins."""
    if user.is_superuser:
        return list(Province.values)
    return list(user.coordinator_provinces)


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; 403 for anyone who coordinates no province (platform admins pass)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scope_provinces(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
