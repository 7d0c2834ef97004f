"""A visitor finds a guest lesson by a word and a town, on the list and on the map, signs up,
saves the search, and hears of a new matching offer in their inbox (issue 19)."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.models import SavedSearch
from matching.models import Offer
from matching.services import listings
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.conftest import axe, nl, no_problems, shot
from tests.e2e.test_journeys import company_with_offer, follow, label, sign_up, window

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _publish(org, by, title: str) -> Offer:  # noqa: ANN001
    w = window()
    offer = listings.listing_create(
        Offer,
        organisation=org,
        by=by,
        kind="guest_lesson",
        title=title,
        description="Een dag over robots.",
        levels=["havo"],
        subjects=[],
        capacity=1,
        available_from=w["start"],
        available_until=w["end"],
    )
    return listings.listing_publish(offer, by=by)


def test_visitor_finds_an_offer_on_list_and_map_signs_up_saves_the_search_and_gets_an_alert(
    page_for: Any,
) -> None:
    journey = "4-catalogue"
    hr, offer = company_with_offer(levels=["havo"])
    far = OrganisationFactory(kind="company", name="Limburgse Techniek", at=("Maastricht", "limburg"))
    far_hr = MembershipFactory(organisation=far, is_admin=True).user
    _publish(far, far_hr, "Gastles robotica in Limburg")

    page = page_for("desktop")
    page.goto("/aanbod/")
    page.get_by_label(label("Search", whole=True)).fill("robot")
    page.get_by_label(label("Near", whole=True)).fill("Zwolle")
    page.get_by_label(label("Within (km)", whole=True)).fill("30")
    follow(page.get_by_role("button", name=nl("Search"), exact=True))
    results = page.get_by_role("table")
    results.get_by_role("link", name="Gastles robotica").wait_for()
    assert "Gastles robotica in Limburg" not in results.inner_text()
    # The map draws the same single result (a marker), from vendored files only.
    page.locator("#offers-map path.leaflet-interactive").first.wait_for()
    assert page.locator("#offers-map path.leaflet-interactive").count() == 1
    axe(page)
    no_problems(page)
    shot(page, journey, "search-list-and-map")

    follow(results.get_by_role("link", name="Gastles robotica"))
    assert "hr@demcon.nl" not in page.content()
    follow(page.get_by_role("link", name=nl("Ask for this offer")))
    assert "/accounts/signup/" in page.url and "next=" in page.url
    sign_up(page, email="visitor@school.nl", name="Vera Bezoeker")
    follow(page.get_by_role("button", name=nl("Confirm")))
    assert page.url.endswith(f"/aanbod/{offer.pk}/")  # back at the offer, signed in

    page.goto("/aanbod/?q=robot&near=Zwolle&within_km=30")
    page.get_by_label(nl("Immediately")).check()
    follow(page.get_by_role("button", name=nl("Save search")))
    page.get_by_role("heading", name=nl("My saved searches")).wait_for()
    assert SavedSearch.objects.filter(user__email="visitor@school.nl", text="robot").count() == 1
    shot(page, journey, "saved-searches")

    _publish(offer.organisation, hr, "Robots bouwen voor havo")
    page.goto("/notifications/")
    page.get_by_text("Robots bouwen voor havo").first.wait_for()
    no_problems(page)
    shot(page, journey, "alert-in-inbox")
