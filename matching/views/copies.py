"""Copies of offers and requests: duplicating one as a draft, and rolling an organisation over
to the next school year (preview first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organisation
from matching import selectors
from matching.services import copies


@login_required
@require_POST
def offer_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for(request.user, pk, write=True)
    copy = copies.listing_duplicate(offer, by=request.user)
    messages.success(request, _("A copy has been saved as a draft. Check the dates and publish it."))
    return redirect("matching:offer_edit", copy.pk)


@login_required
@require_POST
def request_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    wanted = selectors.request_get_for(request.user, pk, write=True)
    copy = copies.listing_duplicate(wanted, by=request.user)
    messages.success(request, _("A copy has been saved as a draft. Check the dates and publish it."))
    return redirect("matching:request_edit", copy.pk)


@login_required
def rollover(request: HttpRequest) -> HttpResponse:
    """Preview (GET) and carry out (POST) the roll-over of the person's organisation."""
    membership = Membership.objects.select_related("organisation").filter(user=request.user).first()
    if membership is None:
        raise PermissionDenied
    organisation: Organisation = membership.organisation
    if request.method == "POST":
        created, clashes = copies.organisation_rollover(organisation=organisation, by=request.user)
        messages.success(
            request,
            _("%(n)s drafts made for next school year; %(c)s skipped because a draft already exists.")
            % {"n": len(created), "c": len(clashes)},
        )
        for item in clashes:
            messages.warning(
                request, _("Not copied, a draft exists already: %(title)s") % {"title": item.source.title}
            )
        return redirect(
            "matching:offer_mine"
            if organisation.kind == Organisation.Kind.COMPANY
            else "matching:request_mine"
        )
    items = copies.rollover_preview(organisation=organisation)
    return render(request, "matching/rollover.html", {"organisation": organisation, "items": items})
