"""Top-k pruning of the candidate pairs (``k`` in :func:`~matching.engine.candidates.generate_candidates`).

Each dense block keeps every request's ``pool`` best pairs by quality (a per-row score
histogram); at the end a request keeps its ``k_quality`` best plus the ``k - k_quality`` least
contended offers of its pool (:func:`select_pairs`). The figures behind these choices are in
bench/README.md.
"""

from __future__ import annotations

import threading

import numpy as np

from .blocks import Side, dense_block
from .problem import Problem


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


class Collector:
    """Accumulates scored pairs, pruned per block to each request's ``pool`` best (thread-safe)."""

    def __init__(self, problem: Problem, pool: int | None) -> None:
        self.problem = problem
        self.pool = pool
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.feasible = 0
        self.raw = 0
        self.lock = threading.Lock()

    def add_block(
        self, problem: Problem, kind: str, req: Side, off: Side, *, spatial: bool, unlimited_rows: int
    ) -> None:
        rl, ol, dist, score = dense_block(
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
        return tuple(c[select_pairs(self.problem, cols[0], cols[1], cols[2], k, k_quality)] for c in cols)


def select_pairs(
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
