"""The rule book of DESIGN §4: one table, and each rule in two forms tested against each other.

:data:`RULES` is the only place that says when an (offer, request) pair is feasible. Every rule
has a stable ``code``, whether a coordinator may override it, and two forms:

* ``pair(offer, request, ctx) -> bool`` — the rule holds for one pair of engine items. Used for
  self-service asks and proposals, coordinator matches, the queue's "why not" and the
  explanation (through :func:`broken_rules`).
* ``vector(off, req, ctx) -> bool array`` — the same rule on columns (the matcher). ``off`` and ``req``
  are column views of offers and requests whose arrays broadcast against each other: aligned
  1-D pair lists (:func:`broken_many`) or a dense block (rows = requests, columns = offers, in
  ``blocks.dense_block``). Code-set masks carry their 64-bit words on the first axis.

The candidate generator applies the ``dense`` rules through their vectorised form and enforces
the others by construction, with the same definitions: ``kind`` (one pass per kind), ``levels``
(offers grouped by level mask), ``distance`` (a spatial grid and a conservative float32 chord
pre-filter; the exact haversine of :func:`distance_holds_many` decides near the limit),
``status``/``verified``/``capacity`` (rows filtered before pairing) and
``declined``/``blocked``/``live`` (the problem's exclusion keys). The property test
``tests/engine/test_rule_book.py`` holds both forms, and the candidates, to one another.

The human messages live on the Django side (``matching/rules.py``, keyed by code), so this
package stays free of Django.

Adding a rule (e.g. ``group_size`` or ``sbb``)
----------------------------------------------
1. Give :class:`~matching.engine.items.Offer`/``Request`` the optional field(s) (a default
   that imposes nothing), and ``Problem``/``build_problem`` a column per side.
2. Write ``_<code>_pair`` and ``_<code>_vector`` below and add one ``Rule(...)`` entry to
   :data:`RULES` (``dense=True`` so the candidate generator applies it; the columns the vector
   form reads must exist in ``columns.offer_columns``/``request_columns`` and on
   ``blocks.Side`` — add them in ``blocks._side``).
3. Add its message to ``MESSAGES`` in ``matching/rules.py`` (a test fails until you do), fill
   the field in ``matching/matcher/load.py: engine_items`` and ``matching/dataset.py`` (load_dataset).
4. Extend the strategies of ``tests/engine/test_rule_book.py`` with the new fields.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from .columns import offer_columns, request_columns
from .items import (
    CONTRACT_BITS,
    CONTRACT_KINDS,
    CREBO_KINDS,
    DEFAULT_MAX_TRAVEL_KM,
    EARTH_RADIUS_KM,
    VOG_VALID_YEARS,
    Offer,
    Request,
    add_years,
    first_day_from,
)
from .problem import EXCLUSION_BITS, Problem, exclusion_codes


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2) - math.radians(lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def haversine_arrays(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Vectorised twin of :func:`haversine_km` (same formula, same operation order)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin((np.radians(lon2) - np.radians(lon1)) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def distance_limit_km(offer: Offer, request: Request) -> float:
    """The limit a pair's distance must respect: every limit that is set, else 50 km."""
    limits = [x for x in (offer.max_travel_km, request.max_travel_km) if x is not None]
    return min(limits) if limits else DEFAULT_MAX_TRAVEL_KM


def is_online_pair(offer: Offer, request: Request) -> bool:
    """Both sides accept online: the distance rule does not apply."""
    return bool(offer.online and request.online_ok)


def vog_valid_on(vog_date: date | None, day: date) -> bool:
    """A VOG is valid on ``day`` when issued on or before it and at most three years earlier."""
    return vog_date is not None and vog_date <= day <= add_years(vog_date, VOG_VALID_YEARS)


def first_shared_day(offer: Offer, request: Request, today: date) -> date | None:
    """The first weekday from tomorrow on inside both windows, or None (the ``dates`` rule)."""
    day = first_day_from(max(offer.available_from, request.wanted_from), today)
    return day if day <= min(offer.available_until, request.wanted_until) else None


@dataclass(frozen=True, slots=True)
class PairContext:
    """What a per-pair check knows beyond the two items: the day, the pair's history, the slots."""

    today: date
    excluded: frozenset[str] = frozenset()  # codes among declined / blocked / live
    slots: int = 1


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    overridable: bool
    pair: Callable[[Offer, Request, PairContext], bool]
    vector: Callable[[Any, Any, Any], Any]
    dense: bool = False  # applied by the candidate generator through ``vector``


# --- the per-pair forms ----------------------------------------------------------------------


def _kind_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return o.kind == r.kind


def _levels_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return bool(o.levels & r.levels)


def _subjects_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return not o.subjects or not r.subjects or bool(o.subjects & r.subjects)


