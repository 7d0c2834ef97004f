"""The match lifecycle (DESIGN §3): propose, accept, agree a date, decline, expire, cancel,
"did it take place?" (outcome), feedback. Nothing completes a match by itself.

Capacity is committed when a match is proposed and released when it is declined, expired or
cancelled. Every change of `committed` is a conditional UPDATE (`committed + n <= capacity`) on the
row, backed by a CHECK constraint, so concurrent proposals can never over-commit an offer or a
request (RELIABILITY §0.6).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from functools import partial

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from matching import rules
from matching.matcher import runs
from matching.models import Feedback, Match, Offer, Request
from matching.services import events, scheduling
from matching.services.proposals import proposal_dates, proposal_expires_at

log = structlog.get_logger(__name__)

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


def _after_end(match: Match) -> None:
    """A released proposal sends its request to the next best candidate at once (DESIGN §4)."""
    landsdeel = match.request.organisation.landsdeel
    transaction.on_commit(partial(runs.listing_changed, landsdeel), robust=True)


@transaction.atomic
def match_propose(
    *,
    offer: Offer,
    request: Request,
    slots: int = 1,
    source: str = Match.Source.MATCHER,
    by: User | None = None,
    run_id: int | None = None,
    overrides: Collection[str] = (),
) -> Match:
    """Propose a match and commit its slots. Self-service proposals count as accepted by the asker.

    Every rule of the rule book must hold (``matching.rules``); a coordinator may pass the codes
    of overridable rules they override (with a reason, audited by the caller). A pair breaking
    other rules raises :class:`matching.rules.RulesBroken` listing every broken rule.
    """
    offer = Offer.objects.select_related("organisation").get(pk=offer.pk)
    request = Request.objects.select_related("organisation").get(pk=request.pk)
    overridden = rules.pair_require(offer=offer, request=request, slots=slots, overrides=frozenset(overrides))
    score, explanation = rules.pair_explanation(offer=offer, request=request, overridden=overridden)
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
        explanation=explanation,
        run_id=run_id,
        **proposal_dates(offer, request, region=scheduling.holiday_region(request.organisation)),
        expires_at=proposal_expires_at(now),
        created_at=now,
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


def _confirm_if_agreed(match: Match, now: datetime) -> None:
    """Both sides accepted the same (current) date: the match is confirmed."""
    if not (match.school_accepted_at and match.company_accepted_at):
        return
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


class Expired(ValidationError):
    """The proposal's answer deadline has passed (it is expired now)."""


def match_accept(*, match: Match, by: User) -> Match:
    """Accept the current date for the side(s) the person belongs to; when both sides have
    accepted the same date the match is confirmed. On a confirmed match it accepts the other
    side's pending date change. A proposal past its deadline is expired at once (409 expired)."""
    with transaction.atomic():
        match, expired = _accept(match, by)
    if expired:
        raise Expired(_("This proposal has expired: nobody answered in time."), code="expired")
    return match


def _accept(match: Match, by: User) -> tuple[Match, bool]:
    match = _locked(match)
    sides = _side_of(by, match)
    if not sides:
        raise PermissionDenied
    now = timezone.now()
    if match.status == Match.Status.CONFIRMED and match.pending_side:
        if sides == {match.pending_side}:
            raise ValidationError(_("The other side still has to accept your new date."), code="state")
        _apply_pending(match)
        return match, False
    if match.status != Match.Status.PROPOSED:
        raise ValidationError(
            _("This proposal can no longer be accepted (it is %(status)s).")
            % {"status": match.get_status_display()},
            code="state",
        )
    if match.expires_at is not None and match.expires_at <= now:
        _expire(match)
        return match, True
    if match.activity_date is not None and match.activity_date <= timezone.localdate():
        raise ValidationError(
            {"activity_date": _("This date has passed: propose another date first.")}, code="date_passed"
        )
    if "school" in sides and match.school_accepted_at is None:
        match.school_accepted_at, match.school_accepted_by = now, by
    if "company" in sides and match.company_accepted_at is None:
        match.company_accepted_at, match.company_accepted_by = now, by
    _confirm_if_agreed(match, now)
    match.save()
    events.accepted(match, sides)
    log.info("match.accepted", match=match.pk, sides=sorted(sides), status=match.status)
    return match, False


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
    _expire(match)
    return True


def _expire(match: Match) -> None:
    match.status = Match.Status.EXPIRED
    match.ended_at = timezone.now()
    match.save()
    _release(match)
    _after_end(match)
    events.expired(match)


DATE_FIELDS = ("activity_date", "activity_until", "hours_per_week", "activity_start", "activity_end")
PENDING_FIELDS = ("pending_date", "pending_until", "pending_hours", "pending_start", "pending_end")


