"""The coordinator figures are cached briefly, and any change made through the platform shows at once."""

from __future__ import annotations

import pytest

from matching.models import Request
from oversight.schoolyear import school_year_of
from oversight.selectors.kpis import dashboard_figures
from tests.matching.helpers import days_pass, open_request

pytestmark = pytest.mark.django_db


def test_cached_figures_follow_every_saved_change(cast, settings, django_assert_num_queries):
    settings.OVERSIGHT_CACHE_SECONDS = 120
    provinces, year = ["overijssel"], school_year_of()
    assert dashboard_figures(provinces, year)["kpis"]["open_requests"] == 0

    first = open_request(cast.school, cast.teacher)  # saved through the services: signals fire
    assert dashboard_figures(provinces, year)["kpis"]["open_requests"] == 1
    with django_assert_num_queries(0):  # the second read of the same scope is served from the cache
        assert dashboard_figures(provinces, year)["kpis"]["open_requests"] == 1

    # A bulk write that bypasses the signals shows once the entry expires (the matcher's COPY).
    Request.objects.filter(pk=first.pk).update(status=Request.Status.CLOSED)
    assert dashboard_figures(provinces, year)["kpis"]["open_requests"] == 1
    settings.OVERSIGHT_CACHE_SECONDS = 0
    assert dashboard_figures(provinces, year)["kpis"]["open_requests"] == 0


def test_figures_are_cached_per_language(cast, settings):
    from django.utils import translation

    from matching.services import matches, outcomes
    from tests.accounts.factories import MembershipFactory, OrganisationFactory
    from tests.matching.helpers import open_offer

    company = OrganisationFactory(kind="company", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    match = matches.match_propose(
        offer=open_offer(company, hr), request=open_request(cast.school, cast.teacher)
    )
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=hr)
    days_pass(match)  # it took place yesterday: only held activities count
    outcomes.match_outcome(match=match, by=hr, held=True)
    settings.OVERSIGHT_CACHE_SECONDS = 120
    year = school_year_of()
    with translation.override("nl"):
        dutch = dashboard_figures(["overijssel"], year)["by_kind"]
    with translation.override("en"):
        english = dashboard_figures(["overijssel"], year)["by_kind"]
    assert [row["label"] for row in english] == ["Guest lesson"]
    assert [row["label"] for row in dutch] == ["Gastles"]
