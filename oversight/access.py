"""The one access rule of the oversight pages: coordinators, within their provinces."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Organisation, User
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


def organisation_for_figures(user: User, organisation_id: int) -> Organisation:
    """An organisation whose impact and exports the person may see: its members, the
    coordinators of its province and platform admins. 404 when it does not exist; 403 for
    anyone else (DESIGN §6: an export by someone outside the organisation or region is refused)."""
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not user.is_authenticated:
        raise PermissionDenied
    if user.is_superuser or organisation.province in scope_provinces(user):
        return organisation
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        return organisation
    raise PermissionDenied
