"""Demo offers, requests and matches (landsdeel Oost), seeded after accounts.demo by seed_demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Membership, Organisation
from matching.matcher import runs
from matching.models import Match, Offer, Request
from matching.services import listings, matches

OFFERS: list[tuple[str, str, str, list[str], list[str], int, dict[str, Any]]] = [
    # company, kind, title, levels, subjects, capacity, extra
    (
        "Thales Nederland",
        "guest_lesson",
        "Radar: how we see through clouds",
        ["havo", "vwo"],
        ["natuurkunde", "ict"],
        4,
        {
            "online": True,
            "vog_date_days_ago": 200,
            "max_group_size": 32,
            "duration_minutes": 60,
            "lesson_format": "on_site",
            "guest_brings": "A small radar demonstrator and a laptop.",
        },
    ),
    (
        "Thales Nederland",
        "internship",
        "Internship electrical engineering (BOL)",
        ["mbo-3", "mbo-4"],
        ["elektrotechniek"],
        3,
        {
            "contract_type": "bol",
            "sbb_recognised": True,
            "crebo": ["25195"],
            "sbb_number": "100345678",
            "sbb_crebo": ["25195"],
            "duration_weeks": 20,
            "hours_per_week": 32,
            "allowance_per_month": 300,
            "supervisor_name": "Ingrid Mulder",
        },
    ),
    (
        "Demcon",
        "company_visit",
        "Visit our robotics lab",
        ["vmbo-t", "havo", "vwo"],
        ["metaal-mechatronica"],
        3,
        {},
    ),
    (
        "Demcon",
        "teacher_internship",
        "Teacher internship: medical robotics",
        ["havo", "vwo", "mbo-4"],
        ["zorgtechniek"],
        2,
        {
            "learning_goals": "Work along in a project team and see how a medical robot is designed.",
            "days": 3,
            "department": "Research & Development",
        },
    ),
    (
        "Twence",
        "company_visit",
        "From waste to energy: a tour",
        ["po", "vmbo-b", "vmbo-k"],
        ["energie"],
        5,
        {
            "max_group_size": 30,
            "duration_minutes": 120,
            "public_transport": True,
            "wheelchair_accessible": True,
        },
    ),
    (
        "Saxion Smart Solutions",
        "guest_lesson",
        "Programming a game in one lesson",
        ["po", "vmbo-t", "havo"],
        ["ict"],
        6,
        {"online": True},
    ),
    (
        "Bouwbedrijf Trebbe",
        "internship",
        "Leerwerkplek bouw (BBL)",
        ["vmbo-b", "vmbo-k", "mbo-2"],
        ["bouw"],
        2,
        {"contract_type": "bbl", "sbb_recognised": True, "bbl_wage_basis": "CAO Bouw & Infra"},
    ),
    (
        "Alliander",
        "guest_lesson",
        "The energy transition in your street",
        ["vmbo-t", "havo", "vwo"],
        ["energie"],
        4,
        {},
    ),
    (
        "NXP Nijmegen",
        "teacher_internship",
        "Teacher internship chip design",
        ["havo", "vwo", "hbo"],
        ["elektrotechniek", "natuurkunde"],
        1,
        {},
    ),
    (
        "Wageningen Food Lab",
        "company_visit",
        "Food lab day",
        ["vmbo-g", "havo", "vwo"],
        ["agri-food", "biologie"],
        3,
        {},
    ),
]
REQUESTS: list[tuple[str, str, str, list[str], list[str], int, dict[str, Any]]] = [
    (
        "Het Stedelijk Lyceum",
        "guest_lesson",
        "Guest lesson physics in practice",
        ["havo"],
        ["natuurkunde"],
        2,
        {"vog_required": True},
    ),
    (
        "ROC van Twente",
        "internship",
        "Internship places electrical engineering",
        ["mbo-3"],
        ["elektrotechniek"],
        2,
        {"crebo": ["25195"]},
    ),
    ("Bonhoeffer College", "company_visit", "Class visit technology profile", ["vmbo-t"], [], 1, {}),
    ("Basisschool De Regenboog", "company_visit", "Group 8 visits a factory", ["po"], ["energie"], 1, {}),
    (
        "Carmel College Salland",
        "teacher_internship",
        "Physics teacher seeks a company week",
        ["havo", "vwo"],
        ["natuurkunde", "elektrotechniek"],
        1,
        {},
    ),
    (
        "Thomas a Kempis College",
        "guest_lesson",
        "Programming for havo 3",
        ["havo"],
        ["ict"],
        1,
        {"online_ok": True},
    ),
    (
        "Stedelijk Gymnasium Arnhem",
        "guest_lesson",
        "Energy transition for vwo 5",
        ["vwo"],
        ["energie"],
        1,
        {},
    ),
    ("OBS De Esch", "guest_lesson", "What does an engineer do?", ["po"], [], 1, {"online_ok": True}),
]


def _first_member(org: Organisation):  # noqa: ANN202
    membership = (
        Membership.objects.filter(organisation=org).select_related("user").order_by("-is_admin").first()
    )
    return membership.user if membership else None


def seed(*, stdout: Any) -> None:
    if Offer.objects.filter(title=OFFERS[0][2]).exists():
        return  # idempotent: seeded before
    orgs = {o.name: o for o in Organisation.objects.all()}
    today = timezone.localdate()
    start, end = today + timedelta(days=10), today + timedelta(days=200)
    # Publishing queues no runs here (queue_run=False): the demo does its one run at the end.
    for company, kind, title, levels, subjects, capacity, extra in OFFERS:
        vog_days = extra.pop("vog_date_days_ago", None)
        if vog_days:
            extra["vog_date"] = today - timedelta(days=vog_days)
        offer = listings.listing_create(
            Offer,
            organisation=orgs[company],
            by=_first_member(orgs[company]),
            kind=kind,
            title=title,
            description=f"{title}. We gladly tell you more in the conversation.",
            levels=levels,
            subjects=subjects,
            capacity=capacity,
            available_from=start,
            available_until=end,
            **extra,
        )
        listings.listing_publish(offer, by=None, queue_run=False)
    for school, kind, title, levels, subjects, slots, extra in REQUESTS:
        request = listings.listing_create(
            Request,
            organisation=orgs[school],
            by=_first_member(orgs[school]),
            kind=kind,
            title=title,
            description=f"{title}. Our pupils are curious!",
            levels=levels,
            subjects=subjects,
            slots=slots,
            wanted_from=start + timedelta(days=5),
            wanted_until=end - timedelta(days=30),
            **extra,
        )
        listings.listing_publish(request, by=None, queue_run=False)
    # One draft each, to show the draft tab.
    listings.listing_create(
        Request,
        organisation=orgs["Het Stedelijk Lyceum"],
        by=None,
        kind="company_visit",
        title="Draft: visit for havo 4",
        levels=["havo"],
        slots=1,
        wanted_from=start,
        wanted_until=end,
    )
    stats = runs.run_now(scope="oost")  # the demo's one matcher run
    # Show a confirmed match too: the first proposal is accepted by both sides.
    first = (
        Match.objects.filter(
            status="proposed",
            request__organisation__memberships__isnull=False,
            offer__organisation__memberships__isnull=False,
        )
        .select_related("offer__organisation", "request__organisation")
        .order_by("pk")
        .first()
    )
    if first is not None:
        matches.match_accept(match=first, by=_first_member(first.request.organisation))
        matches.match_accept(match=first, by=_first_member(first.offer.organisation))
    stdout.write(
        f"Demo offers {Offer.objects.count()}, requests {Request.objects.count()}, "
        f"proposals {stats['proposals']} (one confirmed)."
    )
