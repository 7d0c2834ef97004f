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
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .blocks import Side, offer_side, request_side, run_blocks
from .items import DEFAULT_MAX_TRAVEL_KM, EARTH_RADIUS_KM
from .problem import Problem
from .pruning import Collector

# Chosen by measurement on generated regional data against the unpruned optimum (bench/README.md).
DEFAULT_K = 14
DEFAULT_K_QUALITY = 8
DEFAULT_POOL = 48
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
# Offers sit in fine grid cells (tight windows); requests are processed in coarser blocks so each
# dense block is big enough to amortise numpy's per-call overhead. Measured on generated data.
CELL_KM = 4.0
REQUEST_BLOCK_CELLS = 12


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


def _spatial_tasks(
    problem: Problem, kind: str, req: Side, off: Side, out: Collector
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
        tasks.append(functools.partial(run_blocks, problem, kind, block, off, window, out, spatial=True))
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
    out = Collector(problem, None if k is None else max(pool, k))
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
        off = offer_side(problem, o_idx)
        req = request_side(problem, r_idx)
        tasks.extend(_spatial_tasks(problem, kind, req, off, out))
        online_req = req.take(np.flatnonzero(req.online))
        tasks.append(
            functools.partial(
                run_blocks, problem, kind, online_req, off, np.flatnonzero(off.online), out, spatial=False
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
