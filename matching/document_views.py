"""Pages for what the four kinds add to a match and a listing (issue 18): documents of a match,
per-student placements, the teacher's reflection, duplicating a listing, rolling an
organisation over to the next school year, and the coordinators' SBB check list.

Thin views: the services in matching.services.{documents,placements,copies,offers} decide;
matching.selectors answers 404 for anything the person may not see.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organisation, User
from matching import selectors
from matching.models import Attachment, Match
from matching.services import copies, documents, listings, placements
from taxonomy.kinds import Kind


def detail_context(user: User, match: Match) -> dict[str, Any]:
    """What the match page shows of documents, placements and the reflection."""
    sides = bool(selectors.match_sides_of(user, match))
    kind = match.offer.kind
    return {
        "attachments": list(match.attachments.all()) if kind in documents.DOCUMENT_KINDS else None,
        "can_attach": sides and kind in documents.DOCUMENT_KINDS,
        "placements": list(match.placements.all())
        if kind == Kind.INTERNSHIP and match.status in placements.PLACEMENT_STATUSES
        else None,
        "can_place": "school" in selectors.match_sides_of(user, match)
        and kind == Kind.INTERNSHIP
        and match.status in placements.PLACEMENT_STATUSES,
        "reflection": getattr(match, "reflection", None) if kind == Kind.TEACHER_INTERNSHIP else None,
        "can_reflect": placements.reflection_can_write(user=user, match=match),
    }


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for(request.user, pk, write=True)
    try:
        documents.attachment_add(match=match, by=request.user, upload=request.FILES.get("file"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The document has been attached."))
    return redirect(reverse("matches:detail", args=[match.pk]) + "#documents")


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Only the two sides and the coordinators who may see the match; always as a download."""
    match = selectors.match_get_for(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, match=match)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=documents.CONTENT_TYPES[attachment.type],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def placement_add(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for(request.user, pk, write=True)
    try:
        placements.placement_add(
            match=match,
            by=request.user,
            label=request.POST.get("label", ""),
            starts_on=_day(request.POST.get("starts_on")),
            ends_on=_day(request.POST.get("ends_on")),
            hours_per_week=_int(request.POST.get("hours_per_week")),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The placement has been saved."))
    return redirect(reverse("matches:detail", args=[match.pk]) + "#placements")


@login_required
@require_POST
def reflection_post(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for(request.user, pk, write=True)
    try:
        placements.reflection_write(match=match, by=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Thank you. Your reflection has been saved."))
    return redirect(reverse("matches:detail", args=[match.pk]) + "#reflection")


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        raise ValidationError(_("Give the dates of the placement.")) from None


def _int(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


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


@login_required
def sbb_unchecked(request: HttpRequest) -> HttpResponse:
    """Coordinators: offers with an SBB number nobody has checked yet, in their provinces."""
    if not (request.user.is_coordinator or request.user.is_superuser):
        raise PermissionDenied
    rows = selectors.offers_sbb_unchecked(request.user)
    return render(request, "matching/sbb_unchecked.html", {"offers": rows})


@login_required
@require_POST
def sbb_check(request: HttpRequest, pk: int) -> HttpResponse:
    if not (request.user.is_coordinator or request.user.is_superuser):
        raise PermissionDenied
    offer = get_object_or_404(selectors.offers_sbb_unchecked(request.user, include_checked=True), pk=pk)
    listings.offer_sbb_mark_checked(offer=offer, by=request.user)
    messages.success(
        request,
        _("The SBB recognition of %(name)s is marked as checked.") % {"name": offer.organisation.name},
    )
    return redirect("matching:sbb_unchecked")
