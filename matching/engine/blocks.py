"""Dense blocks of the candidate generator: one kind's requests against a window of offers.

A block's requests share a level mask; its offers are the grid window they can reach (or the
online offers). The rule book's dense rules are applied to the whole (requests × offers) block
at once through their vectorised form, then the float32 chord pre-filter and the exact
haversine near a limit, the exclusion keys and the score (``candidates.py`` has the overview).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Protocol

import numpy as np

from .items import DEFAULT_MAX_TRAVEL_KM, EARTH_RADIUS_KM
from .problem import Problem
from .rules import DENSE_RULES, haversine_arrays
from .scoring import combine_fast

# Largest block (requests × offers) checked at once: bounds the memory of the dense arrays.
MAX_BLOCK_PAIRS = 1 << 21


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    p, l_ = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(p) * np.cos(l_), np.cos(p) * np.sin(l_), np.sin(p)]).astype(np.float32)


def _chord2(km: np.ndarray | float) -> np.ndarray:
    """Squared chord length on the unit sphere of a great-circle distance."""
    return (2.0 * np.sin(np.minimum(np.asarray(km, dtype=np.float64) / EARTH_RADIUS_KM, math.pi) / 2.0)) ** 2


_UNLIMITED = np.float32(16.0)  # larger than any squared chord (max 4)
_DEFAULT_CHORD2 = float(_chord2(DEFAULT_MAX_TRAVEL_KM))
# The float32 chord pre-filter is made generous (0.1 % + 1e-9) so that it never drops a feasible
# pair; the float64 distance (exact haversine near the limit) decides.
_REL_SLACK, _ABS_SLACK = 1e-3, 1e-9
_EXACT_BAND_KM = 0.005  # float32 chord distances are good to ~1 m; re-check this close to a limit


def _slack_threshold(limit_km: np.ndarray, *, default: float | None) -> np.ndarray:
    c2 = _chord2(np.where(np.isfinite(limit_km), limit_km, 0.0)) * (1 + _REL_SLACK) + _ABS_SLACK
    fill = _UNLIMITED if default is None else default * (1 + _REL_SLACK) + _ABS_SLACK
    return np.where(np.isfinite(limit_km), c2, fill).astype(np.float32)


def _overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense (a rows, b rows) "masks share a bit" for (words, n) mask arrays."""
    out = (a[0][:, None] & b[0][None, :]) != 0
    for w in range(1, a.shape[0]):
        out |= (a[w][:, None] & b[w][None, :]) != 0
    return out


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Shared bits per pair of (words, n) mask columns."""
    out = np.bitwise_count(a[0] & b[0]).astype(np.int32)
    for w in range(1, a.shape[0]):
        out += np.bitwise_count(a[w] & b[w])
    return out


@dataclass(slots=True)
class Side:
    """Columns of one kind's offers or requests used by the dense checks (masks as (words, n))."""

    idx: np.ndarray
    levels: np.ndarray
    n_levels: np.ndarray
    subjects: np.ndarray
    n_subjects: np.ndarray
    crebo: np.ndarray
    has_crebo: np.ndarray
    frm: np.ndarray
    until: np.ndarray
    limit: np.ndarray  # km, inf = none
    thr: np.ndarray  # float32 squared chord of the limit, with slack (_UNLIMITED = none)
    thr_default: np.ndarray  # offers: thr with "none" read as the 50 km default
    unit: np.ndarray  # (3, n) float32
    online: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    first: np.ndarray  # first weekday from tomorrow on inside the window (rules.dates)
    contract: np.ndarray  # BOL/BBL bits (rules.contract_type)
    vog_from: np.ndarray  # offers: VOG issued (ordinal); requests: unused
    vog_until: np.ndarray  # offers: last day the VOG is valid; requests: unused
    vog_required: np.ndarray  # requests: VOG required; offers: unused
    vog_day: np.ndarray  # requests: the day the VOG must be valid on (first wanted day)
    group: np.ndarray  # offers: largest group; requests: group size (rules.group_size)
    sbb: np.ndarray  # offers: states an SBB leerbedrijf number; requests: unused
    sbb_required: np.ndarray  # requests: SBB recognition required; offers: unused
    sbb_crebo: np.ndarray  # offers: recognised crebo codes; requests: codes to cover (rules.sbb)
    has_sbb_crebo: np.ndarray
    inv_levels: np.ndarray  # float32 1 / number of levels (requests' scoring)
    inv_subjects: np.ndarray  # float32 1 / number of subjects
    inv_days: np.ndarray  # float32 1 / days in the window

    def take(self, sel: np.ndarray) -> Side:
        return Side(*(v[:, sel] if v.ndim == 2 else v[sel] for v in (getattr(self, n) for n in _SIDE_FIELDS)))


_SIDE_FIELDS = tuple(f.name for f in fields(Side))


