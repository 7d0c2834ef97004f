"""Random instances: vectorised candidates equal the scalar rules, and the solver is optimal."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from matching.engine import Offer, Request, build_problem, generate_candidates, is_feasible, score_pair
from matching.engine import solver as solver_module
from matching.engine.greedy import greedy
from matching.engine.solver import match, quality_units, solve

TODAY = date(2026, 8, 20)
KINDS = ("guest_lesson", "company_visit", "internship")
LEVELS = ("po", "vmbo-t", "havo", "vwo", "mbo-3")
SUBJECTS = ("ict", "bouw", "energie", "biologie", "wiskunde")
CREBO = ("25180", "25181", "25182")


def _codes(rng: random.Random, pool: tuple[str, ...], lo: int, hi: int) -> set[str]:
    return set(rng.sample(pool, rng.randint(lo, hi)))


def _day(rng: random.Random, start: date, span: int) -> date:
    return start + timedelta(days=rng.randrange(span))


def random_instance(
    rng: random.Random,
    n_offers: int,
    n_requests: int,
    *,
    n_schools: int | None = None,
    spread_deg: float = 0.6,
    levels: tuple[str, ...] = LEVELS,
    subjects: tuple[str, ...] = SUBJECTS,
    capacity: tuple[int, int] = (0, 4),
    slots: tuple[int, int] = (0, 3),
    limits: tuple[float | None, ...] = (None, None, 10, 25, 40, 60),
) -> tuple[list[Offer], list[Request], list[tuple[str, str]], list[str]]:
    def place() -> tuple[float, float]:
        return 52.0 + rng.uniform(-spread_deg, spread_deg), 5.0 + rng.uniform(-spread_deg, spread_deg) * 1.6

    offers = []
    for i in range(n_offers):
        lat, lon = place()
        start = _day(rng, date(2026, 8, 1), 200)
        offers.append(
            Offer(
                id=f"O{i}",
                org_id=f"C{i % 7}",
                kind=rng.choice(KINDS),
                levels=_codes(rng, levels, 1, 3),
                subjects=_codes(rng, subjects, 0, 2),
                capacity_left=rng.randint(*capacity),
                max_travel_km=rng.choice(limits),
                online=rng.random() < 0.25,
                available_from=start,
                available_until=start + timedelta(days=rng.randrange(0, 150)),
                lat=lat,
                lon=lon,
                crebo=_codes(rng, CREBO, 0, 2),
                vog_date=_day(rng, date(2022, 6, 1), 1700) if rng.random() < 0.5 else None,
            )
        )
    schools = n_schools or max(1, n_requests // 2)
    requests = []
    for j in range(n_requests):
        lat, lon = place()
        start = _day(rng, date(2026, 9, 1), 200)
        requests.append(
            Request(
                id=f"R{j}",
                org_id=f"S{rng.randrange(schools)}",
                kind=rng.choice(KINDS),
                levels=_codes(rng, levels, 1, 2),
                subjects=_codes(rng, subjects, 0, 2),
                slots_left=rng.randint(*slots),
                max_travel_km=rng.choice(limits),
                online_ok=rng.random() < 0.4,
                wanted_from=start,
                wanted_until=start + timedelta(days=rng.randrange(0, 90)),
                lat=lat,
                lon=lon,
                crebo=_codes(rng, CREBO, 0, 2),
                vog_required=rng.random() < 0.2,
                created=rng.random(),
            )
        )
    excluded = [(rng.choice(offers).id, rng.choice(requests).id) for _ in range(n_offers // 3)]
    reached = [f"S{s}" for s in range(schools) if rng.random() < 0.3]
    return offers, requests, excluded, reached


def brute_force_pairs(offers: list[Offer], requests: list[Request], excluded: list[tuple[str, str]]) -> set:
    ex = set(excluded)
    return {
        (i, j)
        for i, o in enumerate(offers)
        for j, r in enumerate(requests)
        if o.capacity_left > 0 and r.slots_left > 0 and is_feasible(o, r, today=TODAY, excluded=ex)
    }


@pytest.mark.parametrize("seed", range(40))
def test_vectorised_candidates_equal_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    offers, requests, excluded, reached = random_instance(rng, rng.randint(1, 60), rng.randint(1, 70))
    problem = build_problem(offers, requests, today=TODAY, excluded=excluded, reached_schools=reached)
    cands = generate_candidates(problem, k=None)
    got = set(zip(cands.offer.tolist(), cands.request.tolist(), strict=True))
    assert len(got) == len(cands)  # no duplicates
    assert got == brute_force_pairs(offers, requests, excluded)
    assert cands.feasible_pairs == len(got)
    for o, r, s in zip(cands.offer.tolist(), cands.request.tolist(), cands.score.tolist(), strict=True):
        # Distances come from float32 chords (good to ~1 m), so scores agree to ~1e-5.
        assert s == pytest.approx(score_pair(offers[o], requests[r])[0], abs=1e-4)
        assert 0.0 <= s <= 1.0


@pytest.mark.parametrize("seed", range(5))
def test_candidates_over_a_wide_area_with_long_limits(seed: int) -> None:
    # Continental spread and limits up to 2,000 km exercise the grid window bounds.
    rng = random.Random(1000 + seed)
    offers, requests, excluded, _ = random_instance(
        rng, 80, 80, spread_deg=12.0, limits=(None, 100, 500, 2000, 800)
    )
    problem = build_problem(offers, requests, today=TODAY, excluded=excluded)
    cands = generate_candidates(problem, k=None)
    got = set(zip(cands.offer.tolist(), cands.request.tolist(), strict=True))
    assert got == brute_force_pairs(offers, requests, excluded)


def test_candidates_with_more_than_64_subject_codes() -> None:
    rng = random.Random(7)
    many = tuple(f"subject-{i}" for i in range(150))
    offers, requests, excluded, _ = random_instance(rng, 50, 50, subjects=many)
    problem = build_problem(offers, requests, today=TODAY, excluded=excluded)
    assert problem.o_subjects.shape[1] >= 2  # over 64 codes: several uint64 words
    cands = generate_candidates(problem, k=None)
    got = set(zip(cands.offer.tolist(), cands.request.tolist(), strict=True))
    assert got == brute_force_pairs(offers, requests, excluded)


@pytest.mark.parametrize("seed", range(5))
def test_pruning_keeps_each_requests_best_k(seed: int) -> None:
    rng = random.Random(seed)
    offers, requests, excluded, _ = random_instance(rng, 60, 40, spread_deg=0.2)
    problem = build_problem(offers, requests, today=TODAY, excluded=excluded)
    full = generate_candidates(problem, k=None)
    pruned = generate_candidates(problem, k=3)
    assert pruned.feasible_pairs == full.feasible_pairs
    for r in range(len(requests)):
        all_scores = np.sort(full.score[full.request == r])[::-1]
        kept = np.sort(pruned.score[pruned.request == r])[::-1]
        assert kept.size == min(3, all_scores.size)
        assert np.allclose(kept, all_scores[: kept.size])


# --- solver optimality against brute force -------------------------------------------------


def brute_force_optimum(problem, cands) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Best (new schools, slots, integer quality) over every integer assignment."""
    pairs = list(zip(cands.offer.tolist(), cands.request.tolist(), strict=True))
    weight = quality_units(problem, cands).tolist()
    cap = problem.o_capacity.tolist()
    want = problem.r_slots.tolist()
    school = problem.r_school.tolist()
    reached = problem.school_reached.tolist()
    served = [0] * len(problem.schools)
    best = (-1, -1, -1)

    def walk(k: int, slots: int, quality: int) -> None:
        nonlocal best
        if k == len(pairs):
            new = sum(1 for s, n in enumerate(served) if n > 0 and not reached[s])
            best = max(best, (new, slots, quality))
            return
        o, r = pairs[k]
        for x in range(min(cap[o], want[r]) + 1):
            cap[o] -= x
            want[r] -= x
            served[school[r]] += x
            walk(k + 1, slots + x, quality + x * weight[k])
            cap[o] += x
            want[r] += x
            served[school[r]] -= x

    walk(0, 0, 0)
    return best


