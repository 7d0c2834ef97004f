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