def _apply_pending(match: Match) -> None:
    """The other side accepted a change of the confirmed date: it is the date now, and both get
    an updated calendar invitation (same UID, higher SEQUENCE)."""
    for field, pending in zip(DATE_FIELDS, PENDING_FIELDS, strict=True):
        setattr(match, field, getattr(match, pending))
        setattr(match, pending, None)
    match.pending_side = ""
    match.calendar_sequence += 1
    match.save()
    events.rescheduled(match)
    log.info("match.rescheduled", match=match.pk, sequence=match.calendar_sequence)


@transaction.atomic
def match_set_date(
    *,
    match: Match,
    by: User,
    activity_date: date,
    activity_until: date | None = None,
    hours_per_week: int | None = None,
    start: time | None = None,
    end: time | None = None,
) -> Match:
    """One side proposes a date (and times; for internships a period and hours per week).

    On a proposal it accepts the date for the proposer's side, resets the other side's acceptance
    and tells them; the same date as now only adds the proposer's acceptance. On a confirmed match
    it is a pending change until the other side accepts it (the confirmed date stays valid);
    proposing the other side's pending date accepts it."""
    match = _locked(match)
    sides = _side_of(by, match)
    if not sides:
        raise PermissionDenied
    if match.status not in Match.LIVE:
        raise ValidationError(_("Only a live match can be rescheduled."), code="state")
    scheduling.validate_dates(
        match=match,
        activity_date=activity_date,
        activity_until=activity_until,
        hours_per_week=hours_per_week,
        start=start,
        end=end,
    )
    if scheduling.is_period(match.offer.kind) and activity_until is None:
        current = match.pending_until or match.activity_until
        last = scheduling.overlap(match.offer, match.request)[1]
        activity_until = current if current and current >= activity_date else max(last, activity_date)
    if hours_per_week is None:
        hours_per_week = match.hours_per_week
    new = (activity_date, activity_until, hours_per_week, start, end)
    current = tuple(getattr(match, field) for field in DATE_FIELDS)
    now = timezone.now()
    if match.status == Match.Status.CONFIRMED:
        pending = tuple(getattr(match, field) for field in PENDING_FIELDS)
        if match.pending_side and match.pending_side not in sides and new == pending:
            _apply_pending(match)
        elif new == current:
            for field in PENDING_FIELDS:
                setattr(match, field, None)
            match.pending_side = ""
            match.save()
        elif sides == {"school", "company"}:
            for field, value in zip(PENDING_FIELDS, new, strict=True):
                setattr(match, field, value)
            match.pending_side = "school"
            _apply_pending(match)
        else:
            (side,) = sides
            for field, value in zip(PENDING_FIELDS, new, strict=True):
                setattr(match, field, value)
            match.pending_side = side
            match.save()
            events.date_proposed(match, side)
        return match
    # A proposal: the proposer accepts their own date; the other side must accept it anew.
    changed = new != current
    for field, value in zip(DATE_FIELDS, new, strict=True):
        setattr(match, field, value)
    for side in ("school", "company"):
        if side in sides:
            if changed or getattr(match, f"{side}_accepted_at") is None:
                setattr(match, f"{side}_accepted_at", now)
                setattr(match, f"{side}_accepted_by", by)
        elif changed:
            setattr(match, f"{side}_accepted_at", None)
            setattr(match, f"{side}_accepted_by", None)
    if changed:
        # The other side gets a full answer period for the new date.
        match.expires_at = max(match.expires_at or now, proposal_expires_at(now))
    _confirm_if_agreed(match, now)
    match.save()
    if match.status == Match.Status.CONFIRMED:
        events.confirmed(match)
    elif changed:
        events.date_proposed(match, "school" if "school" in sides else "company")
    log.info("match.date_proposed", match=match.pk, sides=sorted(sides), changed=changed)
    return match


OUTCOME_SIDES = ("school", "company")