def objective(problem, cands, result) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    weight = dict(
        zip(
            zip(cands.offer.tolist(), cands.request.tolist(), strict=True),
            quality_units(problem, cands).tolist(),
            strict=True,
        )
    )
    quality = sum(
        a.slots * weight[(problem.offer_index(a.offer_id), problem.request_index(a.request_id))]
        for a in result.assignments
    )
    return result.stats["schools_newly_reached"], result.stats["slots_filled"], quality


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "bonus-only"])
@pytest.mark.parametrize("seed", range(120))
def test_solver_is_lexicographically_optimal(
    seed: int, fast_path: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Odd seeds are scarce (more schools than capacity), so reach is a real choice there.
    monkeypatch.setattr(solver_module, "FAST_PATH", fast_path)
    rng = random.Random(seed)
    scarce = seed % 2 == 1
    offers, requests, excluded, reached = random_instance(
        rng,
        rng.randint(2, 3) if scarce else rng.randint(3, 5),
        rng.randint(3, 6),
        n_schools=rng.randint(3, 5) if scarce else rng.randint(2, 4),
        spread_deg=0.15,
        capacity=(0, 2) if scarce else (0, 3),
        slots=(1, 2),
        limits=(None,),
    )
    for o in offers:  # make the instances dense enough to be interesting
        object.__setattr__(o, "kind", "guest_lesson")
    for r in requests:
        object.__setattr__(r, "kind", "guest_lesson")
    problem = build_problem(offers, requests, today=TODAY, excluded=excluded, reached_schools=reached)
    cands = generate_candidates(problem, k=None)
    if len(cands) > 12:
        pytest.skip("too many pairs to enumerate")
    result = solve(problem, cands)
    assert objective(problem, cands, result) == brute_force_optimum(problem, cands)
    check_result_is_valid(offers, requests, excluded, result)


def check_result_is_valid(offers, requests, excluded, result) -> None:  # type: ignore[no-untyped-def]
    by_id_o = {o.id: o for o in offers}
    by_id_r = {r.id: r for r in requests}
    used: dict[str, int] = {}
    got: dict[str, int] = {}
    seen = set()
    for a in result.assignments:
        assert (a.offer_id, a.request_id) not in seen
        seen.add((a.offer_id, a.request_id))
        assert a.slots >= 1
        assert is_feasible(by_id_o[a.offer_id], by_id_r[a.request_id], today=TODAY, excluded=set(excluded))
        used[a.offer_id] = used.get(a.offer_id, 0) + a.slots
        got[a.request_id] = got.get(a.request_id, 0) + a.slots
    assert all(n <= by_id_o[o].capacity_left for o, n in used.items())
    assert all(n <= by_id_r[r].slots_left for r, n in got.items())


@pytest.mark.parametrize("seed", range(8))
def test_pruned_run_on_a_larger_instance_is_valid_and_close(seed: int) -> None:
    rng = random.Random(500 + seed)
    offers, requests, excluded, reached = random_instance(rng, 150, 200, spread_deg=0.4)
    problem = build_problem(offers, requests, today=TODAY, excluded=excluded, reached_schools=reached)
    exact = match(problem, k=None)
    pruned = match(problem)
    check_result_is_valid(offers, requests, excluded, pruned)
    check_result_is_valid(offers, requests, excluded, exact)
    assert pruned.stats["schools_newly_reached"] <= exact.stats["schools_newly_reached"]
    assert pruned.stats["schools_newly_reached"] >= 0.99 * exact.stats["schools_newly_reached"]
    assert pruned.stats["slots_filled"] >= 0.97 * exact.stats["slots_filled"]
    base = greedy(problem, generate_candidates(problem, k=None))
    assert base.stats["slots_filled"] <= exact.stats["slots_filled"]


# --- behaviour on hand-made cases ----------------------------------------------------------


def _o(id_: str, cap: int, lat: float = 52.0, **kw: object) -> Offer:
    base: dict[str, object] = {
        "id": id_,
        "org_id": "C",
        "kind": "guest_lesson",
        "levels": {"havo"},
        "subjects": set(),
        "capacity_left": cap,
        "max_travel_km": None,
        "online": False,
        "available_from": date(2026, 9, 1),
        "available_until": date(2027, 6, 30),
        "lat": lat,
        "lon": 5.0,
    }
    base.update(kw)
    return Offer(**base)  # type: ignore[arg-type]


def _r(id_: str, school: str, slots: int, lat: float = 52.0, created: int = 0, **kw: object) -> Request:
    base: dict[str, object] = {
        "id": id_,
        "org_id": school,
        "kind": "guest_lesson",
        "levels": {"havo"},
        "subjects": set(),
        "slots_left": slots,
        "max_travel_km": None,
        "online_ok": False,
        "wanted_from": date(2026, 10, 1),
        "wanted_until": date(2026, 12, 1),
        "lat": lat,
        "lon": 5.0,
        "created": created,
    }
    base.update(kw)
    return Request(**base)  # type: ignore[arg-type]


def test_reach_beats_slots_and_quality() -> None:
    # One slot: school B (not yet reached, far) gets it over school A's better, closer request.
    offers = [_o("O", 1)]
    requests = [_r("RA", "A", 1, lat=52.0), _r("RB", "B", 1, lat=52.3)]
    problem = build_problem(offers, requests, today=TODAY, reached_schools=["A"])
    result = match(problem)
    assert [(a.request_id, a.slots) for a in result.assignments] == [("RB", 1)]
    assert result.assignments[0].explanation["fairness"] is True
    assert result.stats["schools_newly_reached"] == 1


def test_a_reached_school_gets_no_bonus_and_quality_decides() -> None:
    offers = [_o("O", 1)]
    requests = [_r("RA", "A", 1, lat=52.0), _r("RB", "B", 1, lat=52.3)]
    problem = build_problem(offers, requests, today=TODAY, reached_schools=["A", "B"])
    assert [a.request_id for a in match(problem).assignments] == ["RA"]


def test_slots_beat_quality() -> None:
    # O1 fits both; O2 only fits R1. Quality alone would give O1 to R1; slots need O1 → R2.
    offers = [_o("O1", 1), _o("O2", 1, lat=52.4)]
    requests = [_r("R1", "A", 1, max_travel_km=60), _r("R2", "A", 1, lat=51.9, max_travel_km=20)]
    problem = build_problem(offers, requests, today=TODAY, reached_schools=["A"])
    result = match(problem)
    assert sorted((a.offer_id, a.request_id) for a in result.assignments) == [("O1", "R2"), ("O2", "R1")]
    assert result.stats["slots_filled"] == 2


def test_ties_go_to_the_earlier_request() -> None:
    offers = [_o("O", 1)]
    requests = [_r("Late", "A", 1, created=2), _r("Early", "B", 1, created=1)]
    problem = build_problem(offers, requests, today=TODAY, reached_schools=["A", "B"])
    assert [a.request_id for a in match(problem).assignments] == ["Early"]


def test_capacity_splits_over_requests_and_existing_exclusions_hold() -> None:
    offers = [_o("O", 3)]
    requests = [_r("R1", "A", 2), _r("R2", "B", 2), _r("R3", "C", 1)]
    problem = build_problem(offers, requests, today=TODAY, excluded=[("O", "R3")])
    result = match(problem)
    got = {a.request_id: a.slots for a in result.assignments}
    assert sum(got.values()) == 3
    assert "R3" not in got
    assert set(got) == {"R1", "R2"}  # both schools reached before anyone gets a second slot
    assert result.stats["schools_newly_reached"] == 2


def test_empty_and_capacity_free_problems() -> None:
    problem = build_problem([_o("O", 0)], [_r("R", "A", 1)], today=TODAY)
    result = match(problem)
    assert result.assignments == []
    assert result.stats["slots_filled"] == 0
    assert match(build_problem([], [], today=TODAY)).assignments == []


def test_stats_report_phases_and_counts() -> None:
    rng = random.Random(3)
    offers, requests, excluded, reached = random_instance(rng, 40, 40)
    problem = build_problem(offers, requests, today=TODAY, excluded=excluded, reached_schools=reached)
    stats = match(problem).stats
    for key in (
        "candidate_pairs",
        "feasible_pairs",
        "slots_filled",
        "schools_served",
        "schools_newly_reached",
    ):
        assert isinstance(stats[key], int)
    assert set(stats["seconds"]) >= {"candidates", "network", "solve", "explain"}


def test_greedy_serves_requests_first_come_first_served() -> None:
    offers = [_o("O", 1)]
    requests = [_r("R2", "B", 1, created=2), _r("R1", "A", 1, created=1)]
    problem = build_problem(offers, requests, today=TODAY)
    result = greedy(problem, generate_candidates(problem))
    assert [a.request_id for a in result.assignments] == ["R1"]
