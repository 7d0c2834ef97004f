"""The factories make rows the database and the rule book accept, for every kind."""

from __future__ import annotations

import pytest

from matching.models import Match
from tests.matching.factories import MatchFactory, OfferFactory, RequestFactory

pytestmark = pytest.mark.django_db

KINDS = ("guest_lesson", "company_visit", "internship", "teacher_internship")


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_a_trait_of_offers_and_requests(kind):
    offer = OfferFactory(**{kind: True})
    request = RequestFactory(**{kind: True})
    assert (offer.kind, request.kind) == (kind, kind)
    assert offer.levels_mask and request.levels_mask and offer.status == request.status == "open"
    assert offer.organisation.kind == "company" and request.organisation.kind == "school"
    if kind == "internship":
        assert offer.contract_type == "both" and request.levels == ["mbo-3"]


def test_a_match_knows_its_sides():
    match = MatchFactory(status="confirmed")
    assert Match.objects.get(pk=match.pk).school == match.request.organisation
    assert match.company == match.offer.organisation
