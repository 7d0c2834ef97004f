"""The answers posted from a match page: accept, decline, cancel, a date, whether it took place
(also through the signed link in the e-mail) and feedback. Each runs one service of
`matching.services.matches` or `.outcomes` and shows its outcome as a message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from accounts.models import User
from matching import selectors
from matching.models import Match
from matching.services import matches, outcomes
from matching.services.outcome_links import outcome_link_read

FIELD_LABELS = {
    "activity_date": gettext_lazy("Date"),
    "activity_until": gettext_lazy("Until"),
    "hours_per_week": gettext_lazy("Hours per week"),
    "start": gettext_lazy("Starts at"),
    "end": gettext_lazy("Ends at"),
    "reason": gettext_lazy("Reason"),
}


def _back(request: HttpRequest, match: Match) -> HttpResponse:
    """Back to where the form was (the list's inline buttons), else to the match."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("matches:detail", match.pk)


def _error_messages(exc: ValidationError) -> list[str]:
    """A service's errors for the page, each naming its field."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [
        f"{FIELD_LABELS[field]}: {message}" if field in FIELD_LABELS else message
        for field, messages_ in exc.message_dict.items()
        for message in messages_
    ]


def _act(request: HttpRequest, pk: int, action: Callable[[Match], str]) -> HttpResponse:
    """Run one service on a match the person may answer; show its outcome as a message."""
    match = selectors.match_get_for(request.user, pk, write=True)
    try:
        done = action(match)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("matches:detail", match.pk)
    messages.success(request, done)
    return _back(request, match)


@login_required
@require_POST
def match_accept(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        moving = match.status == Match.Status.CONFIRMED and bool(match.pending_side)
        match = matches.match_accept(match=match, by=request.user)
        if moving:
            return _("The new date is agreed; both sides get an updated calendar invitation.")
        if match.status == Match.Status.CONFIRMED:
            return _("Confirmed! Both sides accepted; the contact details are now shown on the match.")
        return _("You accepted. Once the other side accepts too, the activity is confirmed.")

    return _act(request, pk, action)


@login_required
@require_POST
def match_decline(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        matches.match_decline(match=match, by=request.user, reason=request.POST.get("reason", ""))
        return _("You declined. This pair is not proposed again; the matcher looks for another candidate.")

    return _act(request, pk, action)


@login_required
@require_POST
def match_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        matches.match_cancel(match=match, by=request.user, reason=request.POST.get("reason", ""))
        return _("Cancelled. The other side has been told, with your reason.")

    return _act(request, pk, action)


@login_required
@require_POST
def match_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The two buttons "it took place" / "it did not take place" (with a reason)."""

    def action(match: Match) -> str:
        held = request.POST.get("held") == "yes"
        outcomes.match_outcome(match=match, by=request.user, held=held, reason=request.POST.get("reason", ""))
        return _("Thank you: your answer is recorded.")

    return _act(request, pk, action)


@csrf_protect
def match_outcome_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed one-click answer from the e-mail: no login, only records that answer.

    "It took place" is recorded on opening the link; "it did not take place" asks for the reason
    first. A forged or expired link, or an answer the service refuses, shows a page saying so."""
    link = outcome_link_read(token)
    match = user = None
    if link is not None:
        match = (
            Match.objects.select_related("offer__organisation", "request__organisation")
            .filter(pk=link.match_id)
            .first()
        )
        user = User.objects.filter(pk=link.user_id, is_active=True).first()
    if link is None or match is None or user is None:
        return render(request, "matching/matches/outcome_link.html", {"invalid": True}, status=400)
    context: dict[str, Any] = {"match": match, "held": link.held, "token": token}
    if not link.held and request.method != "POST":
        return render(request, "matching/matches/outcome_link.html", {**context, "ask_reason": True})
    try:
        outcomes.match_outcome(
            match=match, by=user, held=link.held, reason=request.POST.get("reason", ""), side=link.side
        )
    except PermissionDenied:
        return render(request, "matching/matches/outcome_link.html", {"invalid": True}, status=403)
    except ValidationError as exc:
        context.update(
            errors=exc.messages, ask_reason=not link.held and "reason" in getattr(exc, "message_dict", {})
        )
        return render(request, "matching/matches/outcome_link.html", context, status=400)
    return render(request, "matching/matches/outcome_link.html", {**context, "recorded": True})


def _posted_date(request: HttpRequest, field: str, *, required: bool) -> date | None:
    raw = request.POST.get(field, "").strip()
    if not raw and not required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: _("Enter a date, for example 2026-03-12.")}) from None


@login_required
@require_POST
def match_set_date(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        day = _posted_date(request, "activity_date", required=True)
        until = _posted_date(request, "activity_until", required=False)
        times = {}
        for field in ("start", "end"):
            raw = request.POST.get(f"activity_{field}", "").strip()
            try:
                times[field] = time.fromisoformat(raw) if raw else None
            except ValueError:
                raise ValidationError({field: _("Enter a time, for example 09:30.")}) from None
        raw_hours = request.POST.get("hours_per_week", "").strip()
        try:
            hours = int(raw_hours) if raw_hours else None
        except ValueError:
            raise ValidationError({"hours_per_week": _("Give 1 to 40 hours per week.")}) from None
        match = matches.match_set_date(
            match=match,
            by=request.user,
            activity_date=day,
            activity_until=until,
            hours_per_week=hours,
            **times,
        )
        if match.pending_side:
            return _("Your new date is proposed; the confirmed date stays until the other side accepts it.")
        if match.status == Match.Status.CONFIRMED:
            return _("The date is agreed by both sides.")
        return _("Your date is proposed; the other side is asked to accept it.")

    return _act(request, pk, action)


@login_required
@require_POST
def match_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        try:
            rating = int(request.POST.get("rating", ""))
        except ValueError:
            raise ValidationError(_("Choose a rating from 1 to 5.")) from None
        outcomes.match_feedback(
            match=match, by=request.user, rating=rating, comment=request.POST.get("comment", "")
        )
        return _("Thank you for your feedback.")

    return _act(request, pk, action)
