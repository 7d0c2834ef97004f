"""iCalendar invitations (RFC 5545) for confirmed activities; a cancellation reuses the UID."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress


def activity_invitation(*, cancel: bool = False, **event: Any) -> bytes:
    """An event on `day`; METHOD:REQUEST, or METHOD:CANCEL for the same UID when cancelled.
    Takes the arguments of `activity_event`.

    With a start time it runs from `start` to `end` (default: two hours) in Europe/Amsterdam, with
    the VTIMEZONE included so Outlook and Google place it right from any time zone. Without one it
    is an all-day event, which carries no time zone and shows on the same date everywhere.
    """
    cal = _calendar(method="CANCEL" if cancel else "REQUEST")
    cal.add_component(activity_event(cancel=cancel, **event))
    cal.add_missing_timezones()
    return cal.to_ical()


def parse_first_event(data: bytes) -> dict[str, object]:
    """For tests and previews: the first VEVENT's main fields."""
    cal = Calendar.from_ical(data)
    for component in cal.walk("VEVENT"):
        start = component.decoded("dtstart")
        end = component.decoded("dtend")
        return {
            "starts_at": start if isinstance(start, datetime) else None,
            "ends_at": end if isinstance(end, datetime) else None,
            "method": str(cal.get("method")),
            "uid": str(component.get("uid")),
            "start": start.date() if isinstance(start, datetime) else start,
            "summary": str(component.get("summary")),
            "status": str(component.get("status")),
            "sequence": int(component.get("sequence", 0)),
        }
    raise ValueError("no VEVENT")


def _calendar(*, method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Techniekpact Match//techniekpact-match.nl//NL")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def activity_event(
    *,
    uid: str,
    day: date,
    summary: str,
    start: time | None = None,
    end: time | None = None,
    description: str = "",
    location: str = "",
    organizer_email: str | None = None,
    cancel: bool = False,
    sequence: int = 0,
    until: date | None = None,
) -> Event:
    """One VEVENT of an activity (`activity_invitation` says how the times are written)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    if start is not None:
        zone = ZoneInfo(settings.TIME_ZONE)
        begins = datetime.combine(day, start, tzinfo=zone)
        if end and end > start:
            ends = datetime.combine(day, end, tzinfo=zone)
        else:
            # Two hours, but never past the day's end (and never beyond the last representable day).
            ends = datetime.combine(
                day,
                time(start.hour + 2, start.minute) if start.hour < 22 else time(23, 59),
                tzinfo=zone,
            )
        event.add("dtstart", begins)
        event.add("dtend", ends)
    else:
        # All day (a period: through `until`). Never raises, also on the last representable day.
        last = until if until is not None and until > day else day
        event.add("dtstart", day)
        event.add("dtend", last + timedelta(days=1) if last < date.max else last)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = vCalAddress(
        f"mailto:{organizer_email or settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}"
    )
    organizer.params["cn"] = "Techniekpact Match"
    event["organizer"] = organizer
    return event


def activity_feed(*, name: str, events: list[Event]) -> bytes:
    """A subscribable calendar (no METHOD): the clients refresh it and follow moved dates by UID
    and SEQUENCE; an event no longer in the feed disappears from the subscriber's calendar."""
    cal = _calendar(method=None)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
