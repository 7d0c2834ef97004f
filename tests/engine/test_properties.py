"""Property tests (hypothesis): the fast engine agrees with the scalar rules of DESIGN §4.

For random small instances anywhere in the Netherlands: the vectorised candidate set equals the
brute-force set of feasible pairs (unpruned, and with a k larger than any request's options);
every proposed pair is feasible; no offer gets more than its free capacity, no request more than
its free slots, no pair twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matching.engine import Offer, Request, build_problem, generate_candidates, is_feasible, match

TODAY = date(2026, 8, 20)
KINDS = ("guest_lesson", "company_visit", "internship")
LEVELS = ("po", "vmbo-b", "havo", "vwo", "mbo-2")
SUBJECTS = ("ict", "bouw", "energie")
CREBO = ("25180", "25181")

PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

codes = lambda pool, min_size=0: st.frozensets(st.sampled_from(pool), min_size=min_size)  # noqa: E731
# (lat, lon, half-width in degrees): the whole mainland, a province, a city and its surroundings.
REGIONS = ((52.1, 5.3, 1.3), (52.45, 6.2, 0.35), (51.9, 4.5, 0.08))
travel = st.one_of(st.none(), st.floats(1, 150, allow_nan=False))
day = st.integers(0, 400).map(lambda n: date(2026, 6, 1) + timedelta(days=n))
vog = st.one_of(st.none(), st.integers(0, 1800).map(lambda n: date(2022, 1, 1) + timedelta(days=n)))


def _place(draw, region) -> tuple[float, float]:
    lat, lon, half = region
    return (
        draw(st.floats(max(50.75, lat - half), min(53.5, lat + half))),
        draw(st.floats(max(3.4, lon - half * 1.6), min(7.2, lon + half * 1.6))),
    )


@st.composite
def offers(draw, i: int, region, kinds) -> Offer:
    start = draw(day)
    lat, lon = _place(draw, region)
    return Offer(
        id=f"O{i}",
        org_id=f"C{draw(st.integers(0, 3))}",
        kind=draw(st.sampled_from(kinds)),
        levels=draw(codes(LEVELS, 1)),
        subjects=draw(codes(SUBJECTS)),
        capacity_left=draw(st.integers(0, 3)),
        max_travel_km=draw(travel),
        online=draw(st.booleans()),
        available_from=start,
        available_until=start + timedelta(days=draw(st.integers(0, 200))),
        lat=lat,
        lon=lon,
        crebo=draw(codes(CREBO)),
        vog_date=draw(vog),
    )


@st.composite
def requests(draw, j: int, region, kinds) -> Request:
    start = draw(day)
    lat, lon = _place(draw, region)
    return Request(
        id=f"R{j}",
        org_id=f"S{draw(st.integers(0, 4))}",
        kind=draw(st.sampled_from(kinds)),
        levels=draw(codes(LEVELS, 1)),
        subjects=draw(codes(SUBJECTS)),
        slots_left=draw(st.integers(0, 3)),
        max_travel_km=draw(travel),
        online_ok=draw(st.booleans()),
        wanted_from=start,
        wanted_until=start + timedelta(days=draw(st.integers(0, 200))),
        lat=lat,
        lon=lon,
        crebo=draw(codes(CREBO)),
        vog_required=draw(st.booleans()),
        created=j,
    )


@st.composite
def instances(draw) -> tuple[list[Offer], list[Request], set[tuple[str, str]], set[str]]:
    n_offers = draw(st.integers(0, 9))
    n_requests = draw(st.integers(0, 9))
    region = draw(st.sampled_from(REGIONS))
    kinds = sorted(draw(codes(KINDS, 1)))
    offer_list = [draw(offers(i, region, kinds)) for i in range(n_offers)]
    request_list = [draw(requests(j, region, kinds)) for j in range(n_requests)]
    pairs = [(o.id, r.id) for o in offer_list for r in request_list]
    excluded = draw(st.sets(st.sampled_from(pairs), max_size=4)) if pairs else set()
    reached = draw(st.sets(st.sampled_from([f"S{n}" for n in range(5)]), max_size=2))
    return offer_list, request_list, excluded, reached


def _brute_force(offer_list, request_list, excluded) -> set[tuple[str, str]]:
    return {
        (o.id, r.id)
        for o in offer_list
        for r in request_list
        if o.capacity_left > 0 and r.slots_left > 0 and is_feasible(o, r, today=TODAY, excluded=excluded)
    }


def _pairs(problem, candidates) -> set[tuple[str, str]]:
    return {
        (problem.offers[int(o)].id, problem.requests[int(r)].id)
        for o, r in zip(candidates.offer, candidates.request, strict=True)
    }


@PROPERTY_SETTINGS
@given(instances())
def test_vectorised_candidates_equal_the_scalar_rules(instance):
    offer_list, request_list, excluded, reached = instance
    problem = build_problem(offer_list, request_list, today=TODAY, excluded=excluded, reached_schools=reached)
    expected = _brute_force(offer_list, request_list, excluded)

    event(f"feasible pairs: {min(len(expected), 5)}{'+' if len(expected) >= 5 else ''}")
    unpruned = generate_candidates(problem, k=None, workers=1)
    assert _pairs(problem, unpruned) == expected
    assert len(unpruned) == len(expected)  # no pair twice
    assert unpruned.feasible_pairs == len(expected)
    # A k above any request's number of options prunes nothing.
    assert (
        _pairs(problem, generate_candidates(problem, k=len(offer_list) + 1, pool=len(offer_list) + 1))
        == expected
    )


@PROPERTY_SETTINGS
@given(instances(), st.sampled_from([None, 1, 2, 14]))
def test_every_proposal_is_feasible_and_within_capacity(instance, k):
    offer_list, request_list, excluded, reached = instance
    problem = build_problem(offer_list, request_list, today=TODAY, excluded=excluded, reached_schools=reached)
    by_id = {o.id: o for o in offer_list} | {r.id: r for r in request_list}

    result = match(problem, k=k)

    pairs = [(a.offer_id, a.request_id) for a in result.assignments]
    assert len(pairs) == len(set(pairs))
    per_offer, per_request = Counter(), Counter()
    for a in result.assignments:
        assert a.slots >= 1
        offer, request = by_id[a.offer_id], by_id[a.request_id]
        assert is_feasible(offer, request, today=TODAY, excluded=excluded), (a.offer_id, a.request_id)
        per_offer[a.offer_id] += a.slots
        per_request[a.request_id] += a.slots
    assert all(per_offer[o] <= by_id[o].capacity_left for o in per_offer)
    assert all(per_request[r] <= by_id[r].slots_left for r in per_request)
    assert result.stats["slots_filled"] == sum(a.slots for a in result.assignments)
