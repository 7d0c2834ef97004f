"""Capacity under concurrency, on PostgreSQL only (select_for_update does nothing on SQLite)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from matching.models import Match, Offer, Request
from matching.services import matches
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n: int, target) -> list:
    barrier = threading.Barrier(n)
    outcomes: list = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        barrier.wait()
        try:
            result = target(i)
        except Exception as exc:  # the losers
            result = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.parametrize("capacity,contenders", [(1, 20), (2, 25)])
def test_last_slots_go_to_exactly_capacity_askers(capacity, contenders):
    company = OrganisationFactory(kind="company", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    offer = open_offer(company, hr, capacity=capacity)
    askers = []
    for i in range(contenders):
        school = OrganisationFactory(kind="school", name=f"School {i}", at="Zwolle")
        teacher = MembershipFactory(organisation=school).user
        askers.append((open_request(school, teacher), teacher))
    Match.objects.all().delete()
    Offer.objects.update(committed=0)
    Request.objects.update(committed=0)

    outcomes = _race(
        contenders,
        lambda i: matches.match_propose(offer=offer, request=askers[i][0], source="school", by=askers[i][1]),
    )
    winners = [o for o in outcomes if isinstance(o, Match)]
    losers = [o for o in outcomes if isinstance(o, matches.CapacityError)]
    assert len(winners) == capacity and len(losers) == contenders - capacity
    offer.refresh_from_db()
    assert offer.committed == capacity == sum(m.slots for m in Match.objects.filter(offer=offer))


def test_two_sides_accepting_at_once_confirm_once():
    company = OrganisationFactory(kind="company", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    school = OrganisationFactory(kind="school", at="Zwolle")
    teacher = MembershipFactory(organisation=school).user
    offer, request = open_offer(company, hr), open_request(school, teacher)
    match = Match.objects.filter(offer=offer, request=request).first() or matches.match_propose(
        offer=offer, request=request
    )
    users = [teacher, hr] * 10
    _race(len(users), lambda i: matches.match_accept(match=match, by=users[i]))
    match.refresh_from_db()
    assert (
        match.status == "confirmed"
        and match.school_accepted_by == teacher
        and match.company_accepted_by == hr
    )