@transaction.atomic
def match_outcome(*, match: Match, by: User, held: bool, reason: str = "", side: str | None = None) -> Match:
    """A side says whether the activity took place (DESIGN §3), on or after its (last) day.

    held from a side → completed, unless the other side said not held → disputed (the
    coordinator decides); not held (with a reason) → not_held: the slots are released and the
    request is open again. Each side answers once (a second answer: 409, the first one kept).
    `side` narrows the answer to one side (the e-mail link is for one side)."""
    match = _locked(match)
    sides = _side_of(by, match)
    if side is not None:
        if side not in sides:
            raise PermissionDenied
        sides = {side}
    if not sides:
        raise PermissionDenied
    if match.status not in (*Match.ANSWERABLE, Match.Status.DISPUTED):
        raise ValidationError(
            _("Only a confirmed activity can be reported on (it is %(status)s).")
            % {"status": match.get_status_display()},
            code="state",
        )
    last_day = match.last_day
    if last_day is None or last_day > timezone.localdate():
        raise ValidationError(
            _("You can say whether it took place after the activity's date."), code="too_early"
        )
    open_sides = [s for s in OUTCOME_SIDES if s in sides and getattr(match, f"{s}_held") is None]
    if not open_sides:
        raise ValidationError(_("Your side has already answered."), code="duplicate")
    reason = reason.strip()
    if not held and not reason:
        raise ValidationError({"reason": _("Say why it did not take place.")})
    now = timezone.now()
    for s in open_sides:
        setattr(match, f"{s}_held", held)
        setattr(match, f"{s}_held_reason", "" if held else reason)
        setattr(match, f"{s}_held_at", now)
        setattr(match, f"{s}_held_by", by)
    answers = {getattr(match, f"{s}_held") for s in OUTCOME_SIDES} - {None}
    before = match.status
    if answers == {True, False}:
        match.status = Match.Status.DISPUTED
    elif answers == {True}:
        if before == Match.Status.CONFIRMED:
            match.status = Match.Status.COMPLETED
            match.completed_at = now
    else:
        match.status = Match.Status.NOT_HELD
        match.ended_by, match.end_reason, match.ended_at = by, reason, now
    match.pending_side = ""
    for field in PENDING_FIELDS:
        setattr(match, field, None)
    match.save()
    # Slots of an activity that did not (undisputedly) happen are free again.
    if before in Match.COMMITTING and match.status not in Match.COMMITTING:
        _release(match)
        _after_end(match)
    events.outcome_recorded(match, set(open_sides))
    log.info("match.outcome", match=match.pk, sides=open_sides, held=held, status=match.status)
    return match


@transaction.atomic
def match_feedback(*, match: Match, by: User, rating: int, comment: str = "") -> Feedback:
    match = _locked(match)
    sides = _side_of(by, match)
    if not sides:
        raise PermissionDenied
    if match.status not in Match.HELD_STATUSES:
        raise ValidationError(
            _("Feedback is possible once a side has confirmed that the activity took place."), code="state"
        )
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
    """Beat: confirmed activities (both sides agreed the date) 7 days and 1 day ahead; notify's key
    makes a re-run send nothing new."""
    today = today or timezone.localdate()
    sent = 0
    for days in (7, 1):
        rows = Match.objects.filter(
            status=Match.Status.CONFIRMED,
            school_accepted_at__isnull=False,
            company_accepted_at__isnull=False,
            activity_date=today + timedelta(days=days),
        ).select_related("offer__organisation", "request__organisation")[:limit]
        for match in rows:
            with transaction.atomic():
                events.activity_reminder(match, days)
            sent += 1
    return sent


def request_feedback(*, limit: int = 500) -> int:
    """Beat: activities a side confirmed as held in the last three days get one feedback request
    (notify's key dedupes). Nothing else is asked for feedback."""
    recent = timezone.now() - timedelta(days=3)
    rows = (
        Match.objects.filter(status=Match.Status.COMPLETED, completed_at__gte=recent)
        .select_related("offer__organisation", "request__organisation")
        .order_by("-completed_at")[:limit]
    )
    for match in rows:
        with transaction.atomic():
            events.feedback_request(match)
    return len(rows)


def _past_last_day(today: date) -> Q:
    return Q(activity_until__lt=today) | Q(activity_until__isnull=True, activity_date__lt=today)


def ask_outcomes(*, today: date | None = None, limit: int = 500) -> int:
    """Beat: confirmed activities whose (last) day has passed: both sides are asked, once, whether
    it took place. It never changes a match's status: nothing completes by itself."""
    today = today or timezone.localdate()
    ids = list(
        Match.objects.filter(
            _past_last_day(today), status=Match.Status.CONFIRMED, outcome_asked_at__isnull=True
        )
        .order_by("activity_date", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    asked = 0
    for pk in ids:
        with transaction.atomic():
            if Match.objects.filter(pk=pk, outcome_asked_at__isnull=True).update(
                outcome_asked_at=timezone.now()
            ):
                match = Match.objects.select_related("offer__organisation", "request__organisation").get(
                    pk=pk
                )
                events.outcome_request(match)
                asked += 1
    return asked


def unconfirmed(*, today: date | None = None) -> QuerySet[Match]:
    """Confirmed activities nobody answered "did it take place?" for 14 days after the (last) day:
    listed for the coordinator, never completed by themselves."""
    today = today or timezone.localdate()
    return Match.objects.filter(
        _past_last_day(today - timedelta(days=Match.UNCONFIRMED_AFTER_DAYS)), status=Match.Status.CONFIRMED
    )
