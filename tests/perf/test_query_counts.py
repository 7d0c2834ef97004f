"""The pages and list APIs a coordinator opens on national data cost a fixed number of queries:
measured with a few rows, then held to that bound with ten times as many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.services import matches
from oversight.figures_cache import figures_changed
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = [
    "/coordinator/queue/",
    "/matches/",
    "/matches/?tab=confirmed",
    "/coordinator/coverage/",
    "/coordinator/",
    "/coordinator/monitor/",
    "/api/v1/offers/",
    "/api/v1/offers/?subject=ict&province=overijssel&ordering=-available_from",
    "/api/v1/requests/?status=open&landsdeel=oost",
    "/api/v1/matches/",
    "/api/v1/reports/kpis/",
]


def add_rows(cast, n: int, tag: str) -> None:
    """`n` of everything a coordinator of Oost lists: companies with an open offer, schools with an
    open request (half of them proposed a match, half left in the queue) and schools to reach."""
    for i in range(n):
        company = OrganisationFactory(kind="company", name=f"Company {tag}{i}")
        hr = MembershipFactory(organisation=company, is_admin=True).user
        school = OrganisationFactory(kind="school", name=f"School {tag}{i}")
        teacher = MembershipFactory(organisation=school).user
        offer = open_offer(company, hr, title=f"Offer {tag}{i}", capacity=1)
        wanted = open_request(school, teacher, title=f"Request {tag}{i}")
        if i % 2:
            matches.match_propose(offer=offer, request=wanted)
        OrganisationFactory(kind="school", name=f"Unreached {tag}{i}")
    figures_changed()


@pytest.mark.parametrize("url", COORDINATOR_PAGES)
def test_coordinator_pages_do_not_grow_with_the_data(client, cast, url, django_assert_max_num_queries):
    client.force_login(cast.coordinator)
    add_rows(cast, 3, "a")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_rows(cast, 30, "b")
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
