"""iCalendar invitations (RFC 5545) for confirmed activities; a cancellation reuses the UID."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress


def activity_invitation(
    *,
    uid: str,
    day: date,
    summary: str,
    description: str = "",
    location: str = "",
    organizer_email: str | None = None,
    cancel: bool = False,
    sequence: int = 0,
) -> bytes:
    """An all-day event on `day`; METHOD:REQUEST, or METHOD:CANCEL for the same UID when cancelled.

    All-day events carry no time zone, so Outlook and Google show them on the same date everywhere.
    """
    cal = Calendar()
    cal.add("prodid", "-//Techniekpact Match//techniekpact-match.nl//NL")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
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
    cal.add_component(event)
    return cal.to_ical()


def parse_first_event(data: bytes) -> dict[str, object]:
    """For tests and previews: the first VEVENT's main fields."""
    cal = Calendar.from_ical(data)
    for component in cal.walk("VEVENT"):
        start = component.decoded("dtstart")
        return {
            "method": str(cal.get("method")),
            "uid": str(component.get("uid")),
            "start": start.date() if isinstance(start, datetime) else start,
            "summary": str(component.get("summary")),
            "status": str(component.get("status")),
            "sequence": int(component.get("sequence", 0)),
        }
    raise ValueError("no VEVENT")
