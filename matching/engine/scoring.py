"""Quality of a feasible pair, in [0, 1], and the explanation both sides see (DESIGN §3, §4 (c)).

quality = 0.35 subjects + 0.20 levels + 0.30 distance + 0.15 dates, each component in [0, 1]:

* subjects: "any" on either side = 0.7 (neutral-good); otherwise 0.5 + 0.5 × the share of the
  request's subjects that the offer covers (so a partial explicit match beats nothing, a full
  one beats "any");
* levels: share of the request's levels the offer covers;
* distance: 1 / (1 + km / 20) (0 km = 1, 20 km = 0.5, 50 km ≈ 0.29); a pair that runs online
  scores a flat 0.8 — good, but a company around the corner is better;
* dates: half how much of the request's window the offer covers, half how early in that window
  the overlap starts (the earlier the sooner pupils get their activity).

The vectorised :func:`score_arrays` (candidate generation) and the scalar :func:`score_pair`
(reference, tests) compute the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .problem import Offer, Problem, Request
from .rules import haversine_km, is_online_pair

W_SUBJECTS = 0.35
W_LEVELS = 0.20
W_DISTANCE = 0.30
W_DATES = 0.15
SUBJECT_ANY_FIT = 0.7
ONLINE_DISTANCE_FIT = 0.8
DISTANCE_HALF_KM = 20.0

FIRST_ACTIVITY_TEXT = "first activity for this school this year"


def _popcount(masks: np.ndarray) -> np.ndarray:
    """Bits set per row of a ``(n, words)`` mask array."""
    return np.bitwise_count(masks).sum(axis=1, dtype=np.int32)


def combine(
    *,
    level_common: np.ndarray,
    request_levels: np.ndarray,
    subject_common: np.ndarray,
    request_subjects: np.ndarray,
    offer_subjects: np.ndarray,
    online: np.ndarray,
    distance_km: np.ndarray,
    offer_from: np.ndarray,
    offer_until: np.ndarray,
    request_from: np.ndarray,
    request_until: np.ndarray,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The quality formula on arrays of counts and ordinals (shared by all vectorised callers)."""
    level_fit = level_common / np.maximum(request_levels, 1)
    any_side = (request_subjects == 0) | (offer_subjects == 0)
    subject_fit = np.where(
        any_side, SUBJECT_ANY_FIT, 0.5 + 0.5 * subject_common / np.maximum(request_subjects, 1)
    )
    distance_fit = np.where(
        online, ONLINE_DISTANCE_FIT, 1.0 / (1.0 + np.nan_to_num(distance_km) / DISTANCE_HALF_KM)
    )
    start = np.maximum(offer_from, request_from)
    end = np.minimum(offer_until, request_until)
    length = (request_until - request_from + 1).astype(np.float64)
    date_fit = 0.5 * (end - start + 1) / length + 0.5 * (1.0 - (start - request_from) / length)
    score = W_SUBJECTS * subject_fit + W_LEVELS * level_fit + W_DISTANCE * distance_fit + W_DATES * date_fit
    return score, {"subjects": subject_fit, "levels": level_fit, "distance": distance_fit, "dates": date_fit}


def score_arrays(
    problem: Problem, oi: np.ndarray, ri: np.ndarray, distance_km: np.ndarray, online: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Quality (float64) and components of the pairs (offer ``oi[k]``, request ``ri[k]``).

    ``distance_km`` is ignored where ``online`` is true.
    """
    ol, rl = problem.o_levels[oi], problem.r_levels[ri]
    os_, rs = problem.o_subjects[oi], problem.r_subjects[ri]
    return combine(
        level_common=_popcount(ol & rl),
        request_levels=_popcount(rl),
        subject_common=_popcount(os_ & rs),
        request_subjects=_popcount(rs),
        offer_subjects=_popcount(os_),
        online=online,
        distance_km=distance_km,
        offer_from=problem.o_from[oi],
        offer_until=problem.o_until[oi],
        request_from=problem.r_from[ri],
        request_until=problem.r_until[ri],
    )


def score_pair(offer: Offer, request: Request) -> tuple[float, dict[str, float]]:
    """Scalar reference of :func:`score_arrays` for one feasible pair: (quality, components)."""
    level_fit = len(offer.levels & request.levels) / max(len(request.levels), 1)
    if not offer.subjects or not request.subjects:
        subject_fit = SUBJECT_ANY_FIT
    else:
        subject_fit = 0.5 + 0.5 * len(offer.subjects & request.subjects) / len(request.subjects)
    if is_online_pair(offer, request):
        distance_fit = ONLINE_DISTANCE_FIT
    else:
        km = haversine_km(offer.lat, offer.lon, request.lat, request.lon)
        distance_fit = 1.0 / (1.0 + km / DISTANCE_HALF_KM)
    start = max(offer.available_from, request.wanted_from)
    end = min(offer.available_until, request.wanted_until)
    length = (request.wanted_until - request.wanted_from).days + 1
    date_fit = 0.5 * ((end - start).days + 1) / length + 0.5 * (
        1.0 - (start - request.wanted_from).days / length
    )
    score = W_SUBJECTS * subject_fit + W_LEVELS * level_fit + W_DISTANCE * distance_fit + W_DATES * date_fit
    return score, {"subjects": subject_fit, "levels": level_fit, "distance": distance_fit, "dates": date_fit}


def explain(
    offer: Offer, request: Request, *, school_reached: bool, score: float | None = None
) -> dict[str, Any]:
    """JSON-able explanation of why this pair was proposed (stored on the match).

    ``fairness`` is true when the school had no activity this school year before this run (the
    reach priority, DESIGN §4 (a), favoured it); ``fairness_text`` is the untranslated reason.
    """
    quality, comps = score_pair(offer, request)
    online = is_online_pair(offer, request)
    start = max(offer.available_from, request.wanted_from)
    end = min(offer.available_until, request.wanted_until)
    subjects: list[str] | str
    if not offer.subjects or not request.subjects:
        subjects = "any"
    else:
        subjects = sorted(offer.subjects & request.subjects)
    km = haversine_km(offer.lat, offer.lon, request.lat, request.lon)
    return {
        "levels": sorted(offer.levels & request.levels),
        "subjects": subjects,
        "distance_km": None if online else round(km, 1),
        "online": online,
        "overlap_from": start.isoformat(),
        "overlap_until": end.isoformat(),
        "overlap_days": (end - start).days + 1,
        "fairness": not school_reached,
        "fairness_text": None if school_reached else FIRST_ACTIVITY_TEXT,
        "score": round(quality if score is None else score, 4),
        "components": {k: round(v, 4) for k, v in comps.items()},
    }
