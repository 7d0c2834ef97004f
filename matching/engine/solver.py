"""Exact lexicographic assignment by min-cost max-flow (DESIGN §4 priorities (a), (b), (c)).

Network (OR-Tools ``SimpleMinCostFlow``)::

    offer (supply = capacity_left) --candidate arc: cap min(capacity, slots), cost -quality-->
    request --cap slots_left--> school --convex arcs--> sink

A school that is not yet reached has two arcs to the sink: capacity 1 at cost ``-A`` (the reach
bonus) and the rest at cost 0; a reached school has one arc at cost 0.

Why max-flow-with-min-cost instead of a slot weight ``B`` and a bypass arc: an augmenting path
ends with one arc into the sink and never leaves the sink again, so augmenting a flow never
lowers any school's inflow. Hence from a flow that reaches the most schools we can always
augment to a maximum flow that still reaches them: the best reach (a) is attained among the
maximum flows (b). ``solve_max_flow_with_min_cost`` first computes the maximum flow (b), then
the cheapest flow of that value; with ``A`` larger than any possible difference in total
quality, that cheapest flow reaches the most schools (a) and then has the best quality (c).
This keeps costs ~S_max times smaller than an ``A > B·S_max`` scheme, so int64 never gets
close and the quality resolution can stay fine. (The brute-force tests check this claim.)
``A = max quality per slot × max total slots + 1`` per solved batch; should OR-Tools still
report BAD_COST_RANGE, the quality resolution drops tenfold and the batch is solved again.

Quality enters as an integer per slot: ``round(score · resolution) · TIE_STEPS + tie``, where
``tie`` ∈ [0, TIE_STEPS) favours requests created earlier, so equal-quality choices go to the
earlier request (a perturbation below one quality step per slot).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from .candidates import DEFAULT_K, Candidates, generate_candidates
from .problem import Problem
from .scoring import explain as explain_pair

QUALITY_RESOLUTION = 1000
BATCH_ARCS = 50_000  # small components are solved together; one OR-Tools call has overhead
TIE_STEPS = 8
_INT64_MAX = np.iinfo(np.int64).max


class SolverError(RuntimeError):
    """OR-Tools could not solve the network (should not happen for valid inputs)."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """A proposal: ``slots`` slots of an offer for a request, with its quality and explanation."""

    offer_id: str
    request_id: str
    slots: int
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class MatchResult:
    """What a run proposes, plus figures for logs and dashboards (``stats``, JSON-able)."""

    assignments: list[Assignment]
    stats: dict[str, Any]


def quality_units(
    problem: Problem, candidates: Candidates, resolution: int = QUALITY_RESOLUTION
) -> np.ndarray:
    """Integer quality per slot of each candidate pair, as the solver maximises it (int64)."""
    return _units(problem, candidates.request, candidates.score, resolution)


def _units(problem: Problem, ri: np.ndarray, score: np.ndarray, resolution: int) -> np.ndarray:
    n = max(problem.n_requests, 1)
    tie = (TIE_STEPS - 1) - (problem.r_rank[ri].astype(np.int64) * TIE_STEPS) // n
    return np.rint(score * resolution).astype(np.int64) * TIE_STEPS + tie


def _weights(flow_bound: int, n_nodes: int, resolution: int) -> tuple[int, int]:
    """Reach bonus A and the quality resolution actually used (lowered if int64 would overflow)."""
    while True:
        q_max = resolution * TIE_STEPS + TIE_STEPS - 1
        bonus = q_max * max(flow_bound, 1) + 1
        # OR-Tools multiplies costs by (nodes + 1) and needs head room for node potentials.
        if bonus <= _INT64_MAX // (4 * (n_nodes + 3)) or resolution <= 1:
            return bonus, resolution
        resolution //= 10


def _components(n_nodes: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected-component label (smallest node id) per node: hooking plus pointer jumping."""
    parent = np.arange(n_nodes)
    while True:
        pu, pv = parent[u], parent[v]
        differ = pu != pv
        if not differ.any():
            return parent
        lo, hi = np.minimum(pu[differ], pv[differ]), np.maximum(pu[differ], pv[differ])
        np.minimum.at(parent, hi, lo)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


