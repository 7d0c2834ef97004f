"""Vectorised candidate generation: every feasible (offer, request) pair, scored, optionally pruned.

Never enumerates offers × requests. Per kind:

* **Spatial pass** (pairs that do *not* run online): offers sit in a lat/lon grid, sorted by
  cell so that one row of cells is one contiguous slice. Requests are processed per cell and,
  within a cell, per distinct level mask. For such a block the candidate offers are the grid
  window that can lie within the block's largest search radius (a rigorous haversine bound in
  degrees, so no pair is missed), filtered once by the level mask, and then checked against the
  block's requests as a dense 2-D numpy broadcast (dates, subjects, a float32 chord-distance
  pre-filter, online skip, crebo, VOG). The survivors get the exact float64 haversine check, the
  exclusion check and a score.
* **Online pass**: online offers × online-ok requests (rule 4 skipped), same blocks, no grid.

Pruning (``k``): blocks keep each request's ``pool`` best pairs by quality; from that pool a
request keeps its ``k_quality`` best plus the ``k - k_quality`` *least contended* offers
(fewest requests per unit of capacity holding them in their pool). Pruning by quality alone
makes every request queue for the same popular offers and loses slots when offers are scarce
(on a scarce region, top-24 by quality kept 99.3 % of the optimal slots; 8 best + 6 least
contended out of a pool of 48 kept 99.8 % with fewer arcs; bench/README.md). ``k=None`` returns every feasible pair (the exact,
unpruned problem).
"""

from __future__ import annotations

import functools
import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np

from .problem import DEFAULT_MAX_TRAVEL_KM, EARTH_RADIUS_KM, Problem
from .rules import DENSE_RULES, haversine_arrays
from .scoring import combine_fast

# Chosen by measurement on generated regional data against the unpruned optimum (bench/README.md).
DEFAULT_K = 14
DEFAULT_K_QUALITY = 8
DEFAULT_POOL = 48
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
# Offers sit in fine grid cells (tight windows); requests are processed in coarser blocks so each
# dense block is big enough to amortise numpy's per-call overhead. Measured on generated data.
CELL_KM = 4.0
REQUEST_BLOCK_CELLS = 12
MAX_BLOCK_PAIRS = 1 << 21


@dataclass(slots=True)
class Candidates:
    """Scored candidate pairs, sorted by (request, descending score).

    ``distance_km`` is the great-circle distance of pairs checked by distance (within a few
    metres of the haversine value; exact where it decides feasibility) and NaN for pairs that
    run online (rule 4 skipped, ``online`` true). ``feasible_pairs`` counts every feasible pair
    before pruning; ``raw_pairs`` the pairs examined in dense blocks (a cost figure).
    """

    offer: np.ndarray  # int32 offer indices into Problem.offers
    request: np.ndarray  # int32 request indices into Problem.requests
    score: np.ndarray  # float32 quality in [0, 1] (within ~1e-5 of scoring.score_pair)
    distance_km: np.ndarray  # float32
    online: np.ndarray  # bool
    feasible_pairs: int = 0
    raw_pairs: int = 0
    seconds: float = 0.0

    def __len__(self) -> int:
        return int(self.offer.size)


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
class _Side:
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

    def take(self, sel: np.ndarray) -> _Side:
        return _Side(
            *(v[:, sel] if v.ndim == 2 else v[sel] for v in (getattr(self, n) for n in _SIDE_FIELDS))
        )


