"""The match lifecycle (DESIGN §3): propose, accept, agree a date, decline, expire, cancel.
What happens after the date lives in `outcomes.py`, the beat's deadlines in `deadlines.py`.

Capacity is committed when a match is proposed and released when it is declined, expired or
cancelled. Every change of `committed` is a conditional UPDATE (`committed + n <= capacity`) on the
row, backed by a CHECK constraint, so concurrent proposals can never over-commit an offer or a
request (RELIABILITY §0.6).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from matching import rules
from matching.matcher import runs
from matching.models import Match, Offer, Request
from matching.services import events, scheduling
from matching.services.proposals import proposal_dates, proposal_expires_at

logger = structlog.get_logger(__name__)


class CapacityError(ValidationError):
    """Not enough free slots left (someone else was faster)."""


def _commit(model: type[Offer] | type[Request], pk: int, slots: int) -> None:
    limit = "capacity" if model is Offer else "slots"
    changed = model.objects.filter(pk=pk, status="open", committed__lte=F(limit) - slots).update(
        committed=F("committed") + slots
    )
    if changed != 1:
        raise CapacityError(_("There are not enough free places left for this match."), code="capacity")


def slots_release(match: Match) -> None:
    Offer.objects.filter(pk=match.offer_id).update(committed=F("committed") - match.slots)
    Request.objects.filter(pk=match.request_id).update(committed=F("committed") - match.slots)
    # A fulfilled request is open again once slots are free.
    Request.objects.filter(pk=match.request_id, status=Request.Status.FULFILLED).update(
        status=Request.Status.OPEN
    )


def rematch_queue(match: Match) -> None:
    """A released proposal sends its request to the next best candidate at once (DESIGN §4)."""
    landsdeel = match.request.organisation.landsdeel
    transaction.on_commit(lambda: runs.listing_changed(landsdeel), robust=True)


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
    logger.info("match.proposed", match=match.pk, source=source, slots=slots)
    return match


def match_locked(match: Match) -> Match:
    """The match, locked for update until the caller's transaction ends."""
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
    match = match_locked(match)
    sides = access.side_of(by, match)
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
    logger.info("match.accepted", match=match.pk, sides=sorted(sides), status=match.status)
    return match, False


@transaction.atomic
def match_decline(*, match: Match, by: User, reason: str = "") -> Match:
    match = match_locked(match)
    if not access.side_of(by, match):
        raise PermissionDenied
    if match.status != Match.Status.PROPOSED:
        raise ValidationError(
            _("Only a proposal can be declined; cancel a confirmed match instead."), code="state"
        )
    match.status = Match.Status.DECLINED
    match.ended_by, match.end_reason, match.ended_at = by, reason.strip(), timezone.now()
    match.save()
    slots_release(match)
    rematch_queue(match)
    events.declined(match, access.side_of(by, match))
    logger.info("match.declined", match=match.pk)
    return match


@transaction.atomic
def match_cancel(*, match: Match, by: User, reason: str, as_coordinator: bool = False) -> Match:
    match = match_locked(match)
    if not as_coordinator and not access.side_of(by, match):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason, so the other side understands.")})
    if match.status not in (Match.Status.CONFIRMED, Match.Status.PROPOSED):
        raise ValidationError(_("Only a live match can be cancelled."), code="state")
    match.status = Match.Status.CANCELLED
    match.ended_by, match.end_reason, match.ended_at = by, reason.strip(), timezone.now()
    match.save()
    slots_release(match)
    rematch_queue(match)
    events.cancelled(match, set() if as_coordinator else access.side_of(by, match))
    logger.info("match.cancelled", match=match.pk, coordinator=as_coordinator)
    return match


@transaction.atomic
def match_expire(*, match: Match) -> bool:
    """Expire an unanswered proposal (beat); True when this call expired it."""
    match = match_locked(match)
    if match.status != Match.Status.PROPOSED or match.expires_at is None or match.expires_at > timezone.now():
        return False
    _expire(match)
    return True


def _expire(match: Match) -> None:
    match.status = Match.Status.EXPIRED
    match.ended_at = timezone.now()
    match.save()
    slots_release(match)
    rematch_queue(match)
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
    logger.info("match.rescheduled", match=match.pk, sequence=match.calendar_sequence)


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
    match = match_locked(match)
    sides = access.side_of(by, match)
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
    logger.info("match.date_proposed", match=match.pk, sides=sorted(sides), changed=changed)
    return match
