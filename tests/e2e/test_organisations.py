"""Issue 20 in the browser: a teacher at two schools switches between them in the header and
asks an offer for the second school."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Organisation
from matching.models import Match, Offer, Request
from matching.services import listings
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.e2e.conftest import PASSWORD, axe, nl, no_problems, shot
from tests.e2e.test_journeys import follow, label, log_in, window

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open(model: type[Offer] | type[Request], org: Organisation, by: Any, title: str) -> Any:
    w = window()
    extra = (
        {"capacity": 2, "available_from": w["start"], "available_until": w["end"], "language": "nl"}
        if model is Offer
        else {"slots": 1, "wanted_from": w["start"], "wanted_until": w["end"], "crebo": []}
    )
    item = listings.listing_create(
        model,
        organisation=org,
        by=by,
        kind="guest_lesson",
        title=title,
        description="Voor de bovenbouw.",
        levels=["havo"],
        subjects=[],
        **extra,
    )
    return listings.listing_publish(item, by=by)


def test_teacher_at_two_schools_switches_and_asks_an_offer_for_the_second(page_for: Any) -> None:
    journey = "4-two-schools"
    company = OrganisationFactory(kind="company", name="Demcon", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True, user__email="hr@demcon.nl").user
    offer = _open(Offer, company, hr, "Gastles robotica")
    first = OrganisationFactory(kind="school", name="Carolus Clusius College", at="Zwolle", levels=["havo"])
    second = OrganisationFactory(kind="school", name="Greijdanus", at="Zwolle", levels=["havo"])
    teacher = UserFactory(email="docent@twee-scholen.nl", password=PASSWORD)
    MembershipFactory(organisation=first, user=teacher)
    MembershipFactory(organisation=second, user=teacher)
    _open(Request, first, teacher, "Robots voor Carolus")
    _open(Request, second, teacher, "Robots voor Greijdanus")
    Match.objects.all().delete()  # the matcher ran on publish; this journey asks by hand
    Offer.objects.update(committed=0)
    Request.objects.update(committed=0)

    page = page_for("desktop")
    log_in(page, teacher.email)
    switcher = page.get_by_label(label("Active organisation", whole=True))
    assert switcher.input_value() == str(first.pk)

    # As the first school, the offer can be asked for the first school's request only.
    page.goto(f"/offers/{offer.pk}/")
    choices = page.get_by_label(label("For which of your requests?"))
    assert choices.inner_text().strip() == "Robots voor Carolus"

    switcher.select_option(str(second.pk))
    follow(page.get_by_role("button", name=nl("Switch")))
    page.get_by_text(nl("You are now working as %(name)s.", name="Greijdanus")).wait_for()
    axe(page)
    shot(page, journey, "switched")

    page.goto(f"/offers/{offer.pk}/")
    choices = page.get_by_label(label("For which of your requests?"))
    assert choices.inner_text().strip() == "Robots voor Greijdanus"
    follow(page.get_by_role("button", name=nl("Ask this offer")))
    sent = nl("Sent to %(name)s. They have 7 days to answer; you will be notified.", name="Demcon")
    page.get_by_text(sent).wait_for()
    match = Match.objects.get()
    assert (match.offer_id, match.request.organisation_id) == (offer.pk, second.pk)
    shot(page, journey, "asked")
    no_problems(page)
