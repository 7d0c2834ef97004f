from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from oversight.schoolyear import school_year_of
from tests.accounts.factories import OrganisationFactory
from tests.matching.factories import held_match
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db

YEAR = school_year_of()


@pytest.fixture
def held(cast):
    lesson = open_offer(cast.company, cast.hr, capacity=9)
    visit = open_offer(cast.company, cast.hr, kind="company_visit", capacity=9)
    docent = open_offer(cast.company, cast.hr, kind="teacher_internship", capacity=9)
    ask = open_request(cast.school, cast.teacher, slots=6)
    ask_visit = open_request(cast.school, cast.teacher, kind="company_visit", slots=6)
    ask_docent = open_request(cast.other_school, cast.other_member, kind="teacher_internship", slots=6)
    held_match(lesson, ask, on=date(YEAR, 9, 15))
    held_match(lesson, ask, on=date(YEAR, 10, 15), status="evaluated")
    held_match(lesson, ask, on=date(YEAR - 1, 10, 15))
    held_match(visit, ask_visit, on=date(YEAR, 11, 1))
    held_match(docent, ask_docent, on=date(YEAR, 11, 2))
    held_match(lesson, ask, on=date(YEAR, 11, 3), status="confirmed")  # not held
    # Two more verified Overijssel schools, not reached: 2 of 4 reached against a 50% target.
    OrganisationFactory(kind="school", at="Deventer")
    OrganisationFactory(kind="school", at="Kampen")


def _oost(data):
    return next(r for r in data["regions"] if r["key"] == "oost")


def test_monitor_api_has_held_figures_target_and_trend(cast, held, settings):
    settings.SCHOOL_REACH_TARGETS = {"overijssel": 50}
    client = APIClient()
    client.force_authenticate(cast.coordinator)
    data = client.get(reverse("api:report_monitor"), {"region": "oost"}).json()
    assert [r["key"] for r in data["regions"]] == ["oost"]
    oost = _oost(data)
    this_year = oost["held"][-1]
    assert this_year["year"] == YEAR
    assert (this_year["guest_lessons"], this_year["company_visits"], this_year["teacher_internships"]) == (
        2,
        1,
        1,
    )
    assert this_year["activities"] == 4 and oost["held"][-2]["guest_lessons"] == 1
    target = oost["target"]
    assert target["provinces"] == {"overijssel": 50}
    assert target["schools_target"] == -(-target["schools"] * 50 // 100)
    assert target["met"] == (target["schools_reached"] >= target["schools_target"])
    assert oost["trend"]["held_guest_lessons"] == {"change": 1, "percent": 100.0}

    assert client.get(reverse("api:report_monitor"), {"region": "zuidwest"}).status_code == 400


def test_printable_monitor_for_one_landsdeel(client, cast, held):
    client.force_login(cast.coordinator)
    html = client.get(reverse("oversight:monitor"), {"region": "oost", "year": YEAR}).content.decode()
    assert "Print this report" in html and "Guest lessons held" in html
    assert "Target:" in html and "against the school year before" in html
