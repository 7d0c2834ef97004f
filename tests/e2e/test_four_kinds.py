"""Issue 18 in the browser: a company posts a recurring guest lesson, a school with a group of 28
pupils gets it, and after confirmation each side sees exactly one contact person of the other."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from matching.models import Match, Offer, Request
from matching.services import listings
from matching.services import matches as match_services
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.e2e.conftest import PASSWORD, axe, nl
from tests.e2e.test_journeys import follow, label, log_in, window

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def pupils(n: int) -> str:
    with translation.override("nl"):
        return translation.ngettext("%(counter)s pupil", "%(counter)s pupils", n) % {"counter": n}


def test_recurring_guest_lesson_for_a_group_of_28_with_one_contact_each(page_for):
    company = OrganisationFactory(kind="company", name="Demcon", at="Zwolle")
    hr = UserFactory(email="hr@demcon.nl", name="Hanna HR", password=PASSWORD)
    MembershipFactory(organisation=company, user=hr, is_admin=True)
    MembershipFactory(organisation=company, user__email="ceo@demcon.nl")  # never shown to the school
    school = OrganisationFactory(kind="school", name="Carolus Clusius College", at="Zwolle", levels=["havo"])
    teacher = UserFactory(email="docent@carolus.nl", name="Dirk Docent", password=PASSWORD)
    MembershipFactory(organisation=school, user=teacher, is_admin=True)
    MembershipFactory(organisation=school, user__email="rector@carolus.nl")

    page = page_for("desktop")
    log_in(page, "hr@demcon.nl")
    page.goto("/offers/new/")
    page.get_by_label(label("Guest lesson")).check()
    page.get_by_label(label("Title", whole=True)).fill("Gastles robotica, elke eerste dinsdag")
    page.get_by_label(label("Description", whole=True)).fill("Een engineer vertelt over robots.")
    page.get_by_label(nl("havo"), exact=True).check()
    page.get_by_label(label("Capacity", whole=True)).fill("1")
    page.get_by_label(label("Largest group (pupils)", whole=True)).fill("30")
    page.get_by_label(label("Duration (minutes)", whole=True)).fill("90")
    page.get_by_label(label("Format", whole=True)).select_option("on_site")
    page.get_by_label(label("What the guest brings", whole=True)).fill("Een robotarm")
    page.get_by_label(label("Repeats", whole=True)).select_option("monthly")
    page.get_by_label(label("Week of the month", whole=True)).select_option("1")
    page.get_by_label(label("Weekday", whole=True)).select_option("1")
    page.get_by_label(label("Capacity per occurrence", whole=True)).fill("1")
    axe(page)
    follow(page.get_by_role("button", name=nl("Save and publish")))
    page.get_by_text(nl("Published. The matcher will now look for a match.")).wait_for()
    offer = Offer.objects.get(organisation=company)
    assert (
        offer.status == "open"
        and offer.repeat == "monthly"
        and offer.capacity == len(listings.offer_occurrences(offer))
    )

    w = window()
    wanted = listings.listing_publish(
        listings.listing_create(
            Request,
            organisation=school,
            by=teacher,
            kind="guest_lesson",
            title="Gastles voor havo 4",
            description="Eén klas.",
            levels=["havo"],
            slots=1,
            wanted_from=w["start"],
            wanted_until=w["end"],
            group_size=28,
        ),
        by=teacher,
    )
    match = Match.objects.filter(offer=offer, request=wanted).first() or match_services.match_propose(
        offer=offer, request=wanted
    )
    match_services.match_accept(match=match, by=teacher)
    match_services.match_accept(match=match, by=hr)

    school_page = page_for("desktop")
    log_in(school_page, "docent@carolus.nl")
    for viewer, own, other, hidden in (
        (school_page, "docent@carolus.nl", "hr@demcon.nl", "ceo@demcon.nl"),
        (page, "hr@demcon.nl", "docent@carolus.nl", "rector@carolus.nl"),
    ):
        viewer.goto(f"/matches/{match.pk}/")
        contacts = viewer.get_by_role("region", name=nl("Contact details"))
        text = contacts.inner_text()
        assert other in text and own in text and hidden not in text
        assert len(re.findall(r"@", text)) == 2  # one contact person per side
        body = viewer.locator("main").inner_text()
        assert "Een robotarm" in body and pupils(28) in body
    axe(school_page)
