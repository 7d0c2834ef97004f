from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from matching.models import Match
from matching.services import matches
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def pair(cast):
    company = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    hr = MembershipFactory(
        organisation=company, is_admin=True, user__email="hr@zwolle.nl", user__phone="038-1234567"
    ).user
    offer = open_offer(company, hr)
    request = open_request(cast.school, cast.teacher)
    match = Match.objects.filter(offer=offer, request=request).first() or matches.match_propose(
        offer=offer, request=request
    )
    return match, hr


def test_accept_by_both_sides_reveals_contacts(cast, pair):
    match, hr = pair
    body = api(cast.teacher).get(f"/api/v1/matches/{match.pk}/").json()
    assert body["contacts"] is None and body["explanation"]["levels"] == ["havo"]
    assert api(cast.teacher).post(f"/api/v1/matches/{match.pk}/accept/").json()["status"] == "proposed"
    body = api(hr).post(f"/api/v1/matches/{match.pk}/accept/").json()
    assert body["status"] == "confirmed"
    emails = {
        p["email"]
        for p in api(cast.teacher).get(f"/api/v1/matches/{match.pk}/").json()["contacts"]["company"]
    }
    assert "hr@zwolle.nl" in emails
    # Accepting again is a conflict, not an error page.
    response = api(hr).post(f"/api/v1/matches/{match.pk}/accept/")
    assert response.status_code == 409


def test_outsiders_cannot_see_or_answer(cast, pair):
    match, _ = pair
    assert api(cast.other_member).get(f"/api/v1/matches/{match.pk}/").status_code == 404
    assert api(cast.other_member).post(f"/api/v1/matches/{match.pk}/accept/").status_code == 404
    assert api(cast.coordinator_elsewhere).get(f"/api/v1/matches/{match.pk}/").status_code == 404
    # The coordinator of the province reads, but answering is for the two sides.
    assert api(cast.coordinator).get(f"/api/v1/matches/{match.pk}/").status_code == 200
    assert api(cast.coordinator).post(f"/api/v1/matches/{match.pk}/accept/").status_code == 403
    assert Match.objects.get(pk=match.pk).status == "proposed"


def test_decline_and_cancel_need_the_right_state_and_reason(cast, pair):
    match, hr = pair
    response = api(cast.teacher).post(f"/api/v1/matches/{match.pk}/cancel/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert (
        api(cast.teacher)
        .post(f"/api/v1/matches/{match.pk}/decline/", {"reason": "Al geregeld"}, format="json")
        .json()["status"]
        == "declined"
    )
    response = api(hr).post(f"/api/v1/matches/{match.pk}/accept/")
    assert response.status_code == 409


def test_feedback_rating_is_validated(cast, pair):
    match, hr = pair
    response = api(hr).post(f"/api/v1/matches/{match.pk}/feedback/", {"rating": 9}, format="json")
    assert response.status_code == 400 and "rating" in response.json()


def test_school_asks_an_offer_directly(cast):
    company = OrganisationFactory(kind="company", name="Ver weg BV", at="Delft")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    offer = open_offer(company, hr, online=True)
    # 100+ km away, but both sides are fine with online: the rule book allows the pair.
    request = open_request(cast.school, cast.teacher, online_ok=True)
    Match.objects.all().delete()  # the matcher may have proposed it already
    response = api(cast.teacher).post(
        f"/api/v1/offers/{offer.pk}/ask/", {"request": request.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    match = Match.objects.get()
    assert match.source == "school" and match.school_accepted_at and not match.company_accepted_at
    # Another school's request cannot be used to ask.
    other = open_request(cast.other_school, cast.other_member)
    response = api(cast.teacher).post(f"/api/v1/offers/{offer.pk}/ask/", {"request": other.pk}, format="json")
    assert response.status_code in (403, 404)
