"""Matches the coordinator looks at after their date (DESIGN §6): disputed ones (one side says it
took place, the other not) and unconfirmed ones (nobody answered 14 days after the date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from matching.models import Match
from matching.services.outcomes import unconfirmed


def matches_to_settle(
    provinces: Sequence[str], *, today: date | None = None, limit: int = 50
) -> QuerySet[Match]:
    """Disputed and unconfirmed matches of schools or companies in `provinces`, oldest date first."""
    today = today or timezone.localdate()
    stale = unconfirmed(today=today).values("pk")
    return (
        Match.objects.filter(Q(status=Match.Status.DISPUTED) | Q(pk__in=stale))
        .filter(
            Q(request__organisation__province__in=provinces) | Q(offer__organisation__province__in=provinces)
        )
        .select_related("offer__organisation", "request__organisation")
        .order_by("activity_date", "pk")[:limit]
    )
