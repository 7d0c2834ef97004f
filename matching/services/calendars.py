"""A dated activity in a calendar: the .ics invitation mailed to both sides and downloaded from
the match page, and the event the calendar feed lists. One UID per match; every change raises
the SEQUENCE, so calendars replace the event instead of adding one."""

from __future__ import annotations

from matching.models import Match
from notifications.ics import activity_invitation


def calendar_file(match: Match, *, cancel: bool = False) -> bytes | None:
    """The activity as an iCalendar file (the e-mail attachment and the page's download)."""
    if match.activity_date is None:
        return None
    # A cancellation must outrank every invitation sent before it.
    return activity_invitation(
        **calendar_fields(match), cancel=cancel, sequence=match.calendar_sequence + (1 if cancel else 0)
    )


def calendar_fields(match: Match) -> dict:
    """What a dated activity looks like in a calendar: the invitation's and the feed's event."""
    return {
        "uid": f"match-{match.pk}@techniekpact-match.nl",
        "day": match.activity_date,
        "until": match.activity_until,
        "start": match.activity_start,
        "end": match.activity_end,
        "summary": f"{match.offer.title} — {match.offer.organisation.name} × {match.request.organisation.name}",
        "description": match.request.title,
        "location": match.request.organisation.place,
    }


def calendar_attachments(match: Match, *, cancel: bool) -> list[tuple[str, bytes, str]]:
    """The invitation (or its cancellation) as an e-mail attachment; none for an undated match."""
    data = calendar_file(match, cancel=cancel)
    if data is None:
        return []
    method = "CANCEL" if cancel else "REQUEST"
    return [("techniekpact-match.ics", data, f"text/calendar; method={method}; charset=utf-8")]
