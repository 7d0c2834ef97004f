"""Coordinators: the offers whose SBB leerbedrijf recognition nobody has checked yet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from matching import selectors
from matching.services import listings


def _require_coordinator(user: User) -> None:
    if not (user.is_coordinator or user.is_superuser):
        raise PermissionDenied


@login_required
def sbb_unchecked(request: HttpRequest) -> HttpResponse:
    """Offers with an SBB number nobody has checked yet, in the coordinator's provinces."""
    _require_coordinator(request.user)
    rows = selectors.offers_sbb_unchecked(request.user)
    return render(request, "matching/sbb_unchecked.html", {"offers": rows})


@login_required
@require_POST
def sbb_check(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request.user)
    offer = get_object_or_404(selectors.offers_sbb_unchecked(request.user, include_checked=True), pk=pk)
    listings.offer_sbb_mark_checked(offer=offer, by=request.user)
    messages.success(
        request,
        _("The SBB recognition of %(name)s is marked as checked.") % {"name": offer.organisation.name},
    )
    return redirect("matching:sbb_unchecked")
