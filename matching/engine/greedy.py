"""First-come-first-served baseline (benchmarks only): what a simple matcher would do.

Requests are served in creation order; each takes its best remaining candidates by quality
until its slots are filled or its candidates run out. No look-ahead, no reach priority.
"""

from __future__ import annotations

import time

import numpy as np

from .candidates import Candidates
from .problem import Problem
from .solver import Assignment, MatchResult


def greedy(problem: Problem, candidates: Candidates) -> MatchResult:
    started = time.perf_counter()
    cap = problem.o_capacity.copy()
    ri = candidates.request
    # Candidates are sorted by (request, descending score): one slice per request.
    order = np.argsort(ri, kind="stable")
    ri_sorted = ri[order]
    req_ids, starts = np.unique(ri_sorted, return_index=True)
    ends = np.r_[starts[1:], ri_sorted.size]
    by_rank = np.argsort(problem.r_rank[req_ids], kind="stable")
    offers = candidates.offer
    assignments: list[Assignment] = []
    served_schools: set[int] = set()
    for j in by_rank.tolist():
        r = int(req_ids[j])
        want = int(problem.r_slots[r])
        for pos in order[starts[j] : ends[j]].tolist():
            if want == 0:
                break
            o = int(offers[pos])
            take = min(want, int(cap[o]))
            if take > 0:
                cap[o] -= take
                want -= take
                assignments.append(
                    Assignment(
                        problem.offers[o].id,
                        problem.requests[r].id,
                        take,
                        round(float(candidates.score[pos]), 4),
                    )
                )
                served_schools.add(int(problem.r_school[r]))
    reached = problem.school_reached
    stats = {
        "candidate_pairs": len(candidates),
        "slots_filled": sum(a.slots for a in assignments),
        "schools_served": len(served_schools),
        "schools_newly_reached": sum(1 for s in served_schools if not reached[s]),
        "requests_served": len({a.request_id for a in assignments}),
        "quality_total": round(sum(a.slots * a.score for a in assignments), 3),
        "seconds": {"solve": round(time.perf_counter() - started, 3)},
    }
    return MatchResult(assignments, stats)
