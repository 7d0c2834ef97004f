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

:func:`score_pair` is the scalar reference; :func:`combine` (float64, :func:`score_arrays`,
:func:`explain_many`) and :func:`combine_fast` (float32, the candidate generator's hot path)
compute the same formula on arrays, and the tests hold them to the reference.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from .items import CONTRACT_KINDS, CREBO_KINDS, Offer, Request
from .problem import Problem
from .rules import first_shared_day, haversine_arrays, haversine_km, is_online_pair

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


def combine_fast(
    *,
    level_common: np.ndarray,
    inv_request_levels: np.ndarray,
    subject_common: np.ndarray,
    inv_request_subjects: np.ndarray,
    any_subject: np.ndarray,
    online: bool,
    distance_km: np.ndarray,
    offer_from: np.ndarray,
    offer_until: np.ndarray,
    request_from: np.ndarray,
    request_until: np.ndarray,
    inv_request_days: np.ndarray,
) -> np.ndarray:
    """:func:`combine` in float32 with the request's reciprocals precomputed (the hot path of
    candidate generation, ~60 M pairs nationally); agrees with it to ~1e-6."""
    f32 = np.float32
    score = level_common.astype(f32) * (inv_request_levels * f32(W_LEVELS))
    subject_fit = subject_common.astype(f32) * inv_request_subjects
    subject_fit *= f32(0.5 * W_SUBJECTS)
    subject_fit += f32(0.5 * W_SUBJECTS)
    subject_fit[any_subject] = f32(SUBJECT_ANY_FIT * W_SUBJECTS)
    score += subject_fit
    if online:
        score += f32(ONLINE_DISTANCE_FIT * W_DISTANCE)
    else:
        score += f32(W_DISTANCE) / (f32(1.0) + distance_km * f32(1.0 / DISTANCE_HALF_KM))
    start = np.maximum(offer_from, request_from)
    # dates: 0.5 (end - start + 1) / length + 0.5 (1 - (start - from) / length)
    span = (np.minimum(offer_until, request_until) - start + 1 - (start - request_from)).astype(f32)
    span *= inv_request_days * f32(0.5 * W_DATES)
    score += span
    score += f32(0.5 * W_DATES)
    return score


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
    # Clamped for pairs a coordinator matched despite their windows; feasible pairs overlap.
    date_fit = max(0.0, 0.5 * ((end - start).days + 1) / length) + 0.5 * max(
        0.0, 1.0 - (start - request.wanted_from).days / length
    )
    score = W_SUBJECTS * subject_fit + W_LEVELS * level_fit + W_DISTANCE * distance_fit + W_DATES * date_fit
    return score, {"subjects": subject_fit, "levels": level_fit, "distance": distance_fit, "dates": date_fit}


def _explanation(
    offer: Offer,
    request: Request,
    *,
    online: bool,
    km: float,
    first: date | None,
    last: date,
    school_reached: bool,
    score: float,
    components: dict[str, float],
    common: Any = None,
) -> dict[str, Any]:
    """One "why this match" record; every key states something true of the pair (DESIGN §3).

    Components that the pair does not use are left out: no subject share next to "any subject",
    no distance share for a pair that runs online. ``vog``, ``contract_type`` and ``crebo`` are
    present only when the rule applied to the pair.
    """
    both = common or (lambda a, b: sorted(a & b))
    any_subject = not offer.subjects or not request.subjects
    shown = {k: v for k, v in components.items() if not (k == "subjects" and any_subject)}
    if online:
        shown.pop("distance", None)
    out: dict[str, Any] = {
        "levels": both(offer.levels, request.levels),
        "subjects": "any" if any_subject else both(offer.subjects, request.subjects),
        "distance_km": None if online else km,
        "online": online,
        "overlap_from": first.isoformat() if first else None,
        "overlap_until": last.isoformat() if first else None,
        "overlap_days": (last - first).days + 1 if first else 0,
        "fairness": not school_reached,
        "fairness_text": None if school_reached else FIRST_ACTIVITY_TEXT,
        "score": score,
        "components": shown,
    }
    if request.vog_required:
        out["vog"] = offer.vog_date.isoformat() if offer.vog_date else None
    if offer.kind in CONTRACT_KINDS and offer.contract_type and request.contract_type:
        out["contract_type"] = request.contract_type
    if offer.kind in CREBO_KINDS and offer.crebo and request.crebo:
        out["crebo"] = both(offer.crebo, request.crebo)
    return out


def explain(
    offer: Offer, request: Request, *, today: date, school_reached: bool, score: float | None = None
) -> dict[str, Any]:
    """JSON-able explanation of a pair (stored on the match), from the pair's own facts.

    ``overlap_from`` is the first weekday from tomorrow on inside both windows (the ``dates``
    rule); ``fairness`` is true when the school had no activity this school year before this
    proposal (the reach priority, DESIGN §4 (a)); ``fairness_text`` is the untranslated reason.
    """
    quality, comps = score_pair(offer, request)
    online = is_online_pair(offer, request)
    km = haversine_km(offer.lat, offer.lon, request.lat, request.lon)
    return _explanation(
        offer,
        request,
        online=online,
        km=round(km, 1),
        first=first_shared_day(offer, request, today),
        last=min(offer.available_until, request.wanted_until),
        school_reached=school_reached,
        score=round(quality if score is None else score, 4),
        components={k: round(v, 4) for k, v in comps.items()},
    )


def explain_many(problem: Problem, oi: np.ndarray, ri: np.ndarray) -> list[dict[str, Any]]:
    """:func:`explain` for many pairs at once (same output; the numbers are computed vectorised)."""
    if len(oi) == 0:
        return []
    online = problem.o_online[oi] & problem.r_online_ok[ri]
    km = haversine_arrays(problem.o_lat[oi], problem.o_lon[oi], problem.r_lat[ri], problem.r_lon[ri])
    end = np.minimum(problem.o_until[oi], problem.r_until[ri])
    score, comps = score_arrays(problem, oi, ri, km, online)
    reached = problem.school_reached[problem.r_school[ri]]
    common: dict[tuple[int, int], list[str]] = {}
    days: dict[int, date] = {}

    def both(a: frozenset[str], b: frozenset[str]) -> list[str]:
        key = (id(a), id(b))  # the sets outlive this call, so their ids are stable keys
        found = common.get(key)
        if found is None:
            found = common[key] = sorted(a & b)
        return list(found)

    def day(ordinal: int) -> date:
        found = days.get(ordinal)
        if found is None:
            found = days[ordinal] = date.fromordinal(ordinal)
        return found

    first = np.maximum(problem.o_first[oi], problem.r_first[ri])
    out: list[dict[str, Any]] = []
    columns = zip(
        oi.tolist(),
        ri.tolist(),
        online.tolist(),
        np.round(km, 1).tolist(),
        first.tolist(),
        end.tolist(),
        reached.tolist(),
        np.round(score, 4).tolist(),
        np.round(comps["subjects"], 4).tolist(),
        np.round(comps["levels"], 4).tolist(),
        np.round(comps["distance"], 4).tolist(),
        np.round(comps["dates"], 4).tolist(),
        strict=True,
    )
    for o, r, on, d, st, en, was_reached, q, c_s, c_l, c_d, c_t in columns:
        out.append(
            _explanation(
                problem.offers[o],
                problem.requests[r],
                online=on,
                km=d,
                first=day(st) if st <= en else None,
                last=day(en),
                school_reached=was_reached,
                score=q,
                components={"subjects": c_s, "levels": c_l, "distance": c_d, "dates": c_t},
                common=both,
            )
        )
    return out
