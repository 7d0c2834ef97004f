"""Incremental runs: a published listing is matched on its own, in seconds, whatever the region holds."""

from __future__ import annotations

import pytest

from matching.matcher import runs
from matching.models import Match, MatchingRun
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(cast):
    org = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    return org, MembershipFactory(organisation=org, is_admin=True).user


def test_publishing_queues_a_run_for_that_listing_and_later_triggers_join_it(
    cast, company, django_capture_on_commit_callbacks
):
    org, hr = company
    with django_capture_on_commit_callbacks(execute=False) as published:
        offer = open_offer(org, hr)
        request = open_request(cast.school, cast.teacher)
    # The publish hooks run after commit; the broker (not called here) would hold the run.
    with django_capture_on_commit_callbacks(execute=False):
        for callback in published:
            callback()
    run = MatchingRun.objects.get(status="pending")
    assert run.scope == "oost"
    assert run.targets == {"offers": [offer.pk], "requests": [request.pk]}

    # A whole-scope trigger (e.g. capacity released) widens the pending run to the whole landsdeel,
    # and it stays whole.
    with django_capture_on_commit_callbacks(execute=False):
        runs.run_schedule(scope="oost")
        assert MatchingRun.objects.get(status="pending").targets == {}
        runs.run_schedule(scope="oost", request_id=request.pk)
    assert MatchingRun.objects.get(status="pending").targets == {}


def test_an_incremental_run_matches_the_new_listing_and_leaves_the_rest_to_the_full_run(
    cast, company, django_capture_on_commit_callbacks
):
    org, hr = company
    with django_capture_on_commit_callbacks(execute=True):
        # Already in the region, unmatched: a company-visit request nobody changes.
        waiting = open_request(cast.school, cast.school_admin, kind="company_visit", title="Bezoek")
    with django_capture_on_commit_callbacks(execute=True):  # one debounced run for both
        offer = open_offer(org, hr)
        request = open_request(cast.school, cast.teacher)
    run = MatchingRun.objects.latest("pk")
    assert run.targets == {"offers": [offer.pk], "requests": [request.pk]}
    assert run.status == "done" and run.stats["incremental"] is True
    # Only the new listings were loaded: not the waiting request (another kind), nor anything else.
    assert (run.stats["requests"], run.stats["offers"]) == (1, 1)
    assert Match.objects.get(request=request).offer == offer
    assert not Match.objects.filter(request=waiting).exists()

    # A company-visit offer published later is matched with the waiting request by its own run.
    with django_capture_on_commit_callbacks(execute=True):
        visit = open_offer(org, hr, kind="company_visit", title="Bedrijfsbezoek")
    assert Match.objects.get(request=waiting).offer == visit
