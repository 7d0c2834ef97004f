"""accounts.access: the active organisation of a person in several organisations."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import access
from matching.models import Request
from matching.services import matches
from matching.services.listings import listing_create
from tests.accounts.factories import MembershipFactory, make_api_token
from tests.matching.helpers import LATER, SOON, open_offer, open_request

pytestmark = pytest.mark.django_db


def _draft(org, by, title):
    return listing_create(
        Request,
        organisation=org,
        by=by,
        kind="guest_lesson",
        title=title,
        levels=["havo"],
        slots=1,
        wanted_from=SOON,
        wanted_until=LATER,
    )


@pytest.fixture
def two_schools(cast):
    """The teacher of cast.school also teaches at cast.other_school."""
    MembershipFactory(user=cast.teacher, organisation=cast.other_school)
    _draft(cast.school, cast.teacher, "Concept Kempis")
    _draft(cast.other_school, cast.other_member, "Concept Lyceum")
    return cast


def test_without_a_choice_the_oldest_membership_is_active(two_schools):
    cast = two_schools
    assert access.active_organisation(cast.teacher) == cast.school
    assert access.acting_org_ids(cast.teacher) == [cast.school.pk]
    assert access.active_organisation(cast.stranger) is None
    assert access.acting_org_ids(cast.stranger) == []


def test_header_chooses_the_organisation_and_a_foreign_one_is_refused(two_schools):
    cast = two_schools
    factory = RequestFactory()
    request = factory.get("/", HTTP_X_ORGANISATION=str(cast.other_school.pk))
    request.session = {}
    access.bind(request, cast.teacher)
    assert access.active_organisation(cast.teacher) == cast.other_school
    request = factory.get("/", HTTP_X_ORGANISATION=str(cast.company.pk))
    request.session = {}
    with pytest.raises(access.PermissionDenied):
        access.bind(request, cast.teacher)


def test_api_lists_each_organisations_drafts_only_with_it_active(two_schools):
    cast = two_schools
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(cast.teacher)}")
    # A token made while no organisation was chosen acts for the oldest membership only.
    titles = [r["title"] for r in client.get("/api/v1/requests/?mine=true").json()["results"]]
    assert titles == ["Concept Kempis"]

    session = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    session.force_login(cast.teacher)
    for org, title in ((cast.school, "Concept Kempis"), (cast.other_school, "Concept Lyceum")):
        body = session.get("/api/v1/requests/", HTTP_X_ORGANISATION=str(org.pk)).content.decode()
        assert title in body
        assert ({"Concept Kempis", "Concept Lyceum"} - {title}).pop() not in body
        query = session.get(f"/api/v1/requests/?organisation={org.pk}&mine=true").json()["results"]
        assert [r["title"] for r in query] == [title]
    refused = session.get("/api/v1/requests/", HTTP_X_ORGANISATION=str(cast.company.pk))
    assert refused.status_code == 403


def test_switcher_keeps_the_choice_in_the_session(two_schools, client):
    cast = two_schools
    client.force_login(cast.teacher)
    page = client.get(reverse("matching:request_mine"))
    assert "Concept Kempis" in page.content.decode() and "Concept Lyceum" not in page.content.decode()
    response = client.post(reverse("accounts:organisation_switch"), {"organisation": cast.other_school.pk})
    assert response.status_code == 302
    page = client.get(reverse("matching:request_mine")).content.decode()
    assert "Concept Lyceum" in page and "Concept Kempis" not in page
    # Switching to an organisation one is not a member of changes nothing.
    assert (
        client.post(reverse("accounts:organisation_switch"), {"organisation": cast.company.pk}).status_code
        == 403
    )
    assert "Concept Lyceum" in client.get(reverse("matching:request_mine")).content.decode()


def test_side_of_follows_the_active_organisation(two_schools):
    cast = two_schools
    match = matches.match_propose(
        offer=open_offer(cast.company, cast.hr), request=open_request(cast.school, cast.teacher)
    )
    assert access.side_of(cast.teacher, match) == {"school"}
    assert access.side_of(cast.hr, match) == {"company"}
    assert access.side_of(cast.stranger, match) == set()
    assert access.coordinates(cast.coordinator, "overijssel")
    assert not access.coordinates(cast.coordinator_elsewhere, "overijssel")


def test_one_token_works_for_each_organisation_named_in_the_header(two_schools):
    cast = two_schools
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(cast.teacher, organisation=cast.school)}")
    mine = "/api/v1/requests/?mine=true"
    assert [r["title"] for r in client.get(mine).json()["results"]] == ["Concept Kempis"]
    other = client.get(mine, HTTP_X_ORGANISATION=str(cast.other_school.pk)).json()["results"]
    assert [r["title"] for r in other] == ["Concept Lyceum"]
    assert client.get(mine, HTTP_X_ORGANISATION=str(cast.company.pk)).status_code == 403