def _distance_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    if is_online_pair(o, r):
        return True
    return haversine_km(o.lat, o.lon, r.lat, r.lon) <= distance_limit_km(o, r)


def _dates_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return first_shared_day(o, r, ctx.today) is not None


def _status_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return o.is_open and r.is_open


def _verified_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return o.verified and r.verified


def _history_pair(code: str) -> Callable[[Offer, Request, PairContext], bool]:
    def holds(o: Offer, r: Request, ctx: PairContext) -> bool:
        return code not in ctx.excluded

    return holds


def _crebo_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    applies = o.kind in CREBO_KINDS and r.kind in CREBO_KINDS and o.crebo and r.crebo
    return not applies or bool(o.crebo & r.crebo)


def _vog_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return not r.vog_required or vog_valid_on(o.vog_date, r.wanted_from)


def _contract_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    if o.kind not in CONTRACT_KINDS or r.kind not in CONTRACT_KINDS:
        return True
    a, b = CONTRACT_BITS.get(o.contract_type or "", 0), CONTRACT_BITS.get(r.contract_type or "", 0)
    return not a or not b or bool(a & b)


def _group_size_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return o.max_group_size is None or r.group_size is None or r.group_size <= o.max_group_size


def _sbb_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    # Recognition means a leerbedrijf number; for at least one of the request's crebo codes when
    # it lists any (the self-declared ``sbb_recognised`` does not count).
    if not r.sbb_required:
        return True
    return bool(o.sbb_number) and (not r.crebo or bool(r.crebo & o.sbb_crebo))


def _capacity_pair(o: Offer, r: Request, ctx: PairContext) -> bool:
    return 1 <= ctx.slots <= min(o.capacity_left, r.slots_left)


# --- the vectorised forms (off, req: broadcasting column views; ctx: the Problem) ----------------


def _any_common(a: np.ndarray, b: np.ndarray) -> Any:
    """Masks share a bit, for word-first mask views that broadcast."""
    out = (a[0] & b[0]) != 0
    for w in range(1, a.shape[0]):
        out = out | ((a[w] & b[w]) != 0)
    return out


def _kind_vector(off: Any, req: Any, ctx: Any) -> Any:
    return off.kind == req.kind


def _levels_vector(off: Any, req: Any, ctx: Any) -> Any:
    return _any_common(off.levels, req.levels)


def _subjects_vector(off: Any, req: Any, ctx: Any) -> Any:
    r_any = req.n_subjects == 0
    if np.all(r_any):
        return np.True_
    return _any_common(off.subjects, req.subjects) | (off.n_subjects == 0) | r_any


def distance_holds_many(off: Any, req: Any, ctx: Any) -> Any:
    limit = np.minimum(off.limit, req.limit)
    limit = np.where(np.isinf(limit), DEFAULT_MAX_TRAVEL_KM, limit)
    km = haversine_arrays(off.lat, off.lon, req.lat, req.lon)
    return (off.online & req.online) | (km <= limit)


def _dates_vector(off: Any, req: Any, ctx: Any) -> Any:
    # first_weekday(max(a, b)) == max(first_weekday(a), first_weekday(b)) (it is monotone), so the
    # first shared weekday from tomorrow on is the later of the two sides' first days; a side
    # without any weekday left has first = max int (build_problem), which no end reaches.
    return (off.first <= req.until) & (req.first <= off.until)


def _status_vector(off: Any, req: Any, ctx: Any) -> Any:
    return off.is_open & req.is_open


def _verified_vector(off: Any, req: Any, ctx: Any) -> Any:
    return off.verified & req.verified


def _history_vector(code: str) -> Callable[[Any, Any, Any], Any]:
    bit = EXCLUSION_BITS[code]

    def holds(off: Any, req: Any, ctx: Problem) -> Any:
        return (ctx.exclusion_bits(off.idx, req.idx) & bit) == 0

    return holds


def _crebo_vector(off: Any, req: Any, ctx: Any) -> Any:
    # Masks are empty for kinds other than internships (build_problem), so "applies" is both set.
    if not (np.any(req.has_crebo) and np.any(off.has_crebo)):
        return np.True_
    return _any_common(off.crebo, req.crebo) | ~off.has_crebo | ~req.has_crebo


def _vog_vector(off: Any, req: Any, ctx: Any) -> Any:
    if not np.any(req.vog_required):
        return np.True_
    valid = (off.vog_from <= req.vog_day) & (req.vog_day <= off.vog_until)
    return valid | ~req.vog_required


def _contract_vector(off: Any, req: Any, ctx: Any) -> Any:
    # Contract bits are 0 for kinds other than internships (build_problem).
    if not (np.any(req.contract) and np.any(off.contract)):
        return np.True_
    return (off.contract == 0) | (req.contract == 0) | ((off.contract & req.contract) != 0)


_NO_GROUP = np.iinfo(np.int64).min


