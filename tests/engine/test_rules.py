"""Each DESIGN §4 rule in isolation, in the scalar reference and in the vectorised generator."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import pytest

from matching.engine import Offer, Request, broken_rules, build_problem, generate_candidates, is_feasible
from matching.engine.items import add_years
from matching.engine.rules import haversine_km, vog_valid_on
from matching.engine.scoring import explain, score_pair

LAT, LON = 52.0, 5.0
TODAY = date(2026, 8, 20)
KM_PER_DEG_LAT = math.pi * 6371.0 / 180.0


def north(km: float) -> float:
    """Latitude ``km`` due north of (LAT, LON) on the 6371 km sphere."""
    return LAT + km / KM_PER_DEG_LAT


def make_offer(**kw: object) -> Offer:
    base: dict[str, object] = {
        "id": "O1",
        "org_id": "C1",
        "kind": "guest_lesson",
        "levels": {"havo", "vwo"},
        "subjects": {"ict"},
        "capacity_left": 2,
        "max_travel_km": None,
        "online": False,
        "available_from": date(2026, 9, 1),
        "available_until": date(2027, 6, 30),
        "lat": LAT,
        "lon": LON,
    }
    base.update(kw)
    return Offer(**base)  # type: ignore[arg-type]


def make_request(**kw: object) -> Request:
    base: dict[str, object] = {
        "id": "R1",
        "org_id": "S1",
        "kind": "guest_lesson",
        "levels": {"havo"},
        "subjects": {"ict", "wiskunde"},
        "slots_left": 1,
        "max_travel_km": None,
        "online_ok": False,
        "wanted_from": date(2026, 10, 1),
        "wanted_until": date(2026, 12, 20),
        "lat": north(10),
        "lon": LON,
    }
    base.update(kw)
    return Request(**base)  # type: ignore[arg-type]


def vectorised_feasible(offer: Offer, request: Request, excluded: tuple[tuple[str, str], ...] = ()) -> bool:
    problem = build_problem([offer], [request], today=TODAY, excluded=excluded)
    return len(generate_candidates(problem, k=None)) == 1


def check(
    offer: Offer, request: Request, broken: list[str], excluded: tuple[tuple[str, str], ...] = ()
) -> None:
    assert broken_rules(offer, request, today=TODAY, excluded=set(excluded)) == broken
    assert is_feasible(offer, request, today=TODAY, excluded=set(excluded)) is (not broken)
    assert vectorised_feasible(offer, request, excluded) is (not broken)


def test_base_pair_is_feasible() -> None:
    check(make_offer(), make_request(), [])


def test_rule_1_kind_must_match() -> None:
    check(make_offer(kind="company_visit"), make_request(), ["kind"])


def test_rule_2_levels_must_overlap() -> None:
    check(make_offer(levels={"vmbo-t"}), make_request(), ["levels"])
    check(make_offer(levels=set()), make_request(), ["levels"])


def test_rule_3_subjects_overlap_or_any() -> None:
    check(make_offer(subjects={"bouw"}), make_request(), ["subjects"])
    check(make_offer(subjects=set()), make_request(), [])
    check(make_offer(subjects={"bouw"}), make_request(subjects=set()), [])


@pytest.mark.parametrize(
    ("offer_limit", "request_limit", "km", "ok"),
    [
        (None, None, 49.9, True),  # no limit on either side: 50 km
        (None, None, 50.1, False),
        (60, None, 55.0, True),  # one limit set: that limit
        (None, 60, 59.9, True),
        (None, 60, 60.1, False),
        (30, 60, 31.0, False),  # both set: every limit holds
        (60, 30, 29.0, True),
        (100, None, 99.0, True),  # a set limit may exceed the 50 km default
        (0, None, 0.0, True),  # same location with a zero limit
    ],
)
def test_rule_4_distance(offer_limit: float | None, request_limit: float | None, km: float, ok: bool) -> None:
    offer = make_offer(max_travel_km=offer_limit)
    request = make_request(max_travel_km=request_limit, lat=north(km))
    check(offer, request, [] if ok else ["distance"])


def test_rule_4_skipped_only_when_both_sides_are_online() -> None:
    far = {"lat": 53.4, "lon": 6.9}  # ~200 km away
    check(make_offer(online=True), make_request(online_ok=True, **far), [])
    check(make_offer(online=True), make_request(online_ok=False, **far), ["distance"])
    check(make_offer(online=False), make_request(online_ok=True, **far), ["distance"])


def test_haversine_matches_known_distance() -> None:
    # Amsterdam Centraal – Utrecht Centraal is about 35 km as the crow flies.
    assert 34 < haversine_km(52.3791, 4.9003, 52.0894, 5.1101) < 36
    assert haversine_km(LAT, LON, north(10), LON) == pytest.approx(10.0, abs=1e-6)


def test_rule_5_dates_overlap_inclusively() -> None:
    request = make_request(wanted_from=date(2026, 10, 1), wanted_until=date(2026, 12, 20))
    check(make_offer(available_until=date(2026, 10, 1)), request, [])
    check(make_offer(available_until=date(2026, 9, 30)), request, ["dates"])
    check(make_offer(available_from=date(2026, 12, 18)), request, [])  # a Friday
    check(make_offer(available_from=date(2026, 12, 19)), request, ["dates"])  # only Sat 19 and Sun 20
    check(make_offer(available_from=date(2026, 12, 21)), request, ["dates"])


def test_rule_6_excluded_pairs_are_never_candidates() -> None:
    check(make_offer(), make_request(), ["blocked"], excluded=(("O1", "R1"),))
    check(make_offer(), make_request(), [], excluded=(("O1", "R2"), ("O9", "R1")))


def test_rule_7_crebo_only_when_both_sides_list_codes() -> None:
    kw = {"kind": "internship", "levels": {"mbo-3"}}
    check(make_offer(crebo={"25180"}, **kw), make_request(crebo={"25181"}, **kw), ["crebo"])
    check(make_offer(crebo={"25180", "25181"}, **kw), make_request(crebo={"25181"}, **kw), [])
    check(make_offer(crebo=set(), **kw), make_request(crebo={"25181"}, **kw), [])
    check(make_offer(crebo={"25180"}, **kw), make_request(crebo=set(), **kw), [])
    # Other kinds carry no crebo rule.
    check(make_offer(crebo={"25180"}), make_request(crebo={"25181"}), [])


def test_rule_8_vog_valid_on_first_wanted_day() -> None:
    start = date(2026, 10, 1)
    request = make_request(vog_required=True, wanted_from=start)
    check(make_offer(vog_date=None), request, ["vog"])
    check(make_offer(vog_date=date(2023, 10, 1)), request, [])  # exactly three years old
    check(make_offer(vog_date=date(2023, 9, 30)), request, ["vog"])  # one day too old
    check(make_offer(vog_date=start), request, [])
    check(make_offer(vog_date=date(2026, 10, 2)), request, ["vog"])  # issued after the first day
    check(make_offer(vog_date=None), make_request(vog_required=False), [])


def test_vog_leap_day_counts_until_28_february() -> None:
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert vog_valid_on(date(2024, 2, 29), date(2027, 2, 28))
    assert not vog_valid_on(date(2024, 2, 29), date(2027, 3, 1))
    request = make_request(vog_required=True, wanted_from=date(2027, 3, 1), wanted_until=date(2027, 3, 9))
    check(make_offer(vog_date=date(2024, 2, 29)), request, ["vog"])
    check(
        make_offer(vog_date=date(2024, 2, 29)),
        dataclasses.replace(request, wanted_from=date(2027, 2, 28)),
        [],
    )


def test_several_rules_are_reported_together() -> None:
    offer = make_offer(kind="company_visit", levels={"po"})
    assert broken_rules(offer, make_request(lat=north(80)), today=TODAY) == ["kind", "levels", "distance"]


def test_score_is_in_unit_interval_and_prefers_better_fit() -> None:
    request = make_request()
    near_full = score_pair(make_offer(subjects={"ict", "wiskunde"}), request)[0]
    near_partial = score_pair(make_offer(subjects={"ict"}), request)[0]
    near_any = score_pair(make_offer(subjects=set()), request)[0]
    far_full = score_pair(
        make_offer(subjects={"ict", "wiskunde"}), dataclasses.replace(request, lat=north(40))
    )[0]
    assert 0.0 <= far_full < near_full <= 1.0
    assert near_full > near_partial > near_any  # half the subjects explicitly beats "any"
    third = score_pair(
        make_offer(subjects={"ict"}), dataclasses.replace(request, subjects={"ict", "a", "b"})
    )[0]
    assert third < near_any  # a third does not
    late = score_pair(make_offer(available_from=date(2026, 12, 1)), request)[0]
    assert late < near_partial


def test_explanation_is_json_ready_and_names_the_fit() -> None:
    offer, request = make_offer(), make_request()
    expl = explain(offer, request, today=TODAY, school_reached=False)
    assert expl["levels"] == ["havo"]
    assert expl["subjects"] == ["ict"]
    assert expl["distance_km"] == pytest.approx(10.0, abs=0.05)
    assert expl["online"] is False
    assert expl["overlap_from"] == "2026-10-01"
    assert expl["overlap_until"] == "2026-12-20"
    assert expl["overlap_days"] == 81
    assert expl["fairness"] is True
    assert expl["score"] == round(score_pair(offer, request)[0], 4)
    assert set(expl["components"]) == {"subjects", "levels", "distance", "dates"}
    online = explain(
        make_offer(online=True, subjects=set()),
        make_request(online_ok=True),
        today=TODAY,
        school_reached=True,
    )
    assert online["distance_km"] is None
    assert online["online"] is True
    assert online["subjects"] == "any"
    assert online["fairness"] is False
    # No share is shown for what the pair does not use: "any subject", and online.
    assert set(online["components"]) == {"levels", "dates"}


def test_batched_explanations_equal_the_scalar_ones() -> None:
    from matching.engine.scoring import explain_many

    offers = [
        make_offer(id="A"),
        make_offer(id="B", online=True, subjects=set()),
        make_offer(id="C", levels={"vwo"}, available_from=date(2026, 11, 2)),
    ]
    requests = [make_request(id="X"), make_request(id="Y", online_ok=True, org_id="S2", lat=north(30))]
    problem = build_problem(offers, requests, today=date(2026, 8, 20), reached_schools=["S2"])
    pairs = [(o, r) for o in range(3) for r in range(2)]
    import numpy as np

    batch = explain_many(problem, np.array([o for o, _ in pairs]), np.array([r for _, r in pairs]))
    for (o, r), got in zip(pairs, batch, strict=True):
        want = explain(offers[o], requests[r], today=TODAY, school_reached=requests[r].org_id == "S2")
        # Rounded by numpy here and by Python there: equal up to the last rounded digit.
        assert got.pop("score") == pytest.approx(want.pop("score"), abs=2e-4)
        assert got.pop("components") == pytest.approx(want.pop("components"), abs=2e-4)
        assert got.pop("distance_km") == pytest.approx(want.pop("distance_km"), abs=0.11)
        assert got == want