def _side(
    idx: np.ndarray,
    *,
    levels: np.ndarray,
    subjects: np.ndarray,
    crebo: np.ndarray,
    frm: np.ndarray,
    until: np.ndarray,
    limit: np.ndarray,
    online: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    first: np.ndarray,
    contract: np.ndarray,
    vog_from: np.ndarray,
    vog_until: np.ndarray,
    vog_required: np.ndarray,
    vog_day: np.ndarray,
    group: np.ndarray,
    sbb: np.ndarray,
    sbb_required: np.ndarray,
    sbb_crebo: np.ndarray,
) -> Side:
    lv, sj, cr, sc = (np.ascontiguousarray(m[idx].T) for m in (levels, subjects, crebo, sbb_crebo))
    lim = limit[idx]
    n_levels, n_subjects = _common(lv, lv), _common(sj, sj)
    days = until[idx].astype(np.int64) - frm[idx] + 1
    return Side(
        idx=idx,
        levels=lv,
        n_levels=n_levels,
        subjects=sj,
        n_subjects=n_subjects,
        crebo=cr,
        has_crebo=(cr != 0).any(axis=0),
        frm=frm[idx],
        until=until[idx],
        limit=lim,
        thr=_slack_threshold(lim, default=None),
        thr_default=_slack_threshold(lim, default=_DEFAULT_CHORD2),
        unit=_unit_vectors(lat[idx], lon[idx]),
        online=online[idx],
        lat=lat[idx],
        lon=lon[idx],
        first=first[idx],
        contract=contract[idx],
        vog_from=vog_from[idx],
        vog_until=vog_until[idx],
        vog_required=vog_required[idx],
        vog_day=vog_day[idx],
        group=group[idx],
        sbb=sbb[idx],
        sbb_required=sbb_required[idx],
        sbb_crebo=sc,
        has_sbb_crebo=(sc != 0).any(axis=0),
        inv_levels=(1.0 / np.maximum(n_levels, 1)).astype(np.float32),
        inv_subjects=(1.0 / np.maximum(n_subjects, 1)).astype(np.float32),
        inv_days=(1.0 / np.maximum(days, 1)).astype(np.float32),
    )


def offer_side(p: Problem, idx: np.ndarray) -> Side:
    return _side(
        idx,
        levels=p.o_levels,
        subjects=p.o_subjects,
        crebo=p.o_crebo,
        frm=p.o_from,
        until=p.o_until,
        limit=p.o_limit,
        online=p.o_online,
        lat=p.o_lat,
        lon=p.o_lon,
        first=p.o_first,
        contract=p.o_contract,
        vog_from=p.o_vog_from,
        vog_until=p.o_vog_until,
        vog_required=np.zeros(p.n_offers, dtype=bool),
        vog_day=p.o_from,
        group=p.o_group,
        sbb=p.o_sbb,
        sbb_required=np.zeros(p.n_offers, dtype=bool),
        sbb_crebo=p.o_sbb_crebo,
    )


def request_side(p: Problem, idx: np.ndarray) -> Side:
    return _side(
        idx,
        levels=p.r_levels,
        subjects=p.r_subjects,
        crebo=p.r_crebo,
        frm=p.r_from,
        until=p.r_until,
        limit=p.r_limit,
        online=p.r_online_ok,
        lat=p.r_lat,
        lon=p.r_lon,
        first=p.r_first,
        contract=p.r_contract,
        vog_from=p.r_from,
        vog_until=p.r_until,
        vog_required=p.r_vog_required,
        vog_day=p.r_from,
        group=p.r_group,
        sbb=np.zeros(p.n_requests, dtype=bool),
        sbb_required=p.r_sbb_required,
        sbb_crebo=p.r_sbb_crebo,
    )


