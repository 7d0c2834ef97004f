"""The matching engine: pure numpy + OR-Tools, no Django (DESIGN §4).

Typical use from a service::

    problem = build_problem(offers, requests, today=today, excluded=pairs, reached_schools=schools)
    broken_rules(offer, request, today=today)   # the rule book (rules.py): codes a pair breaks
    result = match(problem)            # candidates (pruned) + exact lexicographic solve
    for a in result.assignments:       # Assignment(offer_id, request_id, slots, score, explanation)
        ...
    result.stats                       # candidate pairs, slots filled, schools reached, seconds per phase

Sharding: a call sees only the capacity it is given. For one landsdeel pass that landsdeel's
requests and every open offer that could reach them (simplest: all open offers; the spatial
index ignores far ones), with ``capacity_left`` net of everything already proposed, including
proposals made by other shards' runs. Online offers serve every landsdeel, so runs that go in
parallel can both spend the same online capacity: run shards one after the other, or give
each a capacity budget, and keep the database constraint as the last guard. A national call
has no such issue.
"""

from __future__ import annotations

from .candidates import Candidates, generate_candidates
from .items import Offer, Request
from .problem import Problem, build_problem
from .rules import (
    CODES,
    OVERRIDABLE,
    RULES,
    broken_many,
    broken_rules,
    dates_override_allowed,
    first_shared_day,
    is_feasible,
)
from .scoring import explain, score_pair
from .solver import Assignment, MatchResult, SolverError, match, solve

__all__ = [
    "CODES",
    "OVERRIDABLE",
    "RULES",
    "Assignment",
    "Candidates",
    "MatchResult",
    "Offer",
    "Problem",
    "Request",
    "SolverError",
    "broken_many",
    "broken_rules",
    "build_problem",
    "dates_override_allowed",
    "explain",
    "first_shared_day",
    "generate_candidates",
    "is_feasible",
    "match",
    "score_pair",
    "solve",
]
