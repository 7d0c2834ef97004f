"""e2e (issue 21): a coordinator sees a low rating, opens the match from it, and prints the
landsdeel monitor."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from matching.models import Match
from matching.services.outcomes import match_feedback
from oversight.schoolyear import school_year_of
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.e2e.conftest import OUTPUT, axe, nl, no_problems, shot
from tests.e2e.test_journeys import coordinator_oost, follow, label, log_in, tool, totp_code
from tests.matching.factories import held_match
from tests.matching.helpers import open_offer, open_request

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_opens_a_low_rating_and_prints_the_monitor(page_for: Any) -> None:
    journey = "4-feedback-monitor"
    coordinator_oost()
    school = OrganisationFactory(kind="school", name="Thomas a Kempis College", at="Zwolle")
    company = OrganisationFactory(kind="company", name="Apeldoorn Techniek", at=("Apeldoorn", "gelderland"))
    teacher = MembershipFactory(organisation=school, is_admin=True).user
    hr = MembershipFactory(organisation=company, is_admin=True).user
    offer = open_offer(company, hr, title="Gastles zonnepanelen", capacity=1)
    ask = open_request(school, teacher, slots=1)
    # The matcher (eager here) may already have proposed the pair: that match becomes the held one.
    proposed = Match.objects.filter(offer=offer, request=ask).first()
    if proposed is not None:
        Match.objects.filter(pk=proposed.pk).update(
            status="completed", activity_date=date(school_year_of(), 9, 20)
        )
        match = Match.objects.get(pk=proposed.pk)
    else:
        match = held_match(offer, ask, on=date(school_year_of(), 9, 20))
    match_feedback(match=match, by=teacher, rating=1, comment="Niemand kwam opdagen")

    page = page_for("desktop")
    log_in(page, "coordinator@oost.nl")
    page.get_by_label(label("Code", whole=True)).fill(totp_code())
    follow(page.get_by_role("button", name=re.compile(rf"^{re.escape(nl('Sign In'))}$")))
    follow(page.get_by_role("navigation", name=nl("Main menu")).get_by_role("link", name=nl("Coordinator")))

    follow(tool(page, "Feedback"))
    page.get_by_text("Niemand kwam opdagen").first.wait_for()
    axe(page)
    shot(page, journey, "feedback")
    follow(page.get_by_role("link", name=nl("Open the match “%(title)s”", title="Gastles zonnepanelen")))
    assert page.url.endswith(f"/coordinator/matches/{match.pk}/")
    page.get_by_text("Gastles zonnepanelen").first.wait_for()
    shot(page, journey, "match")

    follow(tool(page, "Monitor"))
    oost = nl("Printable report for %(region)s", region=nl("East"))
    follow(page.get_by_role("link", name=oost))
    axe(page)
    # window.print() opens a dialog a headless browser cannot show: count the calls instead.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name=nl("Print this report")).click()
    assert page.evaluate("() => window.printed") == 1
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.get_by_text(nl("Guest lessons held")).first.is_visible()
    OUTPUT.joinpath(journey).mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(OUTPUT / journey / "monitor-oost.pdf"))
    shot(page, journey, "monitor-print")
    no_problems(page)
