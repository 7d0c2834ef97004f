from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from matching.services.outcomes import match_feedback
from tests.accounts.factories import OrganisationFactory
from tests.matching.factories import held_match
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db

ON = date.today().replace(day=1)


@pytest.fixture
def rated(cast):
    lesson = open_offer(cast.company, cast.hr, title="Gastles Demcon", capacity=9)
    ask = open_request(cast.school, cast.teacher, slots=6)
    first = held_match(lesson, ask, on=ON)
    second = held_match(lesson, ask, on=ON)
    third = held_match(lesson, ask, on=ON)
    match_feedback(match=first, by=cast.teacher, rating=1, comment="Kwam niet opdagen")
    match_feedback(match=second, by=cast.teacher, rating=2, comment="Slecht voorbereid")
    match_feedback(match=first, by=cast.hr, rating=5, comment="Leuke klas")
    delft = OrganisationFactory(kind="company", name="Delft Instruments", at="Delft")
    return {"first": first, "second": second, "third": third, "delft": delft}


def test_coordinator_sees_low_ratings_flags_and_missing_feedback(client, cast, rated):
    client.force_login(cast.coordinator)
    html = client.get(reverse("oversight:feedback")).content.decode()
    assert "Kwam niet opdagen" in html and "Slecht voorbereid" in html
    assert reverse("oversight:match", args=[rated["first"].pk]) in html
    assert "repeated low ratings" in html  # Demcon: two low ratings
    assert "1.5" in html or "1,5" in html  # Demcon's average from the school side
    # The third match has no feedback at all; the second misses the company's.
    assert reverse("oversight:match", args=[rated["third"].pk]) in html
    assert "Leuke klas" in html

    client.force_login(cast.coordinator_elsewhere)
    html = client.get(reverse("oversight:feedback")).content.decode()
    assert "Kwam niet opdagen" not in html and "Demcon" not in html


def test_feedback_page_is_for_coordinators_only(client, cast):
    client.force_login(cast.teacher)
    assert client.get(reverse("oversight:feedback")).status_code == 403