def _solve_flow(
    problem: Problem, oi: np.ndarray, ri: np.ndarray, score: np.ndarray, resolution: int
) -> np.ndarray:
    """Optimal flow (slots) per candidate arc for one batch of whole components."""
    offers_used, o_local = np.unique(oi, return_inverse=True)
    requests_used, r_local = np.unique(ri, return_inverse=True)
    schools_used, s_local = np.unique(problem.r_school[requests_used], return_inverse=True)
    n_r, n_s = requests_used.size, schools_used.size
    offer_cap = problem.o_capacity[offers_used]
    slots_r = problem.r_slots[requests_used]
    arc_cap = np.minimum(offer_cap[o_local], slots_r[r_local])
    # An offer whose arcs together cannot exceed its capacity has a capacity that never binds.
    # All such offers share one node (their arcs keep their own capacities and costs): exact,
    # and with ample supply it removes most offer nodes, which is what OR-Tools' time grows with.
    out_cap = np.bincount(o_local, weights=arc_cap, minlength=offers_used.size).astype(np.int64)
    free = out_cap <= offer_cap
    node_of_offer = np.cumsum(~free) - 1
    n_bound = int((~free).sum())
    node_of_offer[free] = n_bound
    n_o = n_bound + int(free.any())
    o_node = node_of_offer[o_local]
    cap_o = np.append(offer_cap[~free], out_cap[free].sum()) if free.any() else offer_cap[~free]
    sink = n_o + n_r + n_s
    slots_s = np.bincount(s_local, weights=slots_r, minlength=n_s).astype(np.int64)
    unreached = np.flatnonzero(~problem.school_reached[schools_used])
    rest = slots_s.copy()
    rest[unreached] -= 1
    rest_sel = np.flatnonzero(rest > 0)
    flow_bound = int(min(cap_o.sum(), slots_r.sum()))
    tails = np.concatenate([o_node, n_o + np.arange(n_r), n_o + n_r + unreached, n_o + n_r + rest_sel])
    heads = np.concatenate(
        [n_o + r_local, n_o + n_r + s_local, np.full(unreached.size + rest_sel.size, sink)]
    )
    caps = np.concatenate([arc_cap, slots_r, np.ones(unreached.size, np.int64), rest[rest_sel]])
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_o] = cap_o
    supplies[sink] = -int(slots_s.sum())
    while True:
        bonus, resolution = _weights(flow_bound, sink + 1, resolution)
        costs = np.concatenate(
            [
                -_units(problem, ri, score, resolution),
                np.zeros(n_r, np.int64),
                np.full(unreached.size, -bonus, np.int64),
                np.zeros(rest_sel.size, np.int64),
            ]
        )
        smcf = min_cost_flow.SimpleMinCostFlow()
        arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        smcf.set_nodes_supplies(np.arange(sink + 1), supplies)
        status = smcf.solve_max_flow_with_min_cost()
        if status == smcf.OPTIMAL:
            return smcf.flows(arcs[: oi.size])
        if status != smcf.BAD_COST_RANGE or resolution <= 1:
            raise SolverError(f"min-cost flow failed: {status}")
        resolution //= 10  # node potentials outgrew int64 head room: coarser quality scale


def solve(
    problem: Problem,
    candidates: Candidates,
    *,
    quality_resolution: int = QUALITY_RESOLUTION,
    explain: bool = True,
) -> MatchResult:
    """Choose integer slot assignments on the candidate pairs, lexicographically optimal.

    The network splits into connected components (offers–requests–schools); each is solved on
    its own (small ones batched), which is exact and, measured, ~40 % faster than one network.
    Returns assignments ordered by request. With ``explain=False`` explanations are left
    empty (benchmarks); ``score`` is then the candidate score.
    """
    t0 = time.perf_counter()
    oi = candidates.offer.astype(np.int64)
    ri = candidates.request.astype(np.int64)
    stats: dict[str, Any] = {
        "offers": problem.n_offers,
        "requests": problem.n_requests,
        "candidate_pairs": int(oi.size),
        "feasible_pairs": int(candidates.feasible_pairs),
        "seconds": {"candidates": round(candidates.seconds, 3)},
    }
    n_o, n_r = problem.n_offers, problem.n_requests
    labels = _components(
        n_o + n_r + len(problem.schools),
        np.concatenate([oi, n_o + np.arange(n_r)]),
        np.concatenate([n_o + ri, n_o + n_r + problem.r_school.astype(np.int64)]),
    )[oi]
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    components = np.split(order, bounds) if oi.size else []
    t1 = time.perf_counter()

    flows = np.zeros(oi.size, dtype=np.int64)
    batch: list[np.ndarray] = []
    batch_arcs = 0
    for i, comp in enumerate(components):
        batch.append(comp)
        batch_arcs += comp.size
        if batch_arcs >= BATCH_ARCS or i == len(components) - 1:
            sel = np.concatenate(batch)
            flows[sel] = _solve_flow(problem, oi[sel], ri[sel], candidates.score[sel], quality_resolution)
            batch, batch_arcs = [], 0
    t2 = time.perf_counter()

    used = np.flatnonzero(flows > 0)
    order = used[np.lexsort((-candidates.score[used], ri[used]))]
    served = np.zeros(len(problem.schools), dtype=bool)
    served[problem.r_school[ri[used]]] = True
    reached = problem.school_reached
    assignments: list[Assignment] = []
    for pos in order.tolist():
        offer = problem.offers[int(oi[pos])]
        req = problem.requests[int(ri[pos])]
        if explain:
            expl = explain_pair(offer, req, school_reached=bool(reached[problem.r_school[ri[pos]]]))
            score = float(expl["score"])
        else:
            expl, score = {}, round(float(candidates.score[pos]), 4)
        assignments.append(Assignment(offer.id, req.id, int(flows[pos]), score, expl))
    t3 = time.perf_counter()

    stats.update(
        slots_filled=int(flows.sum()),
        schools_served=int(served.sum()),
        schools_newly_reached=int((served & ~reached).sum()),
        requests_served=int(np.unique(ri[used]).size),
        quality_total=round(float((candidates.score[used] * flows[used]).sum()), 3),
        components=len(components),
    )
    stats["seconds"].update(network=round(t1 - t0, 3), solve=round(t2 - t1, 3), explain=round(t3 - t2, 3))
    return MatchResult(assignments, stats)


def match(problem: Problem, *, k: int | None = DEFAULT_K, explain: bool = True) -> MatchResult:
    """Candidate generation plus :func:`solve`: the one call a service needs."""
    return solve(problem, generate_candidates(problem, k=k), explain=explain)
