from __future__ import annotations

from datetime import date, timedelta

from matching.models import Offer, Request
from matching.services.listings import listing_create, listing_publish

SOON = date.today() + timedelta(days=20)
LATER = date.today() + timedelta(days=120)


# A guest lesson offered and asked for, as the services take them (as_json() for the API).
GUEST_LESSON_OFFER = {
    "kind": "guest_lesson",
    "title": "Gastles robotica",
    "description": "Over ICT.",
    "levels": ["havo", "vwo"],
    "subjects": ["ict"],
    "capacity": 2,
    "available_from": SOON,
    "available_until": LATER,
}
GUEST_LESSON_REQUEST = {
    "kind": "guest_lesson",
    "title": "Gastles gezocht",
    "description": "Havo 4.",
    "levels": ["havo"],
    "subjects": [],
    "slots": 1,
    "wanted_from": SOON,
    "wanted_until": LATER,
}


def as_json(data: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in data.items()}


def open_offer(org, by, **over):
    """An open guest lesson offer; the company travels up to 100 km, so the cast's Enschede
    company reaches the Zwolle school (about 63 km) under the distance rule."""
    data = {"max_travel_km": 100, **GUEST_LESSON_OFFER, **over}
    if data["kind"] == "internship":
        data.setdefault("contract_type", "both")  # an internship offer states BOL, BBL or both
    return listing_publish(listing_create(Offer, organisation=org, by=by, **data), by=by)


def open_request(org, by, **over):
    data = GUEST_LESSON_REQUEST | over
    return listing_publish(listing_create(Request, organisation=org, by=by, **data), by=by)


def days_pass(match, days: int = 1):
    """Time passes: the match's agreed (last) day is `days` days ago, as if the calendar moved on.
    (Rows are moved, not the clock: the services read today's date.)"""
    from django.utils import timezone

    from matching.models import Match

    day = timezone.localdate() - timedelta(days=days)
    Match.objects.filter(pk=match.pk).update(
        activity_date=day, activity_until=None if match.activity_until is None else day
    )
    match.refresh_from_db()
    return match


def weekday_after(day: date, days: int = 1) -> date:
    """The first weekday at least `days` days after `day`."""
    day += timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
