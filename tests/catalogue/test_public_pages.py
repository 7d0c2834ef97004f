"""The public catalogue without an account: pages, sitemap, robots (issue 19)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import Organisation
from matching.models import Offer
from matching.services import listings
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.factories import MatchFactory
from tests.matching.helpers import LATER, SOON, open_offer, open_request

pytestmark = pytest.mark.django_db

PHONE = "0687654321"


@pytest.fixture
def world(cast):
    hengelo = OrganisationFactory(
        kind="company",
        name="Hengelo Hightech",
        at=("Hengelo", "overijssel"),
        email="info@hightech.nl",
        phone=PHONE,
    )
    far = OrganisationFactory(kind="company", name="Maastricht Makers", at=("Maastricht", "limburg"))
    staff = MembershipFactory(organisation=hengelo, user__name="Henk Geheimnaam", user__phone=PHONE).user
    far_staff = MembershipFactory(organisation=far, user__name="Mara Privé").user
    offers = {
        "drone": open_offer(cast.company, cast.hr, title="Dronetechniek in de klas"),
        "hengelo": open_offer(hengelo, staff, title="Werken met drones"),
        "far": open_offer(far, far_staff, title="Drones bouwen"),
        "closed": open_offer(hengelo, staff, title="Gesloten dronesles"),
        "draft": listings.listing_create(
            Offer,
            organisation=hengelo,
            by=staff,
            kind="guest_lesson",
            title="Concept drones",
            levels=["havo"],
            capacity=1,
            available_from=SOON,
            available_until=LATER,
        ),
    }
    listings.listing_close(offers["closed"], by=staff)
    return {"offers": offers, "hengelo": hengelo, "far": far, "staff": staff}


def _no_personal_data(text: str, cast, world) -> None:
    for secret in (
        PHONE,
        "info@hightech.nl",
        "Henk Geheimnaam",
        "Mara Privé",
        cast.hr.email,
        cast.hr.name,
        cast.teacher.email,
    ):
        assert secret not in text, secret
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "an e-mail address on a public page"


def test_visitor_searches_by_word_and_place_and_gets_distance_order(world, cast):
    response = Client().get("/aanbod/", {"q": "drone", "near": "Zwolle", "ordering": "distance"})
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(t) for t in ("Werken met drones", "Dronetechniek in de klas", "Drones bouwen")]
    assert positions == sorted(positions)
    assert "Gesloten dronesles" not in html and "Concept drones" not in html
    assert " km" in html  # the distance on each result
    _no_personal_data(html, cast, world)

    near = Client().get("/aanbod/", {"q": "drone", "near": "Zwolle", "within_km": "80"}).content.decode()
    assert "Drones bouwen" not in near and "Werken met drones" in near


def test_bad_place_or_distance_is_a_form_error_not_a_crash(world):
    assert Client().get("/aanbod/", {"near": "Atlantis"}).status_code == 400
    response = Client().get("/aanbod/", {"near": "Zwolle", "within_km": "500"})
    assert response.status_code == 400
    assert "300" in response.content.decode()
    assert Client().get("/aanbod/", {"q": "x" * 1000 + "\x00 & | !"}).status_code == 200
    assert Client().get("/aanbod/kaart.json", {"near": "Atlantis"}).status_code == 400


def test_offer_page_has_seo_tags_and_sends_visitors_to_sign_up_and_back(world, cast):
    offer = world["offers"]["hengelo"]
    response = Client().get(f"/aanbod/{offer.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Werken met drones" in html
    assert '<meta name="description"' in html
    assert f'<link rel="canonical" href="http://testserver/aanbod/{offer.pk}/">' in html
    assert 'property="og:title"' in html
    assert f"/accounts/signup/?next=%2Faanbod%2F{offer.pk}%2F" in html
    _no_personal_data(html, cast, world)
    for hidden in ("closed", "draft"):
        assert Client().get(f"/aanbod/{world['offers'][hidden].pk}/").status_code == 404


def test_organisation_profile_counts_only_activities_held(world, cast):
    offer = world["offers"]["hengelo"]
    request = open_request(cast.school, cast.teacher)
    for status in ("completed", "evaluated", "confirmed"):
        MatchFactory(offer=offer, request=request, status=status)
    response = Client().get(f"/organisaties/{world['hengelo'].pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 activiteiten gehouden" in html  # Dutch by default
    assert "Werken met drones" in html and "Gesloten dronesles" not in html
    _no_personal_data(html, cast, world)
    school = Client().get(f"/organisaties/{cast.school.pk}/").content.decode()
    assert "Gastles gezocht" not in school  # a school's requests are not public, only their kinds
    Organisation.objects.filter(pk=world["far"].pk).update(verified_at=None)
    assert Client().get(f"/organisaties/{world['far'].pk}/").status_code == 404


def test_map_data_holds_the_same_results_with_public_fields_only(world, cast):
    data = Client().get("/aanbod/kaart.json", {"q": "drone", "near": "Zwolle", "ordering": "distance"}).json()
    assert [p[3] for p in data["points"]] == [
        "Werken met drones",
        "Dronetechniek in de klas",
        "Drones bouwen",
    ]
    offer_id, lat, lon, _title, organisation, place, distance = data["points"][0]
    assert (offer_id, organisation, place) == (world["offers"]["hengelo"].pk, "Hengelo Hightech", "Hengelo")
    assert 50 < lat < 54 and 3 < lon < 8 and distance > 0
    _no_personal_data(str(data), cast, world)


def test_sitemap_lists_only_open_offers_of_verified_companies_and_robots_points_to_it(world, cast):
    Organisation.objects.filter(pk=world["far"].pk).update(verified_at=None)
    xml = Client().get("/sitemap.xml").content.decode()
    offers = world["offers"]
    assert f"/aanbod/{offers['hengelo'].pk}/" in xml and f"/aanbod/{offers['drone'].pk}/" in xml
    for hidden in ("closed", "draft", "far"):
        assert f"/aanbod/{offers[hidden].pk}/<" not in xml
    assert f"/organisaties/{world['hengelo'].pk}/" in xml and f"/organisaties/{world['far'].pk}/" not in xml
    robots = Client().get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /accounts/" in robots


def test_place_suggestions(world):
    names = [p["name"] for p in Client().get("/aanbod/plaatsen.json", {"q": "zwol"}).json()["places"]]
    assert "Zwolle" in names


def test_coverage_map_shows_schools_of_the_coordinators_provinces_only(client, cast, world):
    far_school = OrganisationFactory(kind="school", name="Rotterdamsch Lyceum", at="Rotterdam")
    client.force_login(cast.coordinator)
    data = client.get("/dekking/kaart.json").json()
    names = {s["name"]: s["reached"] for s in data["schools"]}
    assert names.get("Thomas a Kempis College") is False
    assert far_school.name not in names
    page = client.get("/dekking/kaart/")
    assert page.status_code == 200 and "Overijssel" in page.content.decode()
    client.force_login(cast.teacher)
    assert client.get("/dekking/kaart.json").status_code == 403


def test_vendored_map_assets_are_local_and_credited():
    from django.contrib.staticfiles import finders

    for path in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "vendor/geo/nl-provinces.geojson",
        "js/catalogue.js",
    ):
        assert finders.find(path), path
    import json
    from pathlib import Path

    outline = json.loads(Path(finders.find("vendor/geo/nl-provinces.geojson")).read_text())
    assert len(outline["features"]) == 12
    html = Client().get("/aanbod/").content.decode()
    assert "Natural Earth" in html and "<script>" not in html and "https://" not in html.split("<body")[0]
