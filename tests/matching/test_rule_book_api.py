"""Each rule of the rule book in isolation, through the API's two self-service roads (a school
asks an offer, a company proposes to a request) and through a coordinator's manual match: every
broken rule is named, nothing is created, no slot is committed; a coordinator overrides only
what may be overridden, with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Organisation
from matching.engine import CODES
from matching.models import BlockedPair, Match, Offer, Request
from matching.services import listings, matches
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import LATER, SOON, open_offer, open_request

pytestmark = pytest.mark.django_db

# The designed list of codes is pinned once, in tests/engine/test_rule_book.py.
RULES = CODES


@dataclass
class Pair:
    offer: Offer
    request: Request
    hr: object  # a member of the offer's company
    slots: int = 1


@pytest.fixture
def far(cast):
    org = OrganisationFactory(kind="company", name="Delft Instruments", at="Delft")
    return org, MembershipFactory(organisation=org, is_admin=True).user


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def breaking(rule: str, road: str, cast, near, far) -> Pair:
    """A pair that breaks exactly `rule` (for the road "ask" or "propose")."""
    org, hr = near
    internship = {"kind": "internship", "levels": ["mbo-3"], "subjects": []}
    offer_kw: dict = {"subjects": ["ict"]}
    request_kw: dict = {"subjects": ["ict"]}
    if rule == "kind":
        request_kw["kind"] = "company_visit"
    elif rule == "levels":
        request_kw["levels"] = ["vwo"]
        offer_kw["levels"] = ["havo"]
    elif rule == "subjects":
        request_kw["subjects"] = ["bouw"]
    elif rule == "distance":
        org, hr = far
        offer_kw["max_travel_km"] = None
    elif rule == "dates":
        request_kw.update(wanted_from=LATER + timedelta(days=10), wanted_until=LATER + timedelta(days=40))
    elif rule == "crebo":
        offer_kw.update(internship, crebo=["25180"], contract_type="both")
        request_kw.update(internship, crebo=["25181"])
    elif rule == "vog":
        request_kw["vog_required"] = True
    elif rule == "contract_type":
        offer_kw.update(internship, contract_type="bol")
        request_kw.update(internship, contract_type="bbl")
    elif rule == "group_size":
        offer_kw["max_group_size"] = 20
        request_kw["group_size"] = 28
    elif rule == "sbb":
        # A leerbedrijf, but recognised for another qualification than the one the request follows.
        offer_kw.update(
            internship, crebo=["25180"], contract_type="both", sbb_number="123456789", sbb_crebo=["25300"]
        )
        request_kw.update(internship, crebo=["25180"], sbb_required=True)
    elif rule == "live":
        request_kw["slots"] = 2  # so the live match leaves a free slot: only "live" breaks
    offer = open_offer(org, hr, **offer_kw)
    wanted = open_request(cast.school, cast.teacher, **request_kw)
    pair = Pair(offer, wanted, hr)
    if rule == "status":
        # Each road closes its own side (the other side's closed listing is not visible: 404).
        if road == "ask":
            listings.listing_close(wanted, by=cast.teacher)
        else:
            listings.listing_close(offer, by=hr)
    elif rule == "verified":
        Organisation.objects.filter(pk=cast.school.pk).update(verified_at=None)
    elif rule == "declined":
        matches.match_decline(match=matches.match_propose(offer=offer, request=wanted), by=cast.teacher)
    elif rule == "blocked":
        BlockedPair.objects.create(offer=offer, request=wanted, reason="Not this one")
    elif rule == "live":
        matches.match_propose(offer=offer, request=wanted)
    elif rule == "capacity":
        pair.slots = 3  # the offer has 2
    return pair


def self_service(road: str, pair: Pair, cast):
    if road == "ask":
        return api(cast.teacher).post(
            f"/api/v1/offers/{pair.offer.pk}/ask/",
            {"request": pair.request.pk, "slots": pair.slots},
            format="json",
        )
    return api(pair.hr).post(
        f"/api/v1/requests/{pair.request.pk}/propose/",
        {"offer": pair.offer.pk, "slots": pair.slots},
        format="json",
    )


@pytest.mark.parametrize("road", ["ask", "propose"])
@pytest.mark.parametrize("rule", RULES)
def test_self_service_refuses_a_pair_breaking_one_rule(cast, near, far, rule, road):
    pair = breaking(rule, road, cast, near, far)
    before = Match.objects.count()
    committed = (
        Offer.objects.get(pk=pair.offer.pk).committed,
        Request.objects.get(pk=pair.request.pk).committed,
    )

    response = self_service(road, pair, cast)

    assert response.status_code == 400, response.content
    body = response.json()
    assert [r["code"] for r in body["rules"]] == [rule]
    assert all(r["message"] for r in body["rules"])
    assert Match.objects.count() == before
    assert (
        Offer.objects.get(pk=pair.offer.pk).committed,
        Request.objects.get(pk=pair.request.pk).committed,
    ) == committed


@pytest.mark.parametrize("road", ["ask", "propose"])
def test_self_service_succeeds_for_a_feasible_pair(cast, near, far, road):
    pair = breaking("none", road, cast, near, far)
    response = self_service(road, pair, cast)
    assert response.status_code == 201, response.content
    assert Offer.objects.get(pk=pair.offer.pk).committed == 1


def test_every_broken_rule_is_listed(cast, far):
    org, hr = far
    offer = open_offer(org, hr, subjects=["ict"], levels=["vwo"], max_travel_km=None)
    wanted = open_request(cast.school, cast.teacher, subjects=["bouw"], levels=["havo"], vog_required=True)
    response = api(cast.teacher).post(
        f"/api/v1/offers/{offer.pk}/ask/", {"request": wanted.pk}, format="json"
    )
    assert response.status_code == 400
    assert [r["code"] for r in response.json()["rules"]] == ["levels", "subjects", "distance", "vog"]


def test_unknown_ids_and_bad_slots(cast, near):
    org, hr = near
    offer, wanted = open_offer(org, hr), open_request(cast.school, cast.teacher)
    teacher = api(cast.teacher)
    assert (
        teacher.post("/api/v1/offers/999999/ask/", {"request": wanted.pk}, format="json").status_code == 404
    )
    assert (
        teacher.post(f"/api/v1/offers/{offer.pk}/ask/", {"request": 999999}, format="json").status_code == 404
    )
    assert (
        api(hr).post("/api/v1/requests/999999/propose/", {"offer": offer.pk}, format="json").status_code
        == 404
    )
    for slots in (0, -1, 3):
        response = teacher.post(
            f"/api/v1/offers/{offer.pk}/ask/", {"request": wanted.pk, "slots": slots}, format="json"
        )
        assert response.status_code == 400
        assert [r["code"] for r in response.json()["rules"]] == ["capacity"]
    assert not Match.objects.exists()


def test_the_page_shows_the_same_messages(client, cast, near):
    org, hr = near
    offer = open_offer(org, hr, subjects=["ict"])
    wanted = open_request(cast.school, cast.teacher, subjects=["bouw"], vog_required=True)
    client.force_login(cast.teacher)
    response = client.post(f"/offers/{offer.pk}/ask/", {"counterpart": wanted.pk}, follow=True)
    page = response.content.decode()
    assert "The subjects do not overlap." in page
    assert "The request requires a VOG" in page
    assert not Match.objects.exists()


# --- a coordinator's manual match -----------------------------------------------------------

OVERRIDABLE = {"subjects", "distance", "dates"}


def coordinator_propose(client, pair: Pair, **data):
    return client.post(
        f"/coordinator/queue/{pair.request.pk}/offers/{pair.offer.pk}/", {"action": "propose", **data}
    )


@pytest.mark.parametrize("rule", [r for r in RULES if r not in ("status", "capacity")])
def test_coordinator_overrides_only_what_may_be_overridden(client, cast, near, far, rule):
    pair = breaking(rule, "ask", cast, near, far)
    before = Match.objects.count()
    client.force_login(cast.coordinator)

    refused = coordinator_propose(client, pair)
    assert refused.status_code == 400
    no_reason = coordinator_propose(client, pair, **{"propose-override": "on"})
    assert no_reason.status_code == 400
    response = coordinator_propose(
        client, pair, **{"propose-override": "on", "propose-reason": "The school asked for this one."}
    )
    if rule in OVERRIDABLE:
        assert response.status_code == 302
        match = Match.objects.get(offer=pair.offer, request=pair.request, status="proposed")
        entry = AuditEntry.objects.get(action="match.proposed_by_coordinator", object_id=str(match.pk))
        assert entry.data["rules_overridden"] == [rule]
        assert entry.reason == "The school asked for this one."
        assert match.explanation["rules_overridden"] == [rule]
        assert match.activity_date > timezone.localdate()
        assert match.activity_date.weekday() < 5
    else:
        assert response.status_code == 400
        assert Match.objects.count() == before
        assert not AuditEntry.objects.filter(action="match.proposed_by_coordinator").exists()


def test_coordinator_never_overrides_dates_in_the_past(client, cast, near):
    org, hr = near
    offer, wanted = open_offer(org, hr), open_request(cast.school, cast.teacher)
    yesterday = timezone.localdate() - timedelta(days=1)
    Request.objects.filter(pk=wanted.pk).update(
        wanted_from=yesterday - timedelta(days=20), wanted_until=yesterday
    )
    client.force_login(cast.coordinator)
    page = client.get(f"/coordinator/queue/{wanted.pk}/offers/{offer.pk}/").content.decode()
    assert "cannot be overridden" in page
    response = coordinator_propose(
        client, Pair(offer, wanted, hr), **{"propose-override": "on", "propose-reason": "Anyway"}
    )
    assert response.status_code == 400
    assert not Match.objects.exists()


def test_a_request_may_not_say_both(cast):
    response = api(cast.teacher).post(
        "/api/v1/requests/",
        {
            "kind": "internship",
            "title": "Stage",
            "levels": ["mbo-3"],
            "slots": 1,
            "wanted_from": SOON.isoformat(),
            "wanted_until": LATER.isoformat(),
            "contract_type": "both",
        },
        format="json",
    )
    assert response.status_code == 400 and "contract_type" in response.json()


def test_every_rule_has_a_message_and_the_table_reads_as_designed():
    from matching.rules import rule_table

    table = {row["code"]: row for row in rule_table()}
    assert tuple(table) == RULES
    assert all(row["message"] for row in table.values())
    assert {code for code, row in table.items() if row["overridable"]} == OVERRIDABLE


def test_asking_a_closed_offer_names_the_status_rule_but_a_draft_stays_private(cast, near):
    org, hr = near
    offer, wanted = open_offer(org, hr), open_request(cast.school, cast.teacher)
    listings.listing_close(offer, by=hr)
    response = api(cast.teacher).post(
        f"/api/v1/offers/{offer.pk}/ask/", {"request": wanted.pk}, format="json"
    )
    assert response.status_code == 400 and [r["code"] for r in response.json()["rules"]] == ["status"]
    draft = listings.listing_create(
        Offer,
        organisation=org,
        by=hr,
        kind="guest_lesson",
        title="Concept",
        levels=["havo"],
        capacity=1,
        available_from=SOON,
        available_until=LATER,
    )
    response = api(cast.teacher).post(
        f"/api/v1/offers/{draft.pk}/ask/", {"request": wanted.pk}, format="json"
    )
    assert response.status_code == 404
