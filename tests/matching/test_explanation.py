""" "Why this match": every line is true of the pair, and each kind of line shows when it applies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.services import matches
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


def why(client, user, match) -> str:
    client.force_login(user)
    html = client.get(f"/matches/{match.pk}/").content.decode()
    return html[html.index('class="facts"') :]


def test_subjects_levels_distance_dates_and_first_activity(client, cast, near):
    org, hr = near
    tomorrow = timezone.localdate() + timedelta(days=1)
    match = matches.match_propose(
        offer=open_offer(org, hr, subjects=["ict", "bouw"], levels=["havo", "vwo"], available_from=tomorrow),
        request=open_request(
            cast.school, cast.teacher, subjects=["ict"], levels=["havo"], wanted_from=tomorrow
        ),
    )
    e = match.explanation
    assert e["subjects"] == ["ict"] and e["levels"] == ["havo"] and e["online"] is False
    assert e["distance_km"] == pytest.approx(0.0, abs=0.1)
    first = tomorrow + timedelta(days=(7 - tomorrow.weekday()) % 7 if tomorrow.weekday() >= 5 else 0)
    assert e["overlap_from"] == first.isoformat()  # a weekday from tomorrow on
    assert e["fairness"] is True
    assert set(e["components"]) == {"subjects", "levels", "distance", "dates"}
    page = why(client, cast.teacher, match)
    assert "ICT" in page or "ict" in page.lower()
    assert "0.0 km apart" in page and "no, on location" in page
    assert "the school has had no activity this school year yet" in page

    # The school's second proposal is not its first activity.
    second = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    assert second.explanation["fairness"] is False
    assert "already has an activity this school year" in why(client, cast.teacher, second)


def test_any_subject_and_online_show_no_share_for_what_the_pair_does_not_use(client, cast):
    far = OrganisationFactory(kind="company", name="Delft Online", at="Delft")
    hr = MembershipFactory(organisation=far, is_admin=True).user
    match = matches.match_propose(
        offer=open_offer(far, hr, subjects=[], online=True, max_travel_km=None),
        request=open_request(cast.school, cast.teacher, subjects=["ict"], online_ok=True),
    )
    e = match.explanation
    assert e["subjects"] == "any" and e["online"] is True and e["distance_km"] is None
    assert set(e["components"]) == {"levels", "dates"}  # no "Subjects 70%" next to "any subject"
    page = why(client, cast.teacher, match)
    assert "Any subject" in page and "Online, so distance does not matter" in page
    assert "Subjects " not in page.split("Overall fit")[1].split("</dd>")[0]


def test_vog_contract_type_and_crebo_lines_appear_when_the_rule_applied(client, cast, near):
    org, hr = near
    vog_day = timezone.localdate() - timedelta(days=100)
    lesson = matches.match_propose(
        offer=open_offer(org, hr, vog_date=vog_day),
        request=open_request(cast.school, cast.teacher, vog_required=True),
    )
    assert lesson.explanation["vog"] == vog_day.isoformat()
    assert "valid on the first wanted day" in why(client, cast.teacher, lesson)

    internship = {"kind": "internship", "levels": ["mbo-3"], "subjects": []}
    placed = matches.match_propose(
        offer=open_offer(org, hr, contract_type="both", crebo=["25180", "25181"], **internship),
        request=open_request(cast.school, cast.teacher, contract_type="bbl", crebo=["25181"], **internship),
    )
    assert placed.explanation["contract_type"] == "bbl" and placed.explanation["crebo"] == ["25181"]
    page = why(client, cast.teacher, placed)
    assert "BBL" in page and "25181" in page and "VOG" not in page


def test_an_overridden_rule_is_named(client, cast):
    far = OrganisationFactory(kind="company", name="Delft Instruments", at="Delft")
    hr = MembershipFactory(organisation=far, is_admin=True).user
    match = matches.match_propose(
        offer=open_offer(far, hr, max_travel_km=None),
        request=open_request(cast.school, cast.teacher),
        overrides={"distance"},
    )
    assert match.explanation["rules_overridden"] == ["distance"]
    assert match.explanation["distance_km"] > 50
    page = why(client, cast.teacher, match)
    assert "Matched by a coordinator despite" in page and "farther away than the travel distance" in page
