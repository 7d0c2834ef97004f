"""The rule book (matching/engine/rules.py): the per-pair and the vectorised form of every rule
agree on every pair and every code, the candidate generator agrees with both, and a matcher run
never proposes a pair that the per-pair form refuses."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matching.engine import (
    CODES,
    OVERRIDABLE,
    RULES,
    broken_many,
    broken_rules,
    build_problem,
    dates_override_allowed,
    generate_candidates,
    match,
)
from tests.engine.test_properties import CREBO, PROPERTY_SETTINGS, REGIONS, TODAY, codes, offers, requests
from tests.engine.test_rules import make_offer, make_request

KINDS = ("guest_lesson", "internship", "teacher_internship")
HISTORY = ("declined", "blocked", "live", "repeat")
# Windows around "today", so the past, tomorrow and weekends all come up.
near_day = st.integers(-10, 30).map(lambda n: TODAY + timedelta(days=n))
group = st.one_of(st.none(), st.integers(1, 40))


@st.composite
def rich_offer(draw, i: int, region) -> object:
    offer = draw(offers(i, region, KINDS))
    start = draw(st.one_of(st.just(offer.available_from), near_day))
    return dataclasses.replace(
        offer,
        available_from=start,
        available_until=start + timedelta(days=draw(st.integers(0, 12))),
        contract_type=draw(st.sampled_from(["", "bol", "bbl", "both"])),
        is_open=draw(st.booleans()) or draw(st.booleans()),
        verified=draw(st.booleans()) or draw(st.booleans()),
        max_group_size=draw(group),
        sbb_number=draw(st.sampled_from(["", "123456789"])),
        sbb_crebo=draw(codes(CREBO)),
    )


@st.composite
def rich_request(draw, j: int, region) -> object:
    request = draw(requests(j, region, KINDS))
    start = draw(st.one_of(st.just(request.wanted_from), near_day))
    return dataclasses.replace(
        request,
        wanted_from=start,
        wanted_until=start + timedelta(days=draw(st.integers(0, 12))),
        contract_type=draw(st.sampled_from(["", "bol", "bbl"])),
        is_open=draw(st.booleans()) or draw(st.booleans()),
        verified=draw(st.booleans()) or draw(st.booleans()),
        group_size=draw(group),
        sbb_required=draw(st.booleans()),
    )


@st.composite
def instances(draw) -> tuple[list, list, dict]:
    region = draw(st.sampled_from(REGIONS))
    offer_list = [draw(rich_offer(i, region)) for i in range(draw(st.integers(1, 7)))]
    request_list = [draw(rich_request(j, region)) for j in range(draw(st.integers(1, 7)))]
    pairs = [(o.id, r.id) for o in offer_list for r in request_list]
    history = draw(
        st.dictionaries(
            st.sampled_from(pairs), st.frozensets(st.sampled_from(HISTORY), min_size=1), max_size=5
        )
    )
    return offer_list, request_list, history


@PROPERTY_SETTINGS
@given(instances())
def test_per_pair_and_vectorised_forms_agree_on_every_pair_and_code(instance):
    offer_list, request_list, history = instance
    problem = build_problem(offer_list, request_list, today=TODAY, excluded=history)
    oi, ri = np.meshgrid(np.arange(len(offer_list)), np.arange(len(request_list)), indexing="ij")
    oi, ri = oi.ravel(), ri.ravel()
    vectorised = broken_many(problem, oi, ri)
    assert set(vectorised) == set(CODES)
    expected_candidates = set()
    for k, (o, r) in enumerate(zip(oi.tolist(), ri.tolist(), strict=True)):
        offer, request = offer_list[o], request_list[r]
        per_pair = broken_rules(offer, request, today=TODAY, excluded=history)
        assert per_pair == [code for code in CODES if vectorised[code][k]], (offer, request)
        if not per_pair and "repeat" not in history.get((offer.id, request.id), ()):
            expected_candidates.add((offer.id, request.id))
    # The candidate generator, which applies some rules by construction, agrees too.
    found = generate_candidates(problem, k=None, workers=1)
    got = {
        (problem.offers[o].id, problem.requests[r].id)
        for o, r in zip(found.offer.tolist(), found.request.tolist(), strict=True)
    }
    assert got == expected_candidates


def test_the_table_holds_the_designed_codes_and_overrides() -> None:
    assert CODES == (
        "kind",
        "levels",
        "subjects",
        "distance",
        "dates",
        "status",
        "verified",
        "declined",
        "blocked",
        "live",
        "crebo",
        "vog",
        "contract_type",
        "group_size",
        "sbb",
        "capacity",
    )
    assert {"subjects", "distance", "dates"} == OVERRIDABLE
    assert all(rule.pair and rule.vector for rule in RULES)


INTERNSHIP = {"kind": "internship", "levels": {"mbo-3"}}


def test_contract_type_agrees_when_both_state_it() -> None:
    for offer_type, request_type, ok in [
        ("bol", "bol", True),
        ("bol", "bbl", False),
        ("bbl", "bol", False),
        ("both", "bbl", True),
        ("both", "bol", True),
        ("", "bbl", True),
        ("bol", "", True),
    ]:
        offer = make_offer(contract_type=offer_type, **INTERNSHIP)
        request = make_request(contract_type=request_type, **INTERNSHIP)
        assert (broken_rules(offer, request, today=TODAY) == []) is ok, (offer_type, request_type)
    # Other kinds carry no BOL/BBL rule.
    assert broken_rules(make_offer(contract_type="bol"), make_request(contract_type="bbl"), today=TODAY) == []


def test_group_size_fits_the_largest_group_when_both_are_set() -> None:
    for largest, size, ok in [
        (30, 28, True),
        (30, 30, True),
        (25, 28, False),
        (None, 28, True),
        (30, None, True),
        (None, None, True),
    ]:
        offer, request = make_offer(max_group_size=largest), make_request(group_size=size)
        assert (broken_rules(offer, request, today=TODAY) == []) is ok, (largest, size)
    assert broken_rules(make_offer(max_group_size=25), make_request(group_size=28), today=TODAY) == [
        "group_size"
    ]


def test_sbb_needs_a_leerbedrijf_number_recognised_for_a_requested_crebo() -> None:
    for required, crebo, number, recognised, ok in [
        (False, {"25195"}, "", set(), True),  # not required: nothing asked
        (True, {"25195"}, "123456789", {"25195", "25196"}, True),
        (True, {"25195"}, "123456789", {"25300"}, False),  # recognised, for another qualification
        (True, set(), "123456789", set(), True),  # no crebo listed: any recognition
        (True, set(), "", set(), False),  # no recognition at all
        (True, {"25195"}, "", {"25195"}, False),  # codes without a leerbedrijf number
    ]:
        # Offer crebo matches so that only the sbb rule speaks.
        offer = make_offer(crebo=crebo, sbb_number=number, sbb_crebo=recognised, **INTERNSHIP)
        request = make_request(crebo=crebo, sbb_required=required, **INTERNSHIP)
        assert broken_rules(offer, request, today=TODAY) == ([] if ok else ["sbb"]), (required, crebo)


def test_dates_need_a_shared_weekday_from_tomorrow_on() -> None:
    today = date(2026, 10, 7)  # a Wednesday
    offer = make_offer(available_from=date(2026, 9, 1), available_until=date(2026, 12, 31))

    def window(start: date, end: date) -> list[str]:
        return broken_rules(offer, make_request(wanted_from=start, wanted_until=end), today=today)

    assert window(date(2026, 10, 1), date(2026, 10, 7)) == ["dates"]  # wholly past (today included)
    assert window(date(2026, 10, 1), date(2026, 10, 8)) == []  # tomorrow is a Thursday
    assert window(date(2026, 10, 10), date(2026, 10, 11)) == ["dates"]  # Saturday and Sunday only
    assert window(date(2026, 10, 10), date(2026, 10, 12)) == []  # the Monday counts
    # The past can never be overridden; windows that merely miss each other can.
    past = make_request(wanted_from=date(2026, 10, 1), wanted_until=date(2026, 10, 7))
    apart = make_request(wanted_from=date(2027, 2, 1), wanted_until=date(2027, 2, 26))
    assert not dates_override_allowed(offer, past, today)
    assert dates_override_allowed(offer, apart, today)


def test_capacity_checks_the_slots_asked() -> None:
    offer, request = make_offer(capacity_left=2), make_request(slots_left=3)
    assert broken_rules(offer, request, today=TODAY, slots=2) == []
    assert broken_rules(offer, request, today=TODAY, slots=3) == ["capacity"]
    assert broken_rules(offer, request, today=TODAY, slots=0) == ["capacity"]


def test_a_run_never_proposes_a_pair_the_per_pair_form_refuses() -> None:
    """A few thousand random pairs in one region, with every optional rule field in play."""
    rng = random.Random(14)
    kinds = ("guest_lesson", "internship")

    def window(lo: int, hi: int) -> tuple[date, date]:
        start = TODAY + timedelta(days=rng.randint(lo, hi))
        return start, start + timedelta(days=rng.randint(0, 40))

    offer_list, request_list = [], []
    for i in range(70):
        start, end = window(-20, 60)
        offer_list.append(
            make_offer(
                id=f"O{i}",
                org_id=f"C{i % 9}",
                kind=rng.choice(kinds),
                levels={rng.choice(["havo", "vwo", "mbo-3"]), rng.choice(["havo", "mbo-3"])},
                subjects=set(rng.sample(["ict", "bouw", "energie"], rng.randint(0, 2))),
                capacity_left=rng.randint(1, 3),
                max_travel_km=rng.choice([None, 10, 30, 80]),
                online=rng.random() < 0.2,
                available_from=start,
                available_until=end,
                lat=52.0 + rng.uniform(-0.4, 0.4),
                lon=5.0 + rng.uniform(-0.6, 0.6),
                crebo=set(rng.sample(["25180", "25181"], rng.randint(0, 1))),
                vog_date=rng.choice([None, date(2024, 1, 1), date(2021, 1, 1)]),
                contract_type=rng.choice(["", "bol", "bbl", "both"]),
                max_group_size=rng.choice([None, 20, 30]),
                sbb_number=rng.choice(["", "123456789"]),
                sbb_crebo=set(rng.sample(["25180", "25181"], rng.randint(0, 2))),
            )
        )
    for j in range(60):
        start, end = window(-20, 60)
        request_list.append(
            make_request(
                id=f"R{j}",
                org_id=f"S{j % 15}",
                kind=rng.choice(kinds),
                levels={rng.choice(["havo", "vwo", "mbo-3"])},
                subjects=set(rng.sample(["ict", "bouw", "energie"], rng.randint(0, 2))),
                slots_left=rng.randint(1, 2),
                max_travel_km=rng.choice([None, 15, 40]),
                online_ok=rng.random() < 0.3,
                wanted_from=start,
                wanted_until=end,
                lat=52.0 + rng.uniform(-0.4, 0.4),
                lon=5.0 + rng.uniform(-0.6, 0.6),
                crebo=set(rng.sample(["25180", "25181"], rng.randint(0, 1))),
                vog_required=rng.random() < 0.2,
                contract_type=rng.choice(["", "bol", "bbl"]),
                group_size=rng.choice([None, 18, 25, 32]),
                sbb_required=rng.random() < 0.3,
            )
        )
    history = {("O1", "R1"): {"declined"}, ("O2", "R2"): {"blocked"}, ("O3", "R3"): {"live"}}
    problem = build_problem(offer_list, request_list, today=TODAY, excluded=history)
    feasible = {
        (o.id, r.id)
        for o in offer_list
        for r in request_list
        if not broken_rules(o, r, today=TODAY, excluded=history)
    }
    assert len(offer_list) * len(request_list) == 4200 and feasible  # some pairs are feasible
    result = match(problem)
    assert result.assignments
    by_id_o = {o.id: o for o in offer_list}
    by_id_r = {r.id: r for r in request_list}
    for a in result.assignments:
        offer, request = by_id_o[a.offer_id], by_id_r[a.request_id]
        assert broken_rules(offer, request, today=TODAY, excluded=history, slots=a.slots) == []
        assert (a.offer_id, a.request_id) in feasible
