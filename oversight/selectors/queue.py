"""The unmatched queue and the candidate offers a coordinator is shown (DESIGN §6).

Candidates come from the matcher itself: the rows become engine items exactly as a run loads them
(`matching.services.runs._engine_items`), and the engine's vectorised candidate generator checks
every rule of DESIGN §4 and scores the pairs. What SQL does first is only a bounded *superset*:
open offers of verified companies with free capacity, of the request's kind, overlapping dates,
levels and subjects, inside a bounding box of the largest distance the pair may span (or online
when both sides accept it). One page of requests costs a fixed number of queries, whatever the
national data holds.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching import engine
from matching.engine.problem import DEFAULT_MAX_TRAVEL_KM
from matching.engine.scoring import explain_many
from matching.models import BlockedPair, Match, Offer, Request
from matching.selectors import requests_unmatched
from matching.services.runs import _engine_items
from taxonomy.holidays import school_year_of
from taxonomy.levels import LEVEL_BIT

PAGE_SIZE = 20
CANDIDATES_PER_REQUEST = 3
KM_PER_DEGREE = 111.0
MARGIN_KM = 1.0
# For boxes whose size comes from a column: the cosine of 60°, smaller than at any Dutch
# latitude plus any sensible travel distance, so the box is never too narrow.
_COS_BOUND = 0.5

# Rule codes of `pair_problems`: the engine's (matching/engine/rules.py) plus the parts of rule 6
# and capacity that the caller checks. Kept in the order a coordinator reads them.
RULE_MESSAGES: dict[str, Any] = {
    "1_kind": _("The offer is of another kind than the request."),
    "2_levels": _("The education levels do not overlap."),
    "3_subjects": _("The subjects do not overlap."),
    "4_distance": _("The company is farther away than the travel distance allowed."),
    "5_dates": _("The date windows do not overlap."),
    "6_open": _("The offer and the request must both be open."),
    "6_verified": _("Both organisations must be verified."),
    "6_blocked": _("A coordinator has blocked this pair."),
    "6_declined": _("This pair was declined before."),
    "6_live": _("This pair already has a live match."),
    "6_matched_before": _("This pair was matched before."),
    "7_crebo": _("The crebo qualifications do not overlap."),
    "8_vog": _("The offer has no VOG that is valid on the first wanted day."),
    "capacity": _("The offer or the request has no free places left."),
}
# What match_propose refuses whatever the coordinator decides: no override for these.
HARD_RULES = frozenset(
    {"1_kind", "2_levels", "5_dates", "6_open", "6_verified", "6_blocked", "6_declined", "6_live", "capacity"}
)


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
    lat, lon = request.organisation.latitude, request.organisation.longitude
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
    return near


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


def candidate_offers(
    requests: Sequence[Request],
    *,
    per_request: int = CANDIDATES_PER_REQUEST,
    extra_slots: dict[int, int] | None = None,
) -> dict[int, list[Candidate]]:
    """The best feasible offers for each request (rows with their organisation), best first.

    `extra_slots` counts slots as free that a live match holds now (a re-match after cancelling it).
    Six queries, whatever the number of requests and offers.
    """
    requests = list(requests)
    if not requests:
        return {}
    condition = Q()
    for request in requests:
        condition |= _prefilter(request)
    # The same bounds once more outside the OR, where the (status, kind, available_until) index
    # can use them.
    offer_rows = Offer.objects.filter(
        condition,
        status=Offer.Status.OPEN,
        kind__in={r.kind for r in requests},
        available_until__gte=min(r.wanted_from for r in requests),
        available_from__lte=max(r.wanted_until for r in requests),
        organisation__verified_at__isnull=False,
        committed__lt=F("capacity"),
    )
    offers = _engine_items(Offer, offer_rows)
    if not offers:
        return {r.pk: [] for r in requests}
    items = _engine_items(Request, Request.objects.filter(pk__in=[r.pk for r in requests]))
    if extra_slots:
        items = [
            dataclasses.replace(item, slots_left=item.slots_left + extra_slots.get(int(item.id), 0))
            for item in items
        ]
    request_pks = [r.pk for r in requests]
    excluded = {
        (str(o), str(r))
        for o, r in Match.objects.filter(request_id__in=request_pks).values_list("offer_id", "request_id")
    }
    excluded.update(
        (str(o), str(r))
        for o, r in BlockedPair.objects.filter(request_id__in=request_pks).values_list(
            "offer_id", "request_id"
        )
    )
    today = timezone.localdate()
    year_start, year_end = school_year_of(today)
    reached = {
        str(org)
        for org in Match.objects.filter(
            status__in=Match.COMMITTING, request__organisation__in={r.organisation_id for r in requests}
        )
        .filter(Q(activity_date__isnull=True) | Q(activity_date__range=(year_start, year_end)))
        .values_list("request__organisation_id", flat=True)
        .distinct()
    }
    problem = engine.build_problem(offers, items, today=today, excluded=excluded, reached_schools=reached)
    found = engine.generate_candidates(
        problem, k=per_request, k_quality=per_request, pool=per_request, workers=1
    )
    explanations = explain_many(problem, found.offer, found.request)
    offer_pks = {int(problem.offers[i].id) for i in found.offer.tolist()}
    rows = Offer.objects.select_related("organisation").in_bulk(offer_pks)
    result: dict[int, list[Candidate]] = {r.pk: [] for r in requests}
    for oi, ri, explanation in zip(found.offer.tolist(), found.request.tolist(), explanations, strict=True):
        request_pk = int(problem.requests[ri].id)
        result[request_pk].append(
            Candidate(
                offer=rows[int(problem.offers[oi].id)], score=explanation["score"], explanation=explanation
            )
        )
    for candidates in result.values():
        candidates.sort(key=lambda c: -c.score)
    return result


def pair_problems(offer: Offer, request: Request) -> list[str]:
    """Codes (RULE_MESSAGES) of the DESIGN §4 rules that the pair breaks now; empty = feasible."""
    (e_offer,) = _engine_items(Offer, Offer.objects.filter(pk=offer.pk))
    (e_request,) = _engine_items(Request, Request.objects.filter(pk=request.pk))
    found = set(engine.violated_rules(e_offer, e_request))
    if offer.status != Offer.Status.OPEN or request.status != Request.Status.OPEN:
        found.add("6_open")
    if not (offer.organisation.is_verified and request.organisation.is_verified):
        found.add("6_verified")
    if BlockedPair.objects.filter(offer=offer, request=request).exists():
        found.add("6_blocked")
    past = set(Match.objects.filter(offer=offer, request=request).values_list("status", flat=True))
    if Match.Status.DECLINED in past:
        found.add("6_declined")
    if past & set(Match.LIVE):
        found.add("6_live")
    elif past - {Match.Status.DECLINED}:
        found.add("6_matched_before")
    if e_offer.capacity_left < 1 or e_request.slots_left < 1:
        found.add("capacity")
    return [code for code in RULE_MESSAGES if code in found]


def rule_messages(codes: Sequence[str]) -> list[str]:
    return [str(RULE_MESSAGES[code]) for code in codes]