def dense_block(
    problem: Problem, kind: str, req: Side, off: Side, *, spatial: bool, unlimited_rows: int
) -> tuple:
    """Feasible pairs of one dense block (one kind; levels already overlap).

    In the spatial pass the first ``unlimited_rows`` requests have no distance limit (the block
    is ordered that way), which saves a 2-D minimum for them.
    """
    # The table's dense rules (subjects, dates, crebo, VOG, BOL/BBL, group size, SBB) in their vectorised form.
    rows, cols = _Broadcast(req, rows=True), _Broadcast(off, rows=False)
    shape = (req.idx.size, off.idx.size)
    ok: np.ndarray | None = None
    for rule in DENSE_RULES:
        holds = rule.vector(cols, rows, problem)
        if holds is np.True_:  # the rule holds for the whole block
            continue
        if ok is None:  # a fresh array: take it (a copy only when it is not yet of full shape)
            ok = holds if holds.shape == shape else np.broadcast_to(holds, shape).copy()
        else:
            ok &= holds
    if ok is None:
        ok = np.ones(shape, dtype=bool)
    c2 = None
    if spatial:
        diff = np.subtract.outer(req.unit[0], off.unit[0])
        c2 = diff * diff
        for axis in (1, 2):
            np.subtract.outer(req.unit[axis], off.unit[axis], out=diff)
            diff *= diff
            c2 += diff
        a = unlimited_rows
        if a:
            ok[:a] &= c2[:a] <= off.thr_default[None, :]
        if a < req.idx.size:
            ok[a:] &= c2[a:] <= np.minimum(req.thr[a:, None], off.thr[None, :])
        if req.online.any() and off.online.any():
            ok &= ~(req.online[:, None] & off.online[None, :])  # those pairs belong to the online pass
    rl, ol = np.nonzero(ok)
    if spatial:
        assert c2 is not None
        dist = np.sqrt(c2[ok])
        dist = np.arcsin(dist * np.float32(0.5), out=dist)
        dist *= np.float32(2.0 * EARTH_RADIUS_KM)
        limit = np.minimum(req.limit[rl], off.limit[ol])
        limit[np.isinf(limit)] = DEFAULT_MAX_TRAVEL_KM
        near = np.flatnonzero(dist > limit - _EXACT_BAND_KM)
        if near.size:
            exact = haversine_arrays(
                req.lat[rl[near]], req.lon[rl[near]], off.lat[ol[near]], off.lon[ol[near]]
            )
            dist[near] = exact
            inside = np.ones(rl.size, dtype=bool)
            inside[near] = exact <= limit[near]
            rl, ol, dist = rl[inside], ol[inside], dist[inside]
    else:
        dist = np.full(rl.size, np.nan, dtype=np.float32)
    if problem.excluded_keys.size:
        keep = ~problem.is_excluded(off.idx[ol], req.idx[rl])
        rl, ol, dist = rl[keep], ol[keep], dist[keep]
    # rl is ascending: request columns expand with repeat (sequential) rather than a gather.
    per_row = np.bincount(rl, minlength=req.idx.size)

    def rep(a: np.ndarray) -> np.ndarray:
        return np.repeat(a, per_row, axis=a.ndim - 1)

    score = combine_fast(
        level_common=_common(rep(req.levels), off.levels[:, ol]),
        inv_request_levels=rep(req.inv_levels),
        subject_common=_common(rep(req.subjects), off.subjects[:, ol]),
        inv_request_subjects=rep(req.inv_subjects),
        any_subject=rep(req.n_subjects == 0) | (off.n_subjects[ol] == 0),
        online=not spatial,
        distance_km=dist,
        offer_from=off.frm[ol],
        offer_until=off.until[ol],
        request_from=rep(req.frm),
        request_until=rep(req.until),
        inv_request_days=rep(req.inv_days),
    )
    return rl, ol, dist, score


class _Broadcast:
    """A side's columns shaped for a dense block: requests are rows, offers are columns."""

    def __init__(self, side: Side, *, rows: bool) -> None:
        self.side, self.rows = side, rows

    def __getattr__(self, name: str) -> np.ndarray:
        a = getattr(self.side, name)
        if a.ndim == 2:  # masks, words first
            return a[:, :, None] if self.rows else a[:, None, :]
        return a[:, None] if self.rows else a[None, :]


class PairSink(Protocol):
    """Where :func:`run_blocks` hands each block (``pruning.Collector``)."""

    def add_block(
        self, problem: Problem, kind: str, req: Side, off: Side, *, spatial: bool, unlimited_rows: int
    ) -> None: ...


def _level_groups(req: Side) -> list[np.ndarray]:
    """Positions of ``req`` rows grouped by identical level mask, unlimited distance first."""
    _, inverse = np.unique(req.levels, axis=1, return_inverse=True)
    inverse = inverse.ravel()
    order = np.lexsort((np.isfinite(req.limit), inverse))
    bounds = np.flatnonzero(np.diff(inverse[order])) + 1
    return np.split(order, bounds)


def run_blocks(
    problem: Problem, kind: str, req: Side, off: Side, window: np.ndarray, out: PairSink, *, spatial: bool
) -> None:
    """Dense checks of requests ``req`` against offers ``off[window]``, per level-mask group, in chunks."""
    if window.size == 0 or req.idx.size == 0:
        return
    w_levels = off.levels[:, window]
    for group in _level_groups(req):
        sel = window[_overlap(req.levels[:, group[:1]], w_levels)[0]]
        if sel.size == 0:
            continue
        sub = off.take(sel)
        rows = max(1, MAX_BLOCK_PAIRS // sel.size)
        for start in range(0, group.size, rows):
            block = req.take(group[start : start + rows])
            unlimited = int(np.count_nonzero(np.isinf(block.limit)))
            out.add_block(problem, kind, block, sub, spatial=spatial, unlimited_rows=unlimited)
