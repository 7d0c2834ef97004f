from __future__ import annotations

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from matching.models import Offer, Request
from matching.services.listings import listing_create, listing_publish
from tests.accounts.factories import make_api_token

pytestmark = pytest.mark.django_db

SOON = date.today() + timedelta(days=20)
LATER = date.today() + timedelta(days=120)


def api(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def offer_payload(**over):
    data = {
        "kind": "guest_lesson",
        "title": "Programmeren met robots",
        "description": "Een les over ICT.",
        "levels": ["havo", "vwo"],
        "subjects": ["ict"],
        "capacity": 3,
        "online": True,
        "available_from": SOON.isoformat(),
        "available_until": LATER.isoformat(),
    }
    return data | over


def request_payload(**over):
    data = {
        "kind": "guest_lesson",
        "title": "Gastles ICT",
        "description": "Voor havo 4.",
        "levels": ["havo"],
        "subjects": [],
        "slots": 1,
        "online_ok": True,
        "wanted_from": SOON.isoformat(),
        "wanted_until": LATER.isoformat(),
    }
    return data | over


@pytest.fixture
def listings(cast):
    offer_open = listing_publish(
        listing_create(Offer, organisation=cast.company, by=cast.hr, **_o()), by=cast.hr
    )
    offer_draft = listing_create(Offer, organisation=cast.company, by=cast.hr, **_o(title="Concept"))
    request_open = listing_publish(
        listing_create(Request, organisation=cast.school, by=cast.teacher, **_r()), by=cast.teacher
    )
    request_draft = listing_create(Request, organisation=cast.school, by=cast.teacher, **_r(title="Concept"))
    other_request = listing_publish(
        listing_create(Request, organisation=cast.other_school, by=cast.other_member, **_r(title="Elders")),
        by=cast.other_member,
    )
    return {
        "offer_open": offer_open,
        "offer_draft": offer_draft,
        "request_open": request_open,
        "request_draft": request_draft,
        "other_request": other_request,
    }


def _o(**over):
    data = offer_payload(**over)
    data["available_from"] = SOON
    data["available_until"] = LATER
    return data


def _r(**over):
    data = request_payload(**over)
    data["wanted_from"] = SOON
    data["wanted_until"] = LATER
    return data


ROLES = ["anonymous", "teacher", "hr", "other_member", "coordinator", "coordinator_elsewhere", "stranger"]
# Expected visibility per role: which of the fixture's listings each one can read.
VISIBLE = {
    "anonymous": None,
    "teacher": {"offer_open", "request_open", "request_draft"},
    "hr": {"offer_open", "offer_draft", "request_open", "other_request"},
    "other_member": {"offer_open", "other_request"},
    "coordinator": {"offer_open", "offer_draft", "request_open", "request_draft", "other_request"},
    "coordinator_elsewhere": {"offer_open", "request_open", "other_request"},
    "stranger": {"offer_open"},
}


@pytest.mark.parametrize("role", ROLES)
def test_read_permissions_per_role(cast, listings, role):
    client = api(None if role == "anonymous" else getattr(cast, role))
    for name, obj in listings.items():
        path = f"/api/v1/{'offers' if isinstance(obj, Offer) else 'requests'}/{obj.pk}/"
        response = client.get(path)
        if VISIBLE[role] is None and isinstance(obj, Offer):
            # The public catalogue: open offers of verified companies, for anyone.
            assert response.status_code == (200 if name == "offer_open" else 404), (role, name)
        elif VISIBLE[role] is None:
            assert response.status_code in (401, 403), (role, name)
        else:
            expected = 200 if name in VISIBLE[role] else 404
            assert response.status_code == expected, (role, name, response.content)
    if VISIBLE[role] is not None:
        seen = {row["id"] for row in client.get("/api/v1/offers/").json()["results"]}
        seen |= {-row["id"] for row in client.get("/api/v1/requests/").json()["results"]}
        expected_ids = {
            (obj.pk if isinstance(obj, Offer) else -obj.pk)
            for n, obj in listings.items()
            if n in VISIBLE[role]
        }
        assert seen == expected_ids


@pytest.mark.parametrize(
    "role,status",
    [("hr", 200), ("other_member", 404), ("coordinator", 403), ("teacher", 404), ("stranger", 403)],
)
def test_only_members_change_an_offer(cast, listings, role, status):
    offer = listings["offer_draft"] if role != "stranger" else listings["offer_open"]
    if role in ("coordinator", "stranger"):
        offer = listings["offer_open"] if role == "stranger" else listings["offer_draft"]
    response = api(getattr(cast, role)).patch(
        f"/api/v1/offers/{offer.pk}/", {"title": "Nieuw"}, format="json"
    )
    assert response.status_code == status, response.content
    offer.refresh_from_db()
    assert (offer.title == "Nieuw") == (status == 200)


def test_create_publish_and_close_an_offer_with_a_token(cast):
    client = APIClient(HTTP_AUTHORIZATION=f"Token {make_api_token(cast.hr)}")
    response = client.post("/api/v1/offers/", offer_payload(), format="json")
    assert response.status_code == 201, response.content
    offer_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert client.post(f"/api/v1/offers/{offer_id}/publish/").json()["status"] == "open"
    assert client.post(f"/api/v1/offers/{offer_id}/close/").json()["status"] == "closed"
    assert client.post(f"/api/v1/offers/{offer_id}/reopen/").json()["status"] == "open"


def test_validation_errors_are_json_per_field(cast):
    client = api(cast.hr)
    response = client.post(
        "/api/v1/offers/",
        offer_payload(levels=[], capacity=0, kind="party", available_from="2027-13-01", crebo=["12"]),
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert {"levels", "capacity", "kind", "available_from", "crebo"} <= set(body)
    response = client.post(
        "/api/v1/offers/",
        offer_payload(available_from=LATER.isoformat(), available_until=SOON.isoformat()),
        format="json",
    )
    assert response.status_code == 400
    assert "available_until" in response.json()
    assert Offer.objects.count() == 0
    response = client.post("/api/v1/offers/", "not json", content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


def test_publish_is_refused_for_an_unverified_organisation(cast):
    cast.company.verified_at = None
    cast.company.save()
    client = api(cast.hr)
    offer_id = client.post("/api/v1/offers/", offer_payload(), format="json").json()["id"]
    response = client.post(f"/api/v1/offers/{offer_id}/publish/")
    assert response.status_code == 400
    assert "not verified" in str(response.json())
    assert Offer.objects.get(pk=offer_id).status == "draft"


def test_cannot_create_for_another_organisation(cast):
    response = api(cast.teacher).post(
        "/api/v1/requests/", request_payload(organisation=cast.other_school.pk), format="json"
    )
    assert response.status_code == 400 and "organisation" in response.json()
    assert not Request.objects.exists()
    response = api(cast.teacher).post("/api/v1/offers/", offer_payload(), format="json")
    assert response.status_code == 400
    assert not Offer.objects.exists()


def test_filters(cast, listings):
    client = api(cast.coordinator)
    rows = client.get("/api/v1/requests/?status=open&level=havo&subject=ict").json()["results"]
    assert {r["id"] for r in rows} == {listings["request_open"].pk, listings["other_request"].pk}
    assert client.get("/api/v1/offers/?level=po").json()["count"] == 0
    assert client.get("/api/v1/offers/?subject=bouw").json()["count"] == 0
    assert client.get("/api/v1/offers/?subject=ict&status=draft").json()["count"] == 1
    assert client.get("/api/v1/requests/?level=nonsense").status_code == 400


def test_list_query_count_is_constant(cast, django_assert_max_num_queries):
    client = api(cast.coordinator)
    for i in range(3):
        listing_create(Offer, organisation=cast.company, by=cast.hr, **_o(title=f"A{i}"))
    with django_assert_max_num_queries(8):
        client.get("/api/v1/offers/")
    for i in range(30):
        listing_create(Offer, organisation=cast.company, by=cast.hr, **_o(title=f"B{i}"))
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/offers/").json()["results"]) == 25


def test_schema_and_docs_are_served_locally(client, cast):
    client.force_login(cast.teacher)
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/offers/{id}/publish/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()
