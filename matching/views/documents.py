"""What the four kinds add to a match page: documents (internships and teacher internships),
per-student placements and the teacher's reflection.

The services in `matching.services.{documents,placements}` decide; `matching.selectors`
answers 404 for anything the person may not see.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from matching import selectors
from matching.models import Attachment, Match
from matching.services import documents, placements
from taxonomy.kinds import Kind


def detail_context(user: User, match: Match, sides: set[str]) -> dict[str, Any]:
    """What the match page shows of documents, placements and the reflection, for someone on
    `sides` of the match ("school" and/or "company"; none for a coordinator reading along)."""
    kind = match.offer.kind
    placing = kind == Kind.INTERNSHIP and match.status in placements.PLACEMENT_STATUSES
    return {
        "attachments": list(match.attachments.all()) if kind in documents.DOCUMENT_KINDS else None,
        "can_attach": bool(sides) and kind in documents.DOCUMENT_KINDS,
        "placements": list(match.placements.all()) if placing else None,
        "can_place": "school" in sides and placing,
        "reflection": getattr(match, "reflection", None) if kind == Kind.TEACHER_INTERNSHIP else None,
        "can_reflect": placements.reflection_can_write(user=user, match=match),
    }


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _to_section(match: Match, section: str) -> HttpResponse:
    return redirect(reverse("matches:detail", args=[match.pk]) + f"#{section}")


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
    return _to_section(match, "documents")


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
    return _to_section(match, "placements")


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
    return _to_section(match, "reflection")
