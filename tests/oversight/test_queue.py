"""The unmatched queue: what a coordinator sees, with the matcher's own candidates, in scope only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching import engine, matcher
from matching.models import Offer, Request
from matching.services import matches
from oversight.selectors.queue import candidate_offers
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import LATER, open_offer, open_request

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_queue_lists_unmatched_requests_of_the_provinces_with_feasible_candidates(client, cast, near):
    org, hr = near
    open_offer(org, hr, title="Robotics nearby")
    open_offer(cast.company, cast.hr, title="Far away in Enschede", max_travel_km=None)  # ~63 km > 50 km
    open_offer(org, hr, title="A company visit", kind="company_visit")
    open_request(cast.school, cast.teacher, title="Robotics for havo 4")
    matched = open_request(cast.school, cast.teacher, title="Already proposed")
    matches.match_propose(offer=open_offer(org, hr, title="Taken"), request=matched)
    rotterdam = OrganisationFactory(kind="school", name="Erasmus College", at="Rotterdam")
    open_request(rotterdam, MembershipFactory(organisation=rotterdam).user, title="Rotterdam request")

    client.force_login(cast.coordinator)
    html = page(client, "/coordinator/queue/")
    assert "Robotics for havo 4" in html
    assert "Robotics nearby" in html
    assert "Far away in Enschede" not in html
    assert "A company visit" not in html
    assert "Already proposed" not in html
    assert "Rotterdam request" not in html
    assert "% fit" in html  # the score explanation

    client.force_login(cast.coordinator_elsewhere)
    html = page(client, "/coordinator/queue/")
    assert "Rotterdam request" in html
    assert "Robotics for havo 4" not in html


def test_a_request_with_only_ended_matches_is_back_in_the_queue(client, cast, near):
    org, hr = near
    wanted = open_request(cast.school, cast.teacher, title="Robotics for havo 4")
    match = matches.match_propose(offer=open_offer(org, hr), request=wanted)
    client.force_login(cast.coordinator)
    assert "Robotics for havo 4" not in page(client, "/coordinator/queue/")
    matches.match_decline(match=match, by=cast.teacher)
    assert "Robotics for havo 4" in page(client, "/coordinator/queue/")


def test_filters_stay_inside_the_scope(client, cast, near):
    org, hr = near
    open_request(cast.school, cast.teacher, title="A guest lesson request")
    open_request(cast.school, cast.teacher, title="A visit request", kind="company_visit")
    open_request(cast.school, cast.teacher, title="A vwo request", levels=["vwo"])
    rotterdam = OrganisationFactory(kind="school", at="Rotterdam")
    open_request(rotterdam, MembershipFactory(organisation=rotterdam).user, title="Rotterdam request")
    client.force_login(cast.coordinator)

    html = page(client, "/coordinator/queue/?kind=company_visit")
    assert "A visit request" in html and "A guest lesson request" not in html
    html = page(client, "/coordinator/queue/?level=vwo")
    assert "A vwo request" in html and "A guest lesson request" not in html
    html = page(client, "/coordinator/queue/?province=gelderland")
    assert "A guest lesson request" not in html
    # A province outside the scope is no filter choice: it never shows that province's requests.
    html = page(client, "/coordinator/queue/?province=zuid-holland")
    assert "Rotterdam request" not in html


def test_candidates_are_the_best_feasible_offers_by_the_engines_rules(cast, near):
    org, hr = near
    wanted = open_request(cast.school, cast.teacher, levels=["havo"], subjects=["ict"])
    offers = [
        open_offer(org, hr, title="exact", subjects=["ict"], levels=["havo"]),
        open_offer(org, hr, title="any subject", subjects=[], levels=["havo", "vwo"]),
        open_offer(org, hr, title="late", subjects=["ict"], available_from=LATER - timedelta(days=5)),
        open_offer(org, hr, title="wrong subject", subjects=["bouw"]),
        open_offer(org, hr, title="wrong level", levels=["vwo"]),
        open_offer(cast.company, cast.hr, title="too far", max_travel_km=None),
        open_offer(cast.company, cast.hr, title="far but allowed", max_travel_km=100, subjects=["ict"]),
    ]
    found = candidate_offers([wanted])[wanted.pk]

    # Brute force with the engine's reference rules and score over every offer.
    (e_request,) = matcher.engine_items(Request, Request.objects.filter(pk=wanted.pk))
    feasible = []
    for e_offer in matcher.engine_items(Offer, Offer.objects.filter(pk__in=[o.pk for o in offers])):
        if engine.is_feasible(e_offer, e_request, today=timezone.localdate()):
            feasible.append((engine.score_pair(e_offer, e_request)[0], int(e_offer.id)))
    best = [pk for _score, pk in sorted(feasible, reverse=True)[:3]]

    assert len(feasible) == 4
    assert [c.offer.pk for c in found] == best
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert all(c.explanation["levels"] == ["havo"] for c in found)


def test_blocked_and_earlier_pairs_are_no_candidates(cast, near):
    org, hr = near
    wanted = open_request(cast.school, cast.teacher, slots=2)
    declined = open_offer(org, hr, title="declined")
    kept = open_offer(org, hr, title="kept")
    match = matches.match_propose(offer=declined, request=wanted)
    matches.match_decline(match=match, by=cast.teacher)
    assert [c.offer.pk for c in candidate_offers([wanted])[wanted.pk]] == [kept.pk]


def test_queue_queries_do_not_grow_with_the_data(client, cast, near, django_assert_max_num_queries):
    org, hr = near
    client.force_login(cast.coordinator)
    schools = [OrganisationFactory(kind="school", at="Zwolle") for _ in range(3)]

    def add_data() -> None:
        for i in range(12):
            open_offer(org, hr, title=f"Offer {i}", subjects=["ict"] if i % 2 else [])
        for i in range(12):
            school = schools[i % 3]
            member = MembershipFactory(organisation=school).user
            open_request(school, member, title=f"Request {i}", online_ok=bool(i % 2))

    add_data()
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as small:
        html = page(client, "/coordinator/queue/")
    assert html.count(">Propose</button>") == 12 * 3  # three candidates for each request
    add_data()
    add_data()
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as large:
        html = page(client, "/coordinator/queue/")
    assert html.count(">Propose</button>") == 20 * 3  # a full page
    assert len(large) == len(small)
    with django_assert_max_num_queries(20):
        page(client, "/coordinator/queue/?page=2")


def test_only_coordinators_see_the_queue(client, cast):
    client.force_login(cast.teacher)
    assert client.get("/coordinator/queue/").status_code == 403
    client.logout()
    assert client.get("/coordinator/queue/").status_code == 302


def test_queue_candidates_are_remembered_until_the_request_changes(cast, near, django_assert_num_queries):
    from oversight.selectors.queue import queue_candidates

    org, hr = near
    wanted = open_request(cast.school, cast.teacher)
    first = open_offer(org, hr, title="first")
    assert [c.offer.pk for c in queue_candidates([wanted])[wanted.pk]] == [first.pk]

    second = open_offer(org, hr, title="second")
    with django_assert_num_queries(1):  # only the offer rows: the candidates are remembered
        assert [c.offer.pk for c in queue_candidates([wanted])[wanted.pk]] == [first.pk]
    wanted.title = "Edited"
    wanted.save()
    found = {c.offer.pk for c in queue_candidates([wanted])[wanted.pk]}
    assert found == {first.pk, second.pk}
