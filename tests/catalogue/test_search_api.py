"""The offers API for readers without an account: search by words and distance (issue 19)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(cast):
    hr = cast.hr
    near = OrganisationFactory(kind="company", name="Hengelo Hightech", at=("Hengelo", "overijssel"))
    far = OrganisationFactory(kind="company", name="Maastricht Makers", at=("Maastricht", "limburg"))
    zwolle = OrganisationFactory(kind="company", name="Zwolse Zaken", at="Zwolle")
    unverified = OrganisationFactory(kind="company", name="Onbekend Bedrijf", at="Zwolle")
    staff = {
        org: MembershipFactory(organisation=org, user__phone="0612345678").user
        for org in (near, far, zwolle, unverified)
    }
    made = {
        "enschede": open_offer(cast.company, hr, title="Dronetechniek in de klas", description="Vliegen."),
        "hengelo": open_offer(near, staff[near], title="Werken met drones", description="Buiten."),
        "maastricht": open_offer(far, staff[far], title="Drones bouwen", description="Solderen."),
        "zwolle": open_offer(zwolle, staff[zwolle], title="Gastles bakkerij", description="Brood."),
        "hidden": open_offer(
            unverified, staff[unverified], title="Drone geheim", description="Niet openbaar."
        ),
    }
    # Its verification withdrawn after publishing: the catalogue no longer shows its offers.
    Organisation.objects.filter(pk=unverified.pk).update(verified_at=None)
    return made


def _get(query: dict) -> tuple[int, object]:
    response = APIClient().get("/api/v1/offers/", query)
    return response.status_code, response.json()


def test_anonymous_finds_offers_by_word_prefix_and_distance_in_order(offers):
    status, body = _get({"q": "drone", "near": "Zwolle", "ordering": "distance"})
    assert status == 200
    titles = [item["title"] for item in body["results"]]
    assert titles == ["Werken met drones", "Dronetechniek in de klas", "Drones bouwen"]
    distances = [item["distance_km"] for item in body["results"]]
    assert distances == sorted(distances) and distances[0] > 0

    status, body = _get({"q": "drone", "near": "Zwolle", "within_km": "80", "ordering": "distance"})
    assert [item["title"] for item in body["results"]] == ["Werken met drones", "Dronetechniek in de klas"]


def test_anonymous_sees_only_public_fields_of_verified_companies(offers, cast):
    status, body = _get({})
    assert status == 200
    text = str(body)
    assert "Drone geheim" not in text  # unverified company
    assert "Gastles bakkerij" in text
    for secret in ("@", "0612345678", cast.hr.name, "contact_person", "created_by"):
        assert secret not in text
    item = body["results"][0]
    assert set(item["organisation"]) == {"id", "name", "kind", "place", "province", "latitude", "longitude"}
    detail = APIClient().get(f"/api/v1/offers/{offers['zwolle'].pk}/")
    assert detail.status_code == 200 and "contact_person" not in detail.json()
    assert APIClient().get(f"/api/v1/offers/{offers['hidden'].pk}/").status_code == 404


@pytest.mark.parametrize(
    "query, field",
    [
        ({"near": "Atlantis"}, "near"),
        ({"near": "Zwolle", "within_km": "-5"}, "within_km"),
        ({"near": "Zwolle", "within_km": "301"}, "within_km"),
        ({"near": "Zwolle", "within_km": "veel"}, "within_km"),
        ({"within_km": "20"}, "near"),
        ({"ordering": "distance"}, "near"),
        ({"near": "999999"}, "near"),
    ],
)
def test_bad_distance_input_is_a_400_naming_the_field(offers, query, field):
    status, body = _get(query)
    assert status == 400
    assert field in body


@pytest.mark.parametrize(
    "text",
    [
        "x" * 1000,
        "drone & | ! :* <-> ( ) '' \\",
        '\'"drone" or -"brood"',
        "dröne 😀 日本語",
        "drone\x00nul",
        "!!!",
        "de het een",
        "a:* & b:A",
    ],
)
def test_hostile_search_text_never_fails(offers, text):
    status, body = _get({"q": text, "near": "Zwolle"})
    assert status == 200
    assert isinstance(body["results"], list)


def test_signed_in_list_is_unchanged_and_searchable(offers, cast):
    client = APIClient()
    client.force_authenticate(cast.teacher)
    body = client.get("/api/v1/offers/", {"q": "bakkerij"}).json()
    assert [item["title"] for item in body["results"]] == ["Gastles bakkerij"]
    assert "contact_person" in body["results"][0]
    assert client.get("/api/v1/requests/", {"near": "Zwolle", "ordering": "distance"}).status_code == 200


@pytest.mark.postgres
def test_postgres_full_text_is_typo_tolerant_for_names_and_takes_web_syntax(offers):
    # A typo in the organisation's name still finds its offers (trigram similarity).
    assert [i["title"] for i in _get({"q": "Maastrich Makrs"})[1]["results"]] == ["Drones bouwen"]
    # websearch syntax: a minus excludes a word; stemming finds "drones" from "drone".
    titles = {i["title"] for i in _get({"q": "drone -bouwen"})[1]["results"]}
    assert titles == {"Dronetechniek in de klas", "Werken met drones"}
    # A renamed organisation is found by its new name (the trigger re-indexes its offers).
    from accounts.models import Organisation

    org = Organisation.objects.get(name="Zwolse Zaken")
    org.name = "Bakkerij Vermeulen"
    org.save()
    assert [i["title"] for i in _get({"q": "vermeulen"})[1]["results"]] == ["Gastles bakkerij"]
    # Ranked: the title counts more than the description.
    assert _get({"q": "drones", "ordering": "relevance"})[1]["results"][0]["title"] in (
        "Werken met drones",
        "Drones bouwen",
    )


def test_company_staff_search_requests_by_words_on_the_browse_page(client, cast):
    from tests.matching.helpers import open_request

    open_request(cast.school, cast.teacher, title="Gastles dronetechniek")
    open_request(cast.school, cast.teacher, title="Bezoek aan een bakkerij")
    client.force_login(cast.hr)
    html = client.get("/requests/", {"q": "drone", "landsdeel": ""}).content.decode()
    assert "Gastles dronetechniek" in html and "Bezoek aan een bakkerij" not in html
    assert client.get("/requests/", {"q": "x\x00" * 600}).status_code == 200


def test_near_without_an_ordering_lists_the_nearest_first(offers):
    for path in ("/api/v1/offers/", "/aanbod/kaart.json"):
        body = APIClient().get(path, {"q": "drone", "near": "Enschede"}).json()
        rows = body["results"] if "results" in body else body["points"]
        titles = [r["title"] if isinstance(r, dict) else r[3] for r in rows]
        assert titles == ["Dronetechniek in de klas", "Werken met drones", "Drones bouwen"], path
