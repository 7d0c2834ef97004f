"""The offer and request pages (issue 3): forms, access, browse filters and query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import Offer, Request
from matching.services.listings import listing_close, listing_create
from taxonomy.places import haversine_km
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import LATER, SOON, open_offer, open_request

pytestmark = pytest.mark.django_db


def _request_form(**over: object) -> dict[str, object]:
    data = {
        "kind": "guest_lesson",
        "title": "Gastles robotica voor havo 4",
        "description": "Twee klassen havo 4, profiel NT.",
        "levels": ["havo"],
        "subjects": [],
        "slots": "2",
        "max_travel_km": "",
        "wanted_from": SOON.isoformat(),
        "wanted_until": LATER.isoformat(),
        "preferred_dates": "",
        "contract_type": "",
        "crebo": "",
        "action": "draft",
    }
    return data | over


def _offer_form(contact: int, **over: object) -> dict[str, object]:
    data = {
        "kind": "internship",
        "title": "Stageplek mechatronica",
        "description": "Een BOL-stage in onze werkplaats.",
        "levels": ["mbo-3", "mbo-4"],
        "subjects": ["metaal-mechatronica"],
        "capacity": "3",
        "max_travel_km": "40",
        "available_from": SOON.isoformat(),
        "available_until": LATER.isoformat(),
        "language": "nl",
        "contact_person": str(contact),
        "contract_type": "bol",
        "sbb_recognised": "on",
        "crebo": "25604, 25605 25606",
        "vog_date": "",
        "action": "draft",
    }
    return data | over


# Create, edit, publish ------------------------------------------------------------------------


def test_teacher_creates_a_draft_then_publishes_it(client, cast):
    client.force_login(cast.teacher)
    page = client.get(reverse("matching:request_create"))
    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["levels"] == ["havo", "vwo"]  # preset from the school's levels
    assert initial["wanted_until"].month == 7 and initial["wanted_until"].day == 31
    assert b"Autumn break" in page.content or b"Christmas break" in page.content  # the region's holidays

    response = client.post(reverse("matching:request_create"), _request_form())
    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:request_detail", args=[request.pk])
    assert request.status == "draft" and request.slots == 2 and request.organisation == cast.school

    response = client.post(
        reverse("matching:request_edit", args=[request.pk]), _request_form(action="publish"), follow=True
    )
    request.refresh_from_db()
    assert request.status == "open"
    assert b"Published." in response.content
    assert Request.objects.count() == 1


def test_company_creates_an_offer_with_crebo_codes(client, cast):
    client.force_login(cast.hr)
    assert client.get(reverse("matching:offer_create")).context["form"].initial["subjects"] == ["ict"]
    response = client.post(reverse("matching:offer_create"), _offer_form(cast.hr.pk, action="publish"))
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert offer.status == "open"
    assert offer.crebo == ["25604", "25605", "25606"]
    assert offer.contact_person == cast.hr and offer.sbb_recognised and offer.max_travel_km == 40


def test_publish_refused_for_unverified_organisation_keeps_the_draft(client, cast):
    cast.school.verified_at = None
    cast.school.save()
    client.force_login(cast.teacher)

    response = client.post(reverse("matching:request_create"), _request_form(action="publish"))

    request = Request.objects.get()
    assert response.status_code == 200
    assert request.status == "draft"
    assert b"Saved as a draft, but not published yet" in response.content
    assert b"not verified yet" in response.content
    # A second try edits the saved draft instead of creating another one.
    assert reverse("matching:request_edit", args=[request.pk]).encode() in response.content
    client.post(reverse("matching:request_edit", args=[request.pk]), _request_form(action="publish"))
    assert Request.objects.count() == 1


def test_publish_failure_on_a_field_is_shown_at_the_field(client, cast):
    client.force_login(cast.teacher)
    response = client.post(
        reverse("matching:request_create"), _request_form(description="", action="publish")
    )
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert Request.objects.get().status == "draft"


def test_form_errors_are_shown_per_field_and_nothing_is_saved(client, cast):
    client.force_login(cast.teacher)
    response = client.post(
        reverse("matching:request_create"),
        _request_form(
            wanted_from=LATER.isoformat(), wanted_until=SOON.isoformat(), levels=[], crebo="25604, 1234x"
        ),
    )
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert errors["levels"] == ["Choose at least one level."]
    assert "1234x" in errors["crebo"][0] and "five digits" in errors["crebo"][0]
    assert not Request.objects.exists()

    # With the parsing fixed, the service's date rule lands on the end date.
    response = client.post(
        reverse("matching:request_create"),
        _request_form(wanted_from=LATER.isoformat(), wanted_until=SOON.isoformat()),
    )
    assert response.context["form"].errors["wanted_until"] == [
        "The end date must be on or after the start date."
    ]
    assert not Request.objects.exists()


def test_school_staff_cannot_create_offers(client, cast):
    client.force_login(cast.teacher)
    response = client.get(reverse("matching:offer_create"))
    assert response.status_code == 302 and response["Location"] == reverse("matching:request_mine")


# Access ---------------------------------------------------------------------------------------


def test_teacher_cannot_see_or_edit_another_schools_requests(client, cast):
    draft = listing_create(
        Request,
        organisation=cast.other_school,
        by=cast.other_member,
        kind="guest_lesson",
        title="Concept",
        levels=["havo"],
        wanted_from=SOON,
        wanted_until=LATER,
    )
    published = open_request(cast.other_school, cast.other_member)
    client.force_login(cast.teacher)
    for request in (draft, published):
        assert client.get(reverse("matching:request_detail", args=[request.pk])).status_code == 404
        assert client.get(reverse("matching:request_edit", args=[request.pk])).status_code == 404
        assert client.post(reverse("matching:request_close", args=[request.pk])).status_code == 404
    published.refresh_from_db()
    assert published.status == "open"


def test_company_sees_an_open_request_but_cannot_change_it(client, cast):
    request = open_request(cast.other_school, cast.other_member)
    client.force_login(cast.hr)
    response = client.get(reverse("matching:request_detail", args=[request.pk]))
    assert response.status_code == 200
    assert b"Stedelijk Lyceum" in response.content
    assert reverse("matching:request_edit", args=[request.pk]).encode() not in response.content
    assert client.get(reverse("matching:request_edit", args=[request.pk])).status_code == 403
    assert client.post(reverse("matching:request_close", args=[request.pk])).status_code == 403


def test_detail_shows_distance_from_the_viewers_organisation(client, cast):
    offer = open_offer(cast.company, cast.hr)  # Enschede
    client.force_login(cast.teacher)  # Zwolle
    response = client.get(reverse("matching:offer_detail", args=[offer.pk]))
    expected = haversine_km(
        cast.school.latitude, cast.school.longitude, cast.company.latitude, cast.company.longitude
    )
    assert response.context["distance"] == pytest.approx(expected)
    assert f"{expected:.0f} km from your organisation".encode() in response.content


def test_members_close_and_reopen_with_a_confirmation(client, cast):
    request = open_request(cast.school, cast.teacher)
    client.force_login(cast.teacher)
    response = client.post(reverse("matching:request_close", args=[request.pk]), follow=True)
    request.refresh_from_db()
    assert request.status == "closed"
    assert b"Closed." in response.content
    response = client.post(reverse("matching:request_reopen", args=[request.pk]), follow=True)
    request.refresh_from_db()
    assert request.status == "open"
    assert b"Reopened" in response.content


def test_school_staff_get_403_on_the_request_list(client, cast):
    client.force_login(cast.teacher)
    assert client.get(reverse("matching:request_browse")).status_code == 403
    client.force_login(cast.coordinator)
    assert client.get(reverse("matching:request_browse")).status_code == 200


# My organisation's lists ----------------------------------------------------------------------


def test_mine_has_tabs_with_counts_and_helpful_empty_states(client, cast):
    client.force_login(cast.teacher)
    response = client.get(reverse("matching:request_mine"), {"status": "draft"})
    assert b"You have no drafts." in response.content
    assert reverse("matching:request_create").encode() in response.content

    open_request(cast.school, cast.teacher)
    closed = open_request(cast.school, cast.teacher, title="Oud verzoek")
    client.post(reverse("matching:request_close", args=[closed.pk]))
    response = client.get(reverse("matching:request_mine"), {"status": "open"})
    tabs = {tab["status"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {"": 2, "draft": 0, "open": 1, "fulfilled": 0, "closed": 1}
    assert [r.title for r in response.context["page"].object_list] == ["Gastles gezocht"]


def test_mine_explains_that_publishing_waits_for_verification(client, cast):
    cast.company.verified_at = None
    cast.company.save()
    client.force_login(cast.hr)
    response = client.get(reverse("matching:offer_mine"), {"status": "open"})
    assert b"Publishing waits until a coordinator has verified your organisation." in response.content


# Browse ---------------------------------------------------------------------------------------


def _titles(response) -> set[str]:
    return {listing.title for listing, _distance in response.context["items"]}


def test_browse_offers_filters_by_kind_level_and_subject(client, cast):
    open_offer(cast.company, cast.hr, title="ict havo", subjects=["ict"], levels=["havo"])
    open_offer(cast.company, cast.hr, title="any subject", subjects=[], levels=["havo", "vwo"])
    open_offer(cast.company, cast.hr, title="bouw", subjects=["bouw"], levels=["vwo"])
    open_offer(cast.company, cast.hr, title="primary", subjects=["ict"], levels=["po"], kind="company_visit")
    client.force_login(cast.teacher)
    url = reverse("matching:offer_browse")

    assert _titles(client.get(url)) == {"ict havo", "any subject", "bouw", "primary"}
    assert _titles(client.get(url, {"subject": "ict"})) == {"ict havo", "any subject", "primary"}
    assert _titles(client.get(url, {"level": "vwo"})) == {"any subject", "bouw"}
    assert _titles(client.get(url, {"kind": "company_visit"})) == {"primary"}
    assert _titles(client.get(url, {"subject": "ict", "level": "havo", "kind": "guest_lesson"})) == {
        "ict havo",
        "any subject",
    }


def test_browse_subject_filter_does_not_treat_unknown_codes_as_any(client, cast):
    offer = open_offer(cast.company, cast.hr, title="unknown code", subjects=[])
    # Bulk data may carry a subject outside our list: its mask is 0 but it is not "any subject".
    Offer.objects.filter(pk=offer.pk).update(subjects=["duiktechniek"], subjects_mask=0)
    client.force_login(cast.teacher)
    assert _titles(client.get(reverse("matching:offer_browse"), {"subject": "ict"})) == set()


def test_browse_hides_drafts_and_closed_items(client, cast):
    closed = open_offer(cast.company, cast.hr, title="closed")
    listing_close(closed, by=cast.hr)
    open_offer(cast.company, cast.hr, title="open")
    client.force_login(cast.teacher)
    assert _titles(client.get(reverse("matching:offer_browse"))) == {"open"}


def test_browse_filters_by_exact_distance(client, cast):
    # From Zwolle, 33 km: Deventer (29), Nijverdal (30) and Emmeloord (32) are in; Hoogeveen
    # (35) lies inside the bounding box but outside the circle; Enschede (64) is far outside.
    places = ["Deventer", "Nijverdal", "Emmeloord", "Hoogeveen", "Enschede"]
    for place in places:
        company = OrganisationFactory(kind="company", name=place, at=place)
        member = MembershipFactory(organisation=company).user
        open_offer(company, member, title=place)
    client.force_login(cast.teacher)

    response = client.get(reverse("matching:offer_browse"), {"max_km": "33"})

    assert _titles(response) == {"Deventer", "Nijverdal", "Emmeloord"}
    for listing, distance in response.context["items"]:
        assert distance == pytest.approx(
            haversine_km(
                cast.school.latitude,
                cast.school.longitude,
                listing.organisation.latitude,
                listing.organisation.longitude,
            )
        )
        assert distance <= 33


def test_browse_filters_by_date_overlap_and_online(client, cast):
    today = date.today()
    open_offer(
        cast.company,
        cast.hr,
        title="spring",
        available_from=today + timedelta(days=100),
        available_until=today + timedelta(days=130),
        online=True,
    )
    open_offer(
        cast.company,
        cast.hr,
        title="soon",
        available_from=today + timedelta(days=15),
        available_until=today + timedelta(days=30),
    )
    client.force_login(cast.teacher)
    url = reverse("matching:offer_browse")
    window = {"date_from": (today + timedelta(days=120)).isoformat()}
    assert _titles(client.get(url, window)) == {"spring"}
    assert _titles(client.get(url, {"date_until": (today + timedelta(days=15)).isoformat()})) == {"soon"}
    assert _titles(client.get(url, {"online": "on"})) == {"spring"}
    soonest = client.get(url, {"order": "soonest"})
    assert [listing.title for listing, _d in soonest.context["items"]] == ["soon", "spring"]


def test_company_browses_requests_in_its_own_landsdeel_by_default(client, cast):
    open_request(cast.school, cast.teacher, title="Zwolle")
    rotterdam = OrganisationFactory(kind="school", name="Rotterdam", at="Rotterdam")
    open_request(rotterdam, MembershipFactory(organisation=rotterdam).user, title="Rotterdam")
    client.force_login(cast.hr)
    url = reverse("matching:request_browse")

    response = client.get(url)
    assert _titles(response) == {"Zwolle"}
    assert response.context["form"]["landsdeel"].value() == "oost"
    assert _titles(client.get(url, {"landsdeel": ""})) == {"Zwolle", "Rotterdam"}


def test_browse_pages_keep_their_filters(client, cast):
    for i in range(23):
        open_offer(cast.company, cast.hr, title=f"offer {i}")
    client.force_login(cast.teacher)
    response = client.get(reverse("matching:offer_browse"), {"kind": "guest_lesson"})
    assert len(response.context["items"]) == 20
    assert b"kind=guest_lesson&amp;" in response.content and b"page=2" in response.content
    second = client.get(reverse("matching:offer_browse"), {"kind": "guest_lesson", "page": "2"})
    assert len(second.context["items"]) == 3


# Query counts ---------------------------------------------------------------------------------


def _queries(client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("matching:offer_browse", {}),
        ("matching:offer_browse", {"max_km": "100", "level": "havo", "subject": "ict"}),
        ("matching:request_browse", {}),
        ("matching:offer_mine", {}),
        ("matching:request_mine", {}),
    ],
)
def test_list_pages_use_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries, name, params
):
    def add(n: int) -> None:
        for i in range(n):
            open_offer(cast.company, cast.hr, title=f"offer {i}")
            open_request(cast.school, cast.teacher, title=f"request {i}")

    viewer = cast.hr if name in ("matching:request_browse", "matching:offer_mine") else cast.teacher
    client.force_login(viewer)
    url = reverse(name)
    add(5)
    bound = _queries(client, url, params)
    add(25)
    with django_assert_max_num_queries(bound):
        response = client.get(url, params)
    rows = response.context["page"].object_list
    assert len(rows) == 20
