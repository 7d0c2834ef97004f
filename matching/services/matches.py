"""The match lifecycle (DESIGN §3): propose, accept, decline, expire, cancel, complete, feedback.

Capacity is committed when a match is proposed and released when it is declined, expired or
cancelled. Every change of `committed` is a conditional UPDATE (`committed + n <= capacity`) on the
row, backed by a CHECK constraint, so concurrent proposals can never over-commit an offer or a
request (RELIABILITY §0.6).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from matching.models import Feedback, Match, Offer, Request
from matching.services import events, listings

log = structlog.get_logger(__name__)

ANSWER_DAYS = 7
REMINDER_DAYS = 3


class CapacityError(ValidationError):
    """Not enough free slots left (someone else was faster)."""


def _side_of(user: User, match: Match) -> set[str]:
    return access.side_of(user, match)


def match_sides(*, user: User, match: Match) -> set[str]:
    return _side_of(user, match)


def _commit(model: type[Offer] | type[Request], pk: int, slots: int) -> None:
    limit = "capacity" if model is Offer else "slots"
    changed = model.objects.filter(pk=pk, status="open", committed__lte=F(limit) - slots).update(
        committed=F("committed") + slots
    )
    if changed != 1:
        raise CapacityError(_("There are not enough free places left for this match."), code="capacity")


def _release(match: Match) -> None:
    Offer.objects.filter(pk=match.offer_id).update(committed=F("committed") - match.slots)
    Request.objects.filter(pk=match.request_id).update(committed=F("committed") - match.slots)
    # A fulfilled request is open again once slots are free.
    Request.objects.filter(pk=match.request_id, status=Request.Status.FULFILLED).update(
        status=Request.Status.OPEN
    )


def _activity_date(offer: Offer, request: Request) -> date:
    start = max(offer.available_from, request.wanted_from, timezone.localdate())
    return min(start, min(offer.available_until, request.wanted_until))


def _after_end(match: Match) -> None:
    """A released proposal sends its request to the next best candidate at once (DESIGN §4)."""
    landsdeel = match.request.organisation.landsdeel
    for hook in listings.on_listing_changed:
        transaction.on_commit(lambda hook=hook: hook(landsdeel), robust=True)


def check_pair(offer: Offer, request: Request) -> None:
    """The rules a hand-made or self-service proposal must meet (the matcher checks all of DESIGN §4)."""
    errors = []
    if offer.kind != request.kind:
        errors.append(_("The offer and the request are of different kinds."))
    if not set(offer.levels) & set(request.levels):
        errors.append(_("The levels do not overlap."))
    if offer.available_from > request.wanted_until or request.wanted_from > offer.available_until:
        errors.append(_("The dates do not overlap."))
    if offer.status != "open" or request.status != "open":
        errors.append(_("Both must be open."))
    if not (offer.organisation.is_verified and request.organisation.is_verified):
        errors.append(_("Both organisations must be verified."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def match_propose(
    *,
    offer: Offer,
    request: Request,
    slots: int = 1,
    source: str = Match.Source.MATCHER,
    by: User | None = None,
    score: float = 0.0,
    explanation: dict[str, Any] | None = None,
    run_id: int | None = None,
) -> Match:
    """Propose a match and commit its slots. Self-service proposals count as accepted by the asker."""
    offer = Offer.objects.select_related("organisation").get(pk=offer.pk)
    request = Request.objects.select_related("organisation").get(pk=request.pk)
    if slots < 1:
        raise ValidationError({"slots": _("At least 1.")})
    if source != Match.Source.MATCHER:
        check_pair(offer, request)
        from matching.models import BlockedPair

        if BlockedPair.objects.filter(offer=offer, request=request).exists():
            raise ValidationError(_("A coordinator has blocked this pair."))
        if Match.objects.filter(offer=offer, request=request, status=Match.Status.DECLINED).exists():
            raise ValidationError(_("This pair was declined before and is not proposed again."))
    if explanation is None:
        from matching.services.runs import pair_explanation

        score, explanation = pair_explanation(offer, request)
    _commit(Offer, offer.pk, slots)
    _commit(Request, request.pk, slots)
    now = timezone.now()
    match = Match(
        offer=offer,
        request=request,
        school_id=request.organisation_id,
        company_id=offer.organisation_id,
        slots=slots,
        source=source,
        proposed_by=by,
        score=score,
        explanation=explanation or {},
        run_id=run_id,
        activity_date=_activity_date(offer, request),
        expires_at=now + timedelta(days=ANSWER_DAYS),
    )
    if source == Match.Source.SCHOOL:
        match.school_accepted_at, match.school_accepted_by = now, by
    elif source == Match.Source.COMPANY:
        match.company_accepted_at, match.company_accepted_by = now, by
    try:
        with transaction.atomic():
            match.save()
    except IntegrityError:
        raise ValidationError(
            _("This offer and request already have a live match."), code="duplicate"
        ) from None
    events.proposals_created([match])
    log.info("match.proposed", match=match.pk, source=source, slots=slots)
    return match


def _locked(match: Match) -> Match:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("offer__organisation", "request__organisation")
        .get(pk=match.pk)
    )


@transaction.atomic
def match_accept(*, match: Match, by: User) -> Match:
    """Accept for the side(s) the person belongs to; the second acceptance confirms the match."""
    match = _locked(match)
    sides = _side_of(by, match)
    if not sides:
        raise PermissionDenied
    if match.status != Match.Status.PROPOSED:
        raise ValidationError(
            _("This proposal can no longer be accepted (it is %(status)s).")
            % {"status": match.get_status_display()},
            code="state",
        )
    now = timezone.now()
    if "school" in sides and match.school_accepted_at is None:
        match.school_accepted_at, match.school_accepted_by = now, by
    if "company" in sides and match.company_accepted_at is None:
        match.company_accepted_at, match.company_accepted_by = now, by
    if match.school_accepted_at and match.company_accepted_at:
        match.status = Match.Status.CONFIRMED
        match.confirmed_at = now
        confirmed = (
            Match.objects.filter(request_id=match.request_id, status__in=Match.COMMITTING)
            .exclude(pk=match.pk)
            .values_list("slots", "status")
        )
        confirmed_slots = match.slots + sum(s for s, st in confirmed if st != Match.Status.PROPOSED)
        if confirmed_slots >= match.request.slots:
            Request.objects.filter(pk=match.request_id, status=Request.Status.OPEN).update(
                status=Request.Status.FULFILLED
            )
    match.save()
    events.accepted(match, sides)
    log.info("match.accepted", match=match.pk, sides=sorted(sides), status=match.status)
    return match


@transaction.atomic
def match_decline(*, match: Match, by: User, reason: str = "") -> Match:
    match = _locked(match)
    if not _side_of(by, match):
        raise PermissionDenied
    if match.status != Match.Status.PROPOSED:
        raise ValidationError(
            _("Only a proposal can be declined; cancel a confirmed match instead."), code="state"
        )
    match.status = Match.Status.DECLINED
    match.ended_by, match.end_reason, match.ended_at = by, reason.strip(), timezone.now()
    match.save()
    _release(match)
    _after_end(match)
    events.declined(match, _side_of(by, match))
    log.info("match.declined", match=match.pk)
    return match


@transaction.atomic
def match_cancel(*, match: Match, by: User, reason: str, as_coordinator: bool = False) -> Match:
    match = _locked(match)
    if not as_coordinator and not _side_of(by, match):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason, so the other side understands.")})
    if match.status not in (Match.Status.CONFIRMED, Match.Status.PROPOSED):
        raise ValidationError(_("Only a live match can be cancelled."), code="state")
    match.status = Match.Status.CANCELLED
    match.ended_by, match.end_reason, match.ended_at = by, reason.strip(), timezone.now()
    match.save()
    _release(match)
    _after_end(match)
    events.cancelled(match, set() if as_coordinator else _side_of(by, match))
    log.info("match.cancelled", match=match.pk, coordinator=as_coordinator)
    return match


@transaction.atomic
def match_expire(*, match: Match) -> bool:
    """Expire an unanswered proposal (beat); True when this call expired it."""
    match = _locked(match)
    if match.status != Match.Status.PROPOSED or match.expires_at is None or match.expires_at > timezone.now():
        return False
    match.status = Match.Status.EXPIRED
    match.ended_at = timezone.now()
    match.save()
    _release(match)
    _after_end(match)
    events.expired(match)
    return True


@transaction.atomic
def match_complete(*, match: Match, by: User | None = None) -> Match:
    match = _locked(match)
    if by is not None and not _side_of(by, match):
        raise PermissionDenied
    if match.status != Match.Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed match can be completed."), code="state")
    if match.activity_date and match.activity_date > timezone.localdate():
        raise ValidationError(_("The activity has not taken place yet."), code="too_early")
    match.status = Match.Status.COMPLETED
    match.save()
    return match


@transaction.atomic
def match_set_date(
    *,
    match: Match,
    by: User,
    activity_date: date,
    start: time | None = None,
    end: time | None = None,
) -> Match:
    """Set (or move) the activity's date and, optionally, its start and end time (Amsterdam time).

    Moving a confirmed activity sends both sides an updated calendar invitation (same UID, a
    higher SEQUENCE), so the event moves in their calendars instead of appearing twice."""
    match = _locked(match)
    if not _side_of(by, match):
        raise PermissionDenied
    if match.status not in Match.LIVE:
        raise ValidationError(_("Only a live match can be rescheduled."), code="state")
    first = max(match.offer.available_from, match.request.wanted_from)
    last = min(match.offer.available_until, match.request.wanted_until)
    if not first <= activity_date <= last:
        raise ValidationError(
            {
                "activity_date": _("Choose a date between %(start)s and %(end)s.")
                % {"start": first.isoformat(), "end": last.isoformat()}
            }
        )
    if end is not None and start is None:
        raise ValidationError({"start": _("Give a start time with the end time.")})
    if start is not None and end is not None and end <= start:
        raise ValidationError({"end": _("The end time must be after the start time.")})
    changed = (match.activity_date, match.activity_start, match.activity_end) != (activity_date, start, end)
    if not changed:
        return match
    match.activity_date, match.activity_start, match.activity_end = activity_date, start, end
    fields = ["activity_date", "activity_start", "activity_end", "updated_at"]
    if match.status == Match.Status.CONFIRMED:
        match.calendar_sequence += 1
        fields.append("calendar_sequence")
    match.save(update_fields=fields)
    if match.status == Match.Status.CONFIRMED:
        events.rescheduled(match)
    return match


@transaction.atomic
def match_feedback(*, match: Match, by: User, rating: int, comment: str = "") -> Feedback:
    match = _locked(match)
    sides = _side_of(by, match)
    if not sides:
        raise PermissionDenied
    if match.status not in (Match.Status.COMPLETED, Match.Status.EVALUATED):
        if (
            match.status == Match.Status.CONFIRMED
            and match.activity_date
            and match.activity_date <= timezone.localdate()
        ):
            match.status = Match.Status.COMPLETED
        else:
            raise ValidationError(_("Feedback is possible after the activity."), code="state")
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
    side = "school" if "school" in sides else "company"
    if Feedback.objects.filter(match=match, side=side).exists():
        raise ValidationError(_("Your side has already given feedback."), code="duplicate")
    feedback = Feedback.objects.create(
        match=match, side=side, rating=rating, comment=comment.strip(), given_by=by
    )
    if Feedback.objects.filter(match=match).count() == 2:
        match.status = Match.Status.EVALUATED
    match.save()
    return feedback


def expire_overdue(*, limit: int = 500) -> int:
    """Beat: expire proposals past their answer date. Each is its own transaction."""
    ids = list(
        Match.objects.filter(status=Match.Status.PROPOSED, expires_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )[:limit]
    )
    return sum(1 for pk in ids if match_expire(match=Match(pk=pk)))


def remind_unanswered(*, limit: int = 500) -> int:
    """Beat: proposals three days old without both answers get one reminder (reminded_at marks it)."""
    cutoff = timezone.now() - timedelta(days=REMINDER_DAYS)
    ids = list(
        Match.objects.filter(
            status=Match.Status.PROPOSED, created_at__lte=cutoff, reminded_at__isnull=True
        ).values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in ids:
        with transaction.atomic():
            # Claim first, so two beat runs never remind twice.
            if Match.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=timezone.now()) == 1:
                match = Match.objects.select_related("offer__organisation", "request__organisation").get(
                    pk=pk
                )
                events.answer_reminder(match)
                sent += 1
    return sent


def remind_activities(*, today: date | None = None, limit: int = 1000) -> int:
    """Beat: confirmed activities 7 days and 1 day ahead; notify's key makes a re-run send nothing new."""
    today = today or timezone.localdate()
    sent = 0
    for days in (7, 1):
        rows = Match.objects.filter(
            status=Match.Status.CONFIRMED, activity_date=today + timedelta(days=days)
        ).select_related("offer__organisation", "request__organisation")[:limit]
        for match in rows:
            with transaction.atomic():
                events.activity_reminder(match, days)
            sent += 1
    return sent


def request_feedback(*, limit: int = 500) -> int:
    """Beat: activities completed in the last three days get one feedback request (notify's key dedupes)."""
    recent = timezone.localdate() - timedelta(days=3)
    rows = (
        Match.objects.filter(status=Match.Status.COMPLETED, activity_date__gte=recent)
        .select_related("offer__organisation", "request__organisation")
        .order_by("-activity_date")[:limit]
    )
    for match in rows:
        with transaction.atomic():
            events.feedback_request(match)
    return len(rows)


def complete_past(*, limit: int = 500) -> int:
    """Beat: confirmed activities whose date has passed become completed."""
    ids = list(
        Match.objects.filter(
            status=Match.Status.CONFIRMED, activity_date__lt=timezone.localdate()
        ).values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in ids:
        try:
            match_complete(match=Match(pk=pk))
            done += 1
        except ValidationError:
            continue
    return done
