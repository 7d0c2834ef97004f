"""Large list counts are remembered briefly; small ones are always exact."""

from __future__ import annotations

import pytest

from matching import pagination
from matching.models import Offer
from matching.pagination import LargeListPaginator
from tests.matching.helpers import open_offer

pytestmark = pytest.mark.django_db


def test_small_counts_are_exact_and_large_ones_are_remembered(cast, monkeypatch, django_assert_num_queries):
    open_offer(cast.company, cast.hr)
    rows = Offer.objects.filter(status="open").order_by("pk")
    assert LargeListPaginator(rows, 25).count == 1
    open_offer(cast.company, cast.hr)
    assert LargeListPaginator(rows, 25).count == 2  # small: counted again, never stale

    monkeypatch.setattr(pagination, "LARGE", 2)  # pretend 2 is a large list
    assert LargeListPaginator(rows, 25).count == 2
    open_offer(cast.company, cast.hr)
    with django_assert_num_queries(0):
        assert LargeListPaginator(rows, 25).count == 2  # remembered for COUNT_CACHE_SECONDS
    # A different query (another filter) has its own count.
    assert LargeListPaginator(rows.filter(kind="guest_lesson"), 25).count == 3


def test_tab_counts_are_remembered_only_when_one_is_large(cast, monkeypatch, django_assert_num_queries):
    from django.db.models import Count, Q

    from matching.pagination import counts_remembered

    open_offer(cast.company, cast.hr)
    rows = Offer.objects.filter(status="open")
    counts = {"all": Count("pk"), "visits": Count("pk", filter=Q(kind="company_visit"))}
    assert counts_remembered(rows, **counts) == {"all": 1, "visits": 0}
    open_offer(cast.company, cast.hr, kind="company_visit")
    assert counts_remembered(rows, **counts) == {"all": 2, "visits": 1}  # small: exact

    monkeypatch.setattr(pagination, "LARGE", 2)
    assert counts_remembered(rows, **counts) == {"all": 2, "visits": 1}
    open_offer(cast.company, cast.hr)
    with django_assert_num_queries(0):
        assert counts_remembered(rows, **counts) == {"all": 2, "visits": 1}
    # Other counts over the same rows are another question.
    assert counts_remembered(rows, all=Count("pk")) == {"all": 3}
