"""The beat's deadlines on proposals and activities: expire proposals nobody answered in time,
remind the sides of an open proposal and of an activity ahead. Each item is its own transaction."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from matching.models import Match
from matching.services import events, matches

REMINDER_DAYS = 3


def expire_overdue(*, limit: int = 500) -> int:
    """Beat: expire proposals past their answer date. Each is its own transaction."""
    ids = list(
        Match.objects.filter(status=Match.Status.PROPOSED, expires_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )[:limit]
    )
    return sum(1 for pk in ids if matches.match_expire(match=Match(pk=pk)))


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