_SIDE_FIELDS = tuple(f.name for f in fields(_Side))


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
) -> _Side:
    lv, sj, cr, sc = (np.ascontiguousarray(m[idx].T) for m in (levels, subjects, crebo, sbb_crebo))
    lim = limit[idx]
    n_levels, n_subjects = _common(lv, lv), _common(sj, sj)
    days = until[idx].astype(np.int64) - frm[idx] + 1
    return _Side(
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


def _offer_side(p: Problem, idx: np.ndarray) -> _Side:
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


def _request_side(p: Problem, idx: np.ndarray) -> _Side:
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


def _top_rows(rows: np.ndarray, score: np.ndarray, n_rows: int, keep: int) -> np.ndarray | None:
    """Positions (ascending) of the ``keep`` best scores per row (``rows`` sorted); None = keep all.

    Rows with more candidates are laid out in padded matrices (bounded in size) so one
    argpartition call selects for many rows at once (linear time, no sort).
    """
    counts = np.bincount(rows, minlength=n_rows)
    big = counts > keep
    if not big.any():
        return None
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    parts = [np.flatnonzero(~big[rows])]
    big_rows = np.flatnonzero(big)
    # Group big rows by similar length so padding stays small and each matrix stays bounded.
    big_rows = big_rows[np.argsort(counts[big_rows], kind="stable")]
    widths = counts[big_rows]
    lo = 0
    while lo < big_rows.size:
        # Widest prefix of the remaining (ascending) rows whose padded matrix fits the budget.
        fits = widths[lo:] * np.arange(1, big_rows.size - lo + 1) <= _MATRIX_CELLS
        hi = lo + max(1, int(np.argmin(fits)) if not fits.all() else fits.size)
        chunk = big_rows[lo:hi]
        width = int(widths[hi - 1])
        offsets = np.arange(width)
        pos = starts[chunk][:, None] + offsets[None, :]
        valid = offsets[None, :] < counts[chunk][:, None]
        matrix = np.where(valid, score[np.minimum(pos, rows.size - 1)], -np.inf)
        best = np.argpartition(matrix, width - keep, axis=1)[:, width - keep :]
        parts.append(np.take_along_axis(pos, best, axis=1).ravel())
        lo = hi
    return np.sort(np.concatenate(parts))


_MATRIX_CELLS = 1 << 22


_POOL_BINS = 256


def _pool_rows(rows: np.ndarray, score: np.ndarray, n_rows: int, keep: int) -> np.ndarray | None:
    """Positions of (at least) the ``keep`` best scores per row, by a per-row score histogram.

    Linear time with a small constant (one bincount and a cumulative sum); pairs tied in the
    threshold bin (1/256 wide) are all kept, so a row may keep a few more than ``keep``. Used
    for the intermediate pool only; the final selection is exact.
    """
    counts = np.bincount(rows, minlength=n_rows)
    big_rows = np.flatnonzero(counts > keep)
    if big_rows.size == 0:
        return None
    slot = np.full(n_rows, -1, dtype=np.int64)
    slot[big_rows] = np.arange(big_rows.size)
    bins = np.minimum((score * _POOL_BINS).astype(np.int64), _POOL_BINS - 1)
    row_slot = slot[rows]
    in_big = row_slot >= 0
    hist = np.bincount(row_slot[in_big] * _POOL_BINS + bins[in_big], minlength=big_rows.size * _POOL_BINS)
    # Count of pairs in this bin or higher, per row; the threshold is the highest bin reaching `keep`.
    from_top = np.cumsum(hist.reshape(big_rows.size, _POOL_BINS)[:, ::-1], axis=1)
    threshold = _POOL_BINS - 1 - np.argmax(from_top >= keep, axis=1)
    row_threshold = np.full(n_rows, -1, dtype=np.int64)
    row_threshold[big_rows] = threshold
    sel = np.flatnonzero(bins >= row_threshold[rows])
    # Many equal scores (e.g. online offers with the same fit) can flood the threshold bin:
    # rows that kept far more than asked get an exact selection.
    kept = np.bincount(rows[sel], minlength=n_rows)
    if kept.max() > 2 * keep:
        exact = _top_rows(rows[sel], score[sel], n_rows, keep)
        if exact is not None:
            sel = sel[exact]
    return sel


def _dense_block(
    problem: Problem, kind: str, req: _Side, off: _Side, *, spatial: bool, unlimited_rows: int
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

    def __init__(self, side: _Side, *, rows: bool) -> None:
        self.side, self.rows = side, rows

    def __getattr__(self, name: str) -> np.ndarray:
        a = getattr(self.side, name)
        if a.ndim == 2:  # masks, words first
            return a[:, :, None] if self.rows else a[:, None, :]
        return a[:, None] if self.rows else a[None, :]


class _Collector:
    """Accumulates scored pairs, pruned per block to each request's ``pool`` best (thread-safe)."""

    def __init__(self, problem: Problem, pool: int | None) -> None:
        self.problem = problem
        self.pool = pool
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.feasible = 0
        self.raw = 0
        self.lock = threading.Lock()

    def add_block(
        self, problem: Problem, kind: str, req: _Side, off: _Side, *, spatial: bool, unlimited_rows: int
    ) -> None:
        rl, ol, dist, score = _dense_block(
            problem, kind, req, off, spatial=spatial, unlimited_rows=unlimited_rows
        )
        n_feasible = int(rl.size)
        if self.pool is not None and rl.size:
            sel = _pool_rows(rl, score, req.idx.size, self.pool)
            if sel is not None:
                rl, ol, dist, score = rl[sel], ol[sel], dist[sel], score[sel]
        part = (
            off.idx[ol].astype(np.int32),
            req.idx[rl].astype(np.int32),
            score,
            dist,
            np.full(rl.size, not spatial),
        )
        with self.lock:
            self.raw += req.idx.size * off.idx.size
            self.feasible += n_feasible
            if rl.size:
                self.parts.append(part)

    def result(self, k: int | None, k_quality: int) -> tuple[np.ndarray, ...]:
        if not self.parts:
            empty = np.empty(0, dtype=np.int32)
            return empty, empty, np.empty(0), np.empty(0), np.empty(0, dtype=bool)
        cols = tuple(np.concatenate([p[i] for p in self.parts]) for i in range(5))
        self.parts = []
        # Sort by request, best first; also the layout _top_rows needs.
        order = np.argsort(cols[1] * 2.0 - cols[2], kind="stable")
        cols = tuple(c[order] for c in cols)
        if k is None or self.pool is None:
            return cols
        n_req = self.problem.n_requests
        # A request's spatial and online candidates come from different blocks: prune again.
        sel = _top_rows(cols[1], cols[2], n_req, self.pool)
        if sel is not None:
            cols = tuple(c[sel] for c in cols)
        return tuple(c[_select(self.problem, cols[0], cols[1], cols[2], k, k_quality)] for c in cols)


def _select(
    problem: Problem, oi: np.ndarray, ri: np.ndarray, score: np.ndarray, k: int, k_quality: int
) -> np.ndarray:
    """Positions (ascending) of each request's ``k_quality`` best pairs plus ``k - k_quality`` least contended.

    Contention of an offer = how many requests hold it in their pool per unit of capacity. Pools
    sorted by quality alone make everyone queue for the same popular offers; the least contended
    alternatives are what fills the remaining slots in the exact optimum (measured: bench/README.md).
    """
    n_req = problem.n_requests
    starts = np.searchsorted(ri, np.arange(n_req + 1))
    rank = np.arange(ri.size) - starts[ri]
    keep = rank < k_quality
    k_contention = k - k_quality
    if k_contention > 0:
        demand = np.bincount(oi, minlength=problem.n_offers)
        contention = demand[oi] / np.maximum(problem.o_capacity[oi], 1)
        # Least contended first; quality only breaks ties (scores are < 1, contention steps ≥ 1/cap).
        key = -contention + 1e-3 * score
        rest = np.flatnonzero(~keep)
        if rest.size:
            sel = _top_rows(ri[rest], key[rest], n_req, k_contention)
            keep[rest if sel is None else rest[sel]] = True
    return np.flatnonzero(keep)


def _level_groups(req: _Side) -> list[np.ndarray]:
    """Positions of ``req`` rows grouped by identical level mask, unlimited distance first."""
    _, inverse = np.unique(req.levels, axis=1, return_inverse=True)
    inverse = inverse.ravel()
    order = np.lexsort((np.isfinite(req.limit), inverse))
    bounds = np.flatnonzero(np.diff(inverse[order])) + 1
    return np.split(order, bounds)


def _run_blocks(
    problem: Problem, kind: str, req: _Side, off: _Side, window: np.ndarray, out: _Collector, *, spatial: bool
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


def _spatial_tasks(
    problem: Problem, kind: str, req: _Side, off: _Side, out: _Collector
) -> list[Callable[[], None]]:
    """One task per request block: its grid window of offers, checked densely."""
    tasks: list[Callable[[], None]] = []
    if req.idx.size == 0 or off.idx.size == 0:
        return tasks
    lat_all = np.concatenate([req.lat, off.lat])
    lon_all = np.concatenate([req.lon, off.lon])
    lat0, lon0 = float(lat_all.min()), float(lon_all.min())
    phi_max = math.radians(min(89.9, float(np.abs(lat_all).max())))
    dlat = math.degrees(CELL_KM / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(phi_max), 0.05)
    # Keep the grid bounded for data spread over a large area (tests, odd inputs).
    span_lat, span_lon = float(lat_all.max()) - lat0, float(lon_all.max()) - lon0
    while (span_lat / dlat + 1) * (span_lon / dlon + 1) > 4_000_000:
        dlat, dlon = dlat * 2, dlon * 2
    nrows, ncols = int(span_lat / dlat) + 1, int(span_lon / dlon) + 1

    def cell_key(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        row = np.minimum(((lat - lat0) / dlat).astype(np.int64), nrows - 1)
        col = np.minimum(((lon - lon0) / dlon).astype(np.int64), ncols - 1)
        return row * ncols + col

    o_key = cell_key(off.lat, off.lon)
    o_order = np.argsort(o_key, kind="stable")
    off = off.take(o_order)
    starts = np.searchsorted(o_key[o_order], np.arange(nrows * ncols + 1))

    # Search radius of each request: the largest limit any pair with it could have.
    o_lim = off.limit
    finite = np.isfinite(o_lim)
    o_max_lim = float(np.max(np.where(finite, o_lim, DEFAULT_MAX_TRAVEL_KM)))
    cap = math.inf if not finite.all() else float(o_lim.max())
    radius = np.where(np.isfinite(req.limit), np.minimum(req.limit, cap), o_max_lim)

    r_row = np.minimum(((req.lat - lat0) / dlat).astype(np.int64), nrows - 1) // REQUEST_BLOCK_CELLS
    r_col = np.minimum(((req.lon - lon0) / dlon).astype(np.int64), ncols - 1) // REQUEST_BLOCK_CELLS
    r_key = r_row * ncols + r_col
    r_order = np.argsort(r_key, kind="stable")
    bounds = np.flatnonzero(np.diff(r_key[r_order])) + 1
    cos_phi = math.cos(phi_max)
    for members in np.split(r_order, bounds):
        block = req.take(members)
        # A tiny relative margin keeps the window conservative against rounding.
        reach = float(radius[members].max()) * 1.0001 + 1e-3
        dlat_w = math.degrees(reach / EARTH_RADIUS_KM)
        lat_lo, lat_hi = float(block.lat.min()) - dlat_w, float(block.lat.max()) + dlat_w
        # Points at latitudes ≤ phi_max that are within `reach` differ in longitude by at most
        # 2·asin(sin(reach/2R) / cos(phi_max)) (from the haversine formula).
        s = math.sin(min(reach / (2 * EARTH_RADIUS_KM), math.pi / 2)) / max(cos_phi, 1e-12)
        c0, c1 = 0, ncols - 1
        if s < 1.0:
            dlon_w = math.degrees(2 * math.asin(s))
            lon_lo, lon_hi = float(block.lon.min()) - dlon_w, float(block.lon.max()) + dlon_w
            # Windows that wrap the antimeridian take every column (not a Dutch concern).
            if lon_lo >= -180.0 and lon_hi <= 180.0:
                c0 = max(0, math.floor((lon_lo - lon0) / dlon))
                c1 = min(ncols - 1, math.floor((lon_hi - lon0) / dlon))
        r0 = max(0, math.floor((lat_lo - lat0) / dlat))
        r1 = min(nrows - 1, math.floor((lat_hi - lat0) / dlat))
        if r0 > r1 or c0 > c1:
            continue
        row_ids = np.arange(r0, r1 + 1) * ncols
        lo, hi = starts[row_ids + c0], starts[row_ids + c1 + 1]
        lengths = hi - lo
        total = int(lengths.sum())
        if total == 0:
            continue
        # Concatenate the per-row contiguous slices without a Python loop.
        window = np.repeat(lo - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(total)
        tasks.append(functools.partial(_run_blocks, problem, kind, block, off, window, out, spatial=True))
    return tasks


def generate_candidates(
    problem: Problem,
    *,
    k: int | None = DEFAULT_K,
    k_quality: int = DEFAULT_K_QUALITY,
    pool: int = DEFAULT_POOL,
    workers: int = DEFAULT_WORKERS,
) -> Candidates:
    """Feasible pairs of ``problem``: all of them (``k=None``) or ``k`` per request (module docstring).

    ``workers`` threads share the dense blocks (numpy releases the GIL in the heavy kernels).
    """
    started = time.perf_counter()
    out = _Collector(problem, None if k is None else max(pool, k))
    tasks: list[Callable[[], None]] = []
    for code, kind in enumerate(problem.kinds):
        # Rules status, verified and capacity, applied to the rows before pairing.
        o_idx = np.flatnonzero(
            (problem.o_kind == code) & (problem.o_capacity > 0) & problem.o_open & problem.o_verified
        )
        r_idx = np.flatnonzero(
            (problem.r_kind == code) & (problem.r_slots > 0) & problem.r_open & problem.r_verified
        )
        if o_idx.size == 0 or r_idx.size == 0:
            continue
        off = _offer_side(problem, o_idx)
        req = _request_side(problem, r_idx)
        tasks.extend(_spatial_tasks(problem, kind, req, off, out))
        online_req = req.take(np.flatnonzero(req.online))
        tasks.append(
            functools.partial(
                _run_blocks, problem, kind, online_req, off, np.flatnonzero(off.online), out, spatial=False
            )
        )
    if workers > 1 and len(tasks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool_:
            for future in [pool_.submit(task) for task in tasks]:
                future.result()
    else:
        for task in tasks:
            task()
    oi, ri, score, dist, online = out.result(k, min(k_quality, k or 0))
    return Candidates(
        offer=oi,
        request=ri,
        score=score,
        distance_km=dist,
        online=online,
        feasible_pairs=out.feasible,
        raw_pairs=out.raw,
        seconds=time.perf_counter() - started,
    )
