"""After the activity's date (DESIGN §3): did it take place (each side answers once), feedback,
and the beat that asks both. Nothing completes a match by itself; the coordinator settles what
nobody answered (`unconfirmed`) or the sides disagree on."""

from __future__ import annotations

from datetime import date, timedelta

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from matching.models import Feedback, Match
from matching.services import events, matches

logger = structlog.get_logger(__name__)

OUTCOME_SIDES = ("school", "company")


@transaction.atomic
def match_outcome(*, match: Match, by: User, held: bool, reason: str = "", side: str | None = None) -> Match:
    """A side says whether the activity took place (DESIGN §3), on or after its (last) day.

    held from a side → completed, unless the other side said not held → disputed (the
    coordinator decides); not held (with a reason) → not_held: the slots are released and the
    request is open again. Each side answers once (a second answer: 409, the first one kept).
    `side` narrows the answer to one side (the e-mail link is for one side)."""
    match = matches.match_locked(match)
    sides = access.side_of(by, match)
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
    for field in matches.PENDING_FIELDS:
        setattr(match, field, None)
    match.save()
    # Slots of an activity that did not (undisputedly) happen are free again.
    if before in Match.COMMITTING and match.status not in Match.COMMITTING:
        matches.slots_release(match)
        matches.rematch_queue(match)
    events.outcome_recorded(match, set(open_sides))
    logger.info("match.outcome", match=match.pk, sides=open_sides, held=held, status=match.status)
    return match


@transaction.atomic
def match_feedback(*, match: Match, by: User, rating: int, comment: str = "") -> Feedback:
    match = matches.match_locked(match)
    sides = access.side_of(by, match)
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
