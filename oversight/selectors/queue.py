"""The unmatched queue and the candidate offers a coordinator is shown (DESIGN §6).

Candidates come from the matcher itself (`matching.matcher.best_offers`): the rows become engine
items exactly as a run loads them, and the rule book's vectorised form checks every rule of
DESIGN §4 and scores the pairs. What SQL does first is only a bounded *superset*:
open offers of verified companies with free capacity, of the request's kind, overlapping dates,
levels and subjects, inside a bounding box of the largest distance the pair may span (or online
when both sides accept it). One page of requests costs a fixed number of queries, whatever the
national data holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from matching.matcher import DEFAULT_MAX_TRAVEL_KM, best_offers
from matching.models import Offer, Request
from matching.selectors import requests_unmatched
from taxonomy.levels import LEVEL_BIT

PAGE_SIZE = 20
CANDIDATES_PER_REQUEST = 3
# How long the queue shows the candidates it found for a request: finding them loads and scores
# the offers in reach (about half a second a page on national data), and a coordinator pages
# back and forth. An edited request gets new ones at once; the pair page re-checks every rule.
CANDIDATES_CACHE_SECONDS = 120
KM_PER_DEGREE = 111.0
MARGIN_KM = 1.0
# For boxes whose size comes from a column: the cosine of 60°, smaller than at any Dutch
# latitude plus any sensible travel distance, so the box is never too narrow.
_COS_BOUND = 0.5


logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Candidate:
    offer: Offer
    score: float
    explanation: dict[str, Any]


def unmatched_requests(
    *, provinces: Sequence[str], province: str = "", kind: str = "", level: str = ""
) -> QuerySet[Request]:
    """Open requests of verified schools in the provinces with no proposed or happening match,
    oldest publication first."""
    if province:
        provinces = [p for p in provinces if p == province]
    rows = requests_unmatched().filter(organisation__province__in=list(provinces))
    if kind:
        rows = rows.filter(kind=kind)
    if level in LEVEL_BIT:
        rows = rows.filter(GreaterThan(F("levels_mask").bitand(LEVEL_BIT[level]), 0))
    return rows.select_related("organisation").order_by(F("published_at").asc(nulls_first=True), "pk")


def _box(lat: float, lon: float, km: Any, cos: float) -> Q:
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * cos)
    return Q(
        organisation__latitude__gte=lat - dlat,
        organisation__latitude__lte=lat + dlat,
        organisation__longitude__gte=lon - dlon,
        organisation__longitude__lte=lon + dlon,
    )


def _reach(request: Request) -> Q:
    """Offers that could lie within the pair's distance limit of the school (a superset)."""
    site = request.location or request.organisation
    lat, lon = site.latitude, site.longitude
    if request.max_travel_km is not None:
        km = request.max_travel_km + MARGIN_KM
        near = _box(lat, lon, km, math.cos(math.radians(min(89.0, abs(lat) + km / KM_PER_DEGREE))))
    else:
        km = DEFAULT_MAX_TRAVEL_KM + MARGIN_KM
        default_box = _box(lat, lon, km, math.cos(math.radians(min(89.0, abs(lat) + km / KM_PER_DEGREE))))
        near = (Q(max_travel_km__isnull=True) | Q(max_travel_km__lte=DEFAULT_MAX_TRAVEL_KM)) & default_box
        near |= Q(max_travel_km__gt=DEFAULT_MAX_TRAVEL_KM) & _box(
            lat, lon, F("max_travel_km") + MARGIN_KM, _COS_BOUND
        )
    if request.online_ok:
        near |= Q(online=True)
    # Offers for a company site lie wherever the site is: kept, the rule book decides exactly.
    return near | Q(location__isnull=False)


def _prefilter(request: Request) -> Q:
    condition = Q(
        kind=request.kind,
        available_from__lte=request.wanted_until,
        available_until__gte=request.wanted_from,
    )
    if request.levels_mask:
        condition &= Q(GreaterThan(F("levels_mask").bitand(request.levels_mask), 0))
    if request.subjects_mask:
        condition &= Q(subjects_mask=0) | Q(GreaterThan(F("subjects_mask").bitand(request.subjects_mask), 0))
    return condition & _reach(request)


def _offer_superset(requests: Sequence[Request]) -> QuerySet[Offer]:
    """Open offers of verified companies with free capacity that could suit one of `requests`."""
    condition = Q()
    for request in requests:
        condition |= _prefilter(request)
    # The same bounds once more outside the OR, where the (status, kind, available_until) index
    # can use them.
    return Offer.objects.filter(
        condition,
        status=Offer.Status.OPEN,
        kind__in={r.kind for r in requests},
        available_until__gte=min(r.wanted_from for r in requests),
        available_from__lte=max(r.wanted_until for r in requests),
        organisation__verified_at__isnull=False,
        committed__lt=F("capacity"),
    )


def candidate_offers(
    requests: Sequence[Request],
    *,
    per_request: int = CANDIDATES_PER_REQUEST,
    extra_slots: dict[int, int] | None = None,
) -> dict[int, list[Candidate]]:
    """The best feasible offers for each request (rows with their organisation), best first.

    `extra_slots` counts slots as free that a live match holds now (a re-match after cancelling it).
    A fixed number of queries, whatever the number of requests and offers.
    """
    requests = list(requests)
    if not requests:
        return {}
    offer_rows = _offer_superset(requests)
    return _with_rows(best_offers(offer_rows, requests, per_request=per_request, extra_slots=extra_slots))


def _with_rows(found: dict[int, list[tuple[int, dict[str, Any]]]]) -> dict[int, list[Candidate]]:
    """Candidates with their offer rows (one query); offers deleted since are left out."""
    rows = Offer.objects.select_related("organisation").in_bulk(
        {offer_pk for pairs in found.values() for offer_pk, _ in pairs}
    )
    return {
        request_pk: [
            Candidate(offer=rows[offer_pk], score=explanation["score"], explanation=explanation)
            for offer_pk, explanation in pairs
            if offer_pk in rows
        ]
        for request_pk, pairs in found.items()
    }


def _candidates_key(request: Request) -> str:
    return (
        f"queue-candidates:{request.pk}:{request.updated_at.isoformat()}:{timezone.localdate().isoformat()}"
    )


def queue_candidates(requests: Sequence[Request]) -> dict[int, list[Candidate]]:
    """`candidate_offers` of a queue page, remembered per request for CANDIDATES_CACHE_SECONDS:
    only the requests not seen recently are scored (a fixed number of queries either way)."""
    requests = list(requests)
    keys = {_candidates_key(r): r for r in requests}
    try:
        remembered = cache.get_many(list(keys))
    except Exception:  # the cache is down: find them all, as if there were none
        logger.warning("queue_candidates.cache_unavailable", exc_info=True)
        remembered = {}
    found = {keys[key].pk: pairs for key, pairs in remembered.items()}
    missing = [r for key, r in keys.items() if key not in remembered]
    if missing:
        offer_rows = _offer_superset(missing)
        fresh = best_offers(offer_rows, missing, per_request=CANDIDATES_PER_REQUEST)
        found.update(fresh)
        try:
            cache.set_many(
                {_candidates_key(r): fresh.get(r.pk, []) for r in missing}, CANDIDATES_CACHE_SECONDS
            )
        except Exception:
            logger.warning("queue_candidates.cache_write_failed", exc_info=True)
    return _with_rows(found)
