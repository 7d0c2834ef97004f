"""A small world with explicit dates for the dashboard figures, and the values computed by hand.

Rows are written by the factories (not the services) so that every timestamp — published, created,
confirmed — can be set to a chosen day of the school year starting in August of `year`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from accounts.models import Organisation
from matching.models import Match, Offer, Request
from oversight.models import PlacementRecord
from tests.accounts.factories import OrganisationFactory
from tests.matching.factories import MatchFactory, OfferFactory, RequestFactory

# The world's internship gender figures (two girls and a boy): every count below 5 hidden, zero shown.
GENDER_HIDDEN = {
    "recorded": None,
    "girls": None,
    "boys": None,
    "other_or_unknown": 0,
    "small_cells": ["girls", "boys", "recorded"],
}


def day(year: int, month: int, dom: int = 1) -> date:
    """A day of the school year starting in August of `year` (months 8–12 in `year`, 1–7 after)."""
    return date(year if month >= 8 else year + 1, month, dom)


def moment(year: int, month: int, dom: int = 1) -> datetime:
    return timezone.make_aware(datetime.combine(day(year, month, dom), time(12)))


def offer(org: Organisation, year: int, **over: object) -> Offer:
    data: dict = {
        "title": "Aanbod",
        "capacity": 5,
        "max_travel_km": None,
        "published_at": moment(year, 8, 15),
        "available_from": day(year, 9, 1),
        "available_until": day(year, 6, 30),
    }
    return OfferFactory(organisation=org, **(data | over))


def request(org: Organisation, year: int, **over: object) -> Request:
    data: dict = {
        "title": "Vraag",
        "status": "fulfilled",
        "published_at": moment(year, 9, 1),
        "created_at": moment(year, 9, 1),
        "wanted_from": day(year, 9, 1),
        "wanted_until": day(year, 6, 30),
    }
    return RequestFactory(organisation=org, **(data | over))


def match(o: Offer, r: Request, **over: object) -> Match:
    return MatchFactory(offer=o, request=r, **over)


@dataclass
class World:
    year: int
    today: date
    # Hand-computed figures for the Oost coordinator (Overijssel + Gelderland).
    expected: dict = field(default_factory=dict)
    internship: Match | None = None


def build(cast, year: int, *, tag: str = "") -> World:  # noqa: ANN001
    """Schools, companies, offers, requests and matches in Overijssel, Gelderland and Zuid-Holland.

    `tag` makes a second copy possible (for the query-count tests)."""
    today = day(year, 3, 1)
    if tag:
        school, other_school = (
            OrganisationFactory(kind="school", name=f"School A{tag}", at="Zwolle"),
            OrganisationFactory(kind="school", name=f"School B{tag}", at=("Enschede", "overijssel")),
        )
        company = OrganisationFactory(kind="company", name=f"Bedrijf{tag}", at=("Enschede", "overijssel"))
    else:
        school, other_school, company = cast.school, cast.other_school, cast.company
    school3 = OrganisationFactory(
        kind="school", name=f"ROC Arnhem{tag}", at="Arnhem", levels=["vmbo-b", "mbo-2"]
    )
    OrganisationFactory(kind="school", name=f"Nooit bereikt{tag}", at="Deventer")
    OrganisationFactory(kind="school", name=f"Ongeverifieerd{tag}", at="Zwolle", verified_at=None)
    school_zh = OrganisationFactory(kind="school", name=f"Rotterdamse school{tag}", at="Rotterdam")
    company2 = OrganisationFactory(kind="company", name=f"Bouwbedrijf{tag}", at="Arnhem", sectors=["bouw"])
    company3 = OrganisationFactory(
        kind="company", name=f"Energiebedrijf{tag}", at="Deventer", sectors=["energie"]
    )
    company4 = OrganisationFactory(kind="company", name=f"Slapend bedrijf{tag}", at="Arnhem")
    company_zh = OrganisationFactory(kind="company", name=f"Haven{tag}", at="Rotterdam")

    o1 = offer(company, year)
    o2 = offer(
        company2,
        year,
        kind="internship",
        levels=["vmbo-b", "mbo-2"],
        subjects=[],
        capacity=4,
        published_at=moment(year, 9, 1),
    )
    # Closed before this school year started: counts for the year before, not this one.
    o3 = offer(
        company2,
        year,
        kind="internship",
        levels=["mbo-2"],
        capacity=10,
        status="closed",
        published_at=moment(year - 1, 8, 15),
        closed_at=moment(year - 1, 7, 15),
        available_from=day(year - 1, 9, 1),
        available_until=day(year - 1, 6, 30),
    )
    offer(company4, year, kind="internship", levels=["mbo-2"], capacity=3, status="draft", published_at=None)
    o5 = offer(
        company3,
        year,
        status="closed",
        published_at=moment(year - 1, 9, 1),
        closed_at=moment(year - 1, 7, 1),
        available_from=day(year - 1, 9, 1),
        available_until=day(year - 1, 6, 30),
    )
    o_zh = offer(company_zh, year, kind="internship", levels=["mbo-2"], capacity=7)

    # Open requests: r1 stale (published 1 January, nothing proposed), r2 recent, r3 has a proposal.
    request(school, year, status="open", published_at=moment(year, 1, 1), created_at=moment(year, 12, 20))
    request(school, year, status="open", published_at=moment(year, 2, 25), created_at=moment(year, 2, 25))
    r3 = request(
        school3, year, kind="internship", levels=["mbo-2"], status="open", published_at=moment(year, 12, 1)
    )
    request(school_zh, year, status="open", published_at=moment(year, 1, 1))

    ra = request(school, year)
    rb = request(other_school, year, levels=["havo", "vwo"], subjects=["ict", "wiskunde"])
    rc = request(school3, year, kind="internship", levels=["mbo-2"], slots=3)
    rd = request(school, year, status="closed")
    re = request(other_school, year, status="closed")
    r_zh = request(school_zh, year, kind="internship", levels=["mbo-2"], slots=2)
    r_zh3 = request(school_zh, year)

    match(
        o1,
        ra,
        status="completed",
        activity_date=day(year, 10, 10),
        created_at=moment(year, 9, 20),
        confirmed_at=moment(year, 9, 25),
    )
    # No date yet: counts in the month it was confirmed.
    match(o1, rb, status="confirmed", created_at=moment(year, 2, 1), confirmed_at=moment(year, 2, 10))
    match(o2, r3, status="proposed", created_at=moment(year, 2, 20))
    # Took place on 2 February: the school said so (only completed activities count as held).
    internship = match(
        o2,
        rc,
        status="completed",
        slots=3,
        activity_date=day(year, 2, 2),
        created_at=moment(year, 11, 5),
        confirmed_at=moment(year, 11, 10),
        school_held=True,
    )
    PlacementRecord.objects.create(match=internship, girls=2, boys=1)
    match(o1, rd, status="declined", created_at=moment(year, 10, 1))
    # Last school year: not this year's.
    match(
        o3,
        re,
        status="evaluated",
        activity_date=day(year - 1, 3, 1),
        created_at=moment(year - 1, 1, 10),
        confirmed_at=moment(year - 1, 1, 15),
    )
    # Zuid-Holland schools: the Zuid-Holland coordinator's, except that company3 (Overijssel) is active.
    # The internship of 1 November was confirmed but nobody said it took place: unconfirmed, not held.
    match(
        o_zh,
        r_zh,
        status="confirmed",
        slots=2,
        activity_date=day(year, 11, 1),
        created_at=moment(year, 10, 1),
        confirmed_at=moment(year, 10, 2),
    )
    match(
        o5,
        r_zh3,
        status="completed",
        activity_date=day(year, 12, 1),
        created_at=moment(year, 11, 1),
        confirmed_at=moment(year, 11, 2),
    )

    world = World(year=year, today=today, internship=internship)
    # Only completed activities count as held: the confirmed lesson without a date is planned, not
    # held, and does not reach its school (before issue 15: activities 3, schools reached 3 = 75%).
    world.expected = {
        "open_requests": 3,
        "stale_requests": 1,
        "awaiting_answer": 1,
        "confirmed": 1,
        "completed": 2,
        "activities": 2,
        "unconfirmed": 0,
        "not_held": 0,
        "schools_total": 4,
        "schools_reached": 2,
        "schools_reached_share": 50.0,
        "active_companies": 3,
        "internship_places_offered": 4,
        "internship_places_filled": 3,
    }
    return world
