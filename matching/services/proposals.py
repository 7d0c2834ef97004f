"""What every proposal carries, whichever road made it: `matches.match_propose` (one pair, by hand
or self-service) or the matcher's bulk `matching.matcher.persist`. One place each for the answer
deadline and the suggested date, so both roads write identical rows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from matching.engine.problem import first_day_from
from matching.engine.rules import first_shared_day

ANSWER_DAYS = 7


def proposal_expires_at(now: datetime) -> datetime:
    """The answer deadline of a proposal made at ``now`` (DESIGN §3: 7 days)."""
    return now + timedelta(days=ANSWER_DAYS)


def proposal_activity_date(offer: Any, request: Any, *, today: date | None = None) -> date:
    """The suggested day of a new proposal: the first weekday from tomorrow on inside both
    windows; for a pair whose windows a coordinator overrode, the first weekday from tomorrow on
    in the school's window (never a past day, never a weekend).

    ``offer``/``request`` are rows or engine items (both have the window fields).
    """
    today = today or timezone.localdate()
    return first_shared_day(offer, request, today) or first_day_from(request.wanted_from, today)
