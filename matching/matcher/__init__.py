"""The matcher's wing, and its one door (DESIGN §4).

Rooms: ``load`` (rows → engine items, once: :func:`engine_items`; a run's problem:
:func:`load_problem`), ``candidates`` (the best offers for a few requests: the coordinator's
queue), the engine itself (``matching/engine/``: rule book, candidates, solve — no Django),
``persist`` (proposals in bulk, with `match_propose`'s semantics) and ``runs`` (run now,
schedule, claim, sweep). Code outside the wing uses the names below; the per-pair rule book
with its messages is ``matching/rules.py``.

Imports inside the wing point one way: runs → persist → load → engine; nothing here imports
``matching.tasks`` (runs enqueue the task by name) or ``matching.services.matches``.
"""

from __future__ import annotations

from matching.engine.items import DEFAULT_MAX_TRAVEL_KM
from matching.matcher.candidates import best_offers
from matching.matcher.load import NATIONAL, Loaded, engine_items, load_problem, pair_items, reached_schools
from matching.matcher.persist import persist
from matching.matcher.runs import (
    SCOPES,
    listing_changed,
    run_execute,
    run_now,
    run_schedule,
    runs_schedule_all,
    runs_sweep,
)

__all__ = [
    "DEFAULT_MAX_TRAVEL_KM",
    "NATIONAL",
    "SCOPES",
    "Loaded",
    "best_offers",
    "engine_items",
    "listing_changed",
    "load_problem",
    "pair_items",
    "persist",
    "reached_schools",
    "run_execute",
    "run_now",
    "run_schedule",
    "runs_schedule_all",
    "runs_sweep",
]
