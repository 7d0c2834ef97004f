"""What every proposal carries, whichever road made it: `matches.match_propose` (one pair, by hand
or self-service) or the matcher's bulk `matching.matcher.persist`. One place each for the answer
deadline and the suggested date, so both roads write identical rows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from matching.services import scheduling

if TYPE_CHECKING:
    from taxonomy.holidays import HolidayTable

ANSWER_DAYS = 7


def proposal_expires_at(now: datetime) -> datetime:
    """The answer deadline of a proposal made at ``now`` (DESIGN §3: 7 days)."""
    return now + timedelta(days=ANSWER_DAYS)


def proposal_dates(
    offer: Any,
    request: Any,
    *,
    region: str | None,
    today: date | None = None,
    holidays: HolidayTable | None = None,
) -> dict[str, Any]:
    """The date fields of a new proposal: `Match(**proposal_dates(...), ...)`.

    The suggested date (DESIGN §3 "Dates", :func:`scheduling.suggest`): the first weekday at least
    the kind's lead time away inside both windows and outside the school holidays of ``region``
    (the school's holiday region); for internships and teacher internships also the end of the
    period. A pair whose windows a coordinator overrode (they do not overlap) is dated inside the
    school's window. ``offer``/``request`` are rows or engine items (both carry kind and windows).
    The matcher passes one ``holidays`` snapshot for a whole run.
    """
    today = today or timezone.localdate()
    first, last = scheduling.overlap(offer, request)
    if first > last:
        first, last = request.wanted_from, request.wanted_until
    suggestion = scheduling.suggest(
        kind=offer.kind, window=(first, last), region=region, today=today, holidays=holidays
    )
    return {"activity_date": suggestion.day, "activity_until": suggestion.until}
