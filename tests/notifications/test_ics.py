"""Calendar invitations: parse with the icalendar library and land at the right local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar

from notifications.ics import activity_invitation, parse_first_event

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_timed_activity_carries_amsterdam_time_and_its_timezone_definition():
    # 4 March is winter time (UTC+1), 4 June summer time (UTC+2): both must land at 09:30 local.
    for day, utc_hour in ((date(2027, 3, 4), 8), (date(2027, 6, 4), 7)):
        data = activity_invitation(
            uid="match-1@techniekpact-match.nl",
            day=day,
            summary="Gastles",
            start=time(9, 30),
            end=time(11, 0),
        )
        text = data.decode()
        assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Amsterdam" in text
        assert f"DTSTART;TZID=Europe/Amsterdam:{day:%Y%m%d}T093000" in text
        event = parse_first_event(data)
        assert event["starts_at"] == datetime.combine(day, time(9, 30), tzinfo=AMSTERDAM)
        assert event["starts_at"].astimezone(UTC).hour == utc_hour
        assert event["ends_at"] == datetime.combine(day, time(11, 0), tzinfo=AMSTERDAM)


def test_without_an_end_time_it_lasts_two_hours():
    event = parse_first_event(
        activity_invitation(uid="u", day=date(2027, 1, 12), summary="Bedrijfsbezoek", start=time(13, 0))
    )
    assert (event["ends_at"] - event["starts_at"]).total_seconds() == 2 * 3600


def test_all_day_activity_has_no_time_and_cancel_keeps_the_uid():
    request = activity_invitation(uid="match-9@x", day=date(2027, 2, 1), summary="Stage")
    cancel = activity_invitation(
        uid="match-9@x", day=date(2027, 2, 1), summary="Stage", cancel=True, sequence=1
    )
    first, second = parse_first_event(request), parse_first_event(cancel)
    assert first["start"] == date(2027, 2, 1) and first["starts_at"] is None
    assert (first["method"], second["method"]) == ("REQUEST", "CANCEL")
    assert first["uid"] == second["uid"] and second["sequence"] > first["sequence"]
    assert second["status"] == "CANCELLED"
    # Each is one well-formed calendar with one event.
    assert len(list(Calendar.from_ical(cancel).walk("VEVENT"))) == 1