def _group_size_vector(off: Any, req: Any, ctx: Any) -> Any:
    # Not stated: the offer's largest group is max int, the request's group min int (build_problem).
    if not np.any(req.group != _NO_GROUP):
        return np.True_
    return req.group <= off.group


def _sbb_vector(off: Any, req: Any, ctx: Any) -> Any:
    # A request's sbb_crebo mask is empty unless it requires recognition (build_problem).
    if not np.any(req.sbb_required):
        return np.True_
    covered = _any_common(off.sbb_crebo, req.sbb_crebo) | ~req.has_sbb_crebo
    return (off.sbb & covered) | ~req.sbb_required


def _capacity_vector(off: Any, req: Any, ctx: Any) -> Any:
    return (off.capacity > 0) & (req.capacity > 0)


RULES: tuple[Rule, ...] = (
    Rule("kind", False, _kind_pair, _kind_vector),
    Rule("levels", False, _levels_pair, _levels_vector),
    Rule("subjects", True, _subjects_pair, _subjects_vector, dense=True),
    Rule("distance", True, _distance_pair, distance_holds_many),
    # Overridable for the windows only: a coordinator never proposes a day in the past
    # (see ``dates_override_allowed``).
    Rule("dates", True, _dates_pair, _dates_vector, dense=True),
    Rule("status", False, _status_pair, _status_vector),
    Rule("verified", False, _verified_pair, _verified_vector),
    Rule("declined", False, _history_pair("declined"), _history_vector("declined")),
    Rule("blocked", False, _history_pair("blocked"), _history_vector("blocked")),
    Rule("live", False, _history_pair("live"), _history_vector("live")),
    Rule("crebo", False, _crebo_pair, _crebo_vector, dense=True),
    Rule("vog", False, _vog_pair, _vog_vector, dense=True),
    Rule("contract_type", False, _contract_pair, _contract_vector, dense=True),
    Rule("group_size", False, _group_size_pair, _group_size_vector, dense=True),
    Rule("sbb", False, _sbb_pair, _sbb_vector, dense=True),
    Rule("capacity", False, _capacity_pair, _capacity_vector),
)
RULE_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
CODES: tuple[str, ...] = tuple(RULE_BY_CODE)
OVERRIDABLE: frozenset[str] = frozenset(rule.code for rule in RULES if rule.overridable)
# Dates first: always a full block, the others may answer "holds everywhere" (np.True_).
DENSE_RULES: tuple[Rule, ...] = tuple(
    sorted((rule for rule in RULES if rule.dense), key=lambda rule: rule.code != "dates")
)


def dates_override_allowed(offer: Offer, request: Request, today: date) -> bool:
    """A coordinator may override the windows, never the past: both windows still hold a
    weekday from tomorrow on."""
    return all(
        first_day_from(start, today) <= end
        for start, end in (
            (offer.available_from, offer.available_until),
            (request.wanted_from, request.wanted_until),
        )
    )


def broken_rules(
    offer: Offer,
    request: Request,
    *,
    today: date,
    excluded: Container[tuple[str, str]] | Mapping[tuple[str, str], Any] = frozenset(),
    slots: int = 1,
) -> list[str]:
    """Codes of the rules the pair breaks, in table order (empty list = feasible).

    ``excluded`` is a mapping pair → codes among ``declined``/``blocked``/``live`` (or a plain
    container of pairs, read as "blocked"). ``slots`` is what would be committed.
    """
    pair = (offer.id, request.id)
    if isinstance(excluded, Mapping):
        history = (
            exclusion_codes({pair: excluded[pair]}).get(pair, frozenset())
            if pair in excluded
            else frozenset()
        )
    else:
        history = frozenset({"blocked"}) if pair in excluded else frozenset()
    ctx = PairContext(today=today, excluded=history, slots=slots)
    return [rule.code for rule in RULES if not rule.pair(offer, request, ctx)]


def is_feasible(
    offer: Offer,
    request: Request,
    *,
    today: date,
    excluded: Container[tuple[str, str]] | Mapping[tuple[str, str], Any] = frozenset(),
) -> bool:
    """True when the pair breaks no rule (a matcher candidate: one slot free on both sides)."""
    return not broken_rules(offer, request, today=today, excluded=excluded)


def broken_many(problem: Problem, oi: np.ndarray, ri: np.ndarray) -> dict[str, np.ndarray]:
    """The vectorised form on aligned pair lists: code → bool array, True where the rule breaks."""
    oi, ri = np.asarray(oi, dtype=np.int64), np.asarray(ri, dtype=np.int64)
    off, req = offer_columns(problem, oi), request_columns(problem, ri)
    return {
        rule.code: ~np.broadcast_to(np.asarray(rule.vector(off, req, problem), dtype=bool), oi.shape)
        for rule in RULES
    }
