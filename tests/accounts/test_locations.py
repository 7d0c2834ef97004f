"""Locations: school locations (BRIN + two digits) and company sites (12 digits), listings made
for one and matched from its coordinates; boards group organisations."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from accounts.services.organisations import location_create, organisation_set_board
from matching.matcher.load import engine_items
from matching.models import Request
from tests.matching.helpers import LATER, SOON

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_school_admin_adds_a_location_and_wrong_shapes_are_field_errors(cast):
    url = f"/api/v1/organisations/{cast.school.pk}/locations/"
    admin = api(cast.school_admin)
    response = admin.post(url, {"name": "Locatie Kampen", "number": "01", "place": "Kampen"}, format="json")
    assert response.status_code == 201, response.content
    location = response.json()
    assert location["code"] == f"{cast.school.brin}01" and location["place"] == "Kampen"
    assert location["levels"] == cast.school.levels
    for number in ("1", "012", "AB"):
        bad = admin.post(url, {"number": number, "place": "Kampen"}, format="json")
        assert bad.status_code == 400 and "number" in bad.json(), number
    again = admin.post(url, {"number": "01", "place": "Kampen"}, format="json")
    assert again.status_code == 400 and "number" in again.json()
    assert api(cast.teacher).post(url, {"number": "02", "place": "Kampen"}, format="json").status_code == 403
    assert [row["number"] for row in api(cast.teacher).get(url).json()] == ["01"]
    assert AuditEntry.objects.filter(action="location.created", organisation=cast.school).count() == 1


def test_company_sites_have_twelve_digits(cast):
    url = f"/api/v1/organisations/{cast.company.pk}/locations/"
    hr = api(cast.hr)
    assert hr.post(url, {"number": "12345678", "place": "Almelo"}, format="json").status_code == 400
    response = hr.post(url, {"number": "000012345678", "place": "Almelo"}, format="json")
    assert response.status_code == 201 and response.json()["code"] == "000012345678"


def test_a_request_for_a_location_is_matched_from_its_coordinates(cast):
    location = location_create(
        organisation=cast.school, by=cast.school_admin, name="Kampen", number="02", place="Kampen"
    )
    body = {
        "kind": "guest_lesson",
        "title": "Voor Kampen",
        "levels": ["havo"],
        "slots": 1,
        "wanted_from": SOON.isoformat(),
        "wanted_until": LATER.isoformat(),
        "location": location.pk,
    }
    response = api(cast.teacher).post("/api/v1/requests/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["location"] == location.pk
    [item] = engine_items(Request, Request.objects.filter(pk=response.json()["id"]))
    assert (item.lat, item.lon) == (location.latitude, location.longitude)
    assert (item.lat, item.lon) != (cast.school.latitude, cast.school.longitude)

    # Another organisation's location is not one to choose.
    other = location_create(
        organisation=cast.other_school, by=cast.other_member, name="X", number="03", place="Almelo"
    )
    refused = api(cast.teacher).post("/api/v1/requests/", body | {"location": other.pk}, format="json")
    assert refused.status_code == 400 and "location" in refused.json()


def test_a_board_groups_organisations(cast):
    organisation_set_board(organisation=cast.school, board_name="Stichting Voortgezet Onderwijs")
    organisation_set_board(organisation=cast.other_school, board_name="Stichting Voortgezet Onderwijs")
    cast.school.refresh_from_db()
    assert cast.school.board.organisations.count() == 2


def test_a_request_for_a_location_shows_that_locations_holidays(cast, client):
    location = location_create(
        organisation=cast.school, by=cast.school_admin, name="Maastricht", number="04", place="Maastricht"
    )
    from matching.models import Request
    from matching.services.listings import listing_create

    wanted = listing_create(
        Request,
        organisation=cast.school,
        by=cast.teacher,
        kind="guest_lesson",
        title="In het zuiden",
        levels=["havo"],
        slots=1,
        wanted_from=SOON,
        wanted_until=LATER,
        location=location,
    )
    client.force_login(cast.teacher)
    page = client.get(f"/requests/{wanted.pk}/").content.decode()
    assert "South" in page and "North" not in page
