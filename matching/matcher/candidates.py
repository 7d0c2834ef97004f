"""The best feasible offers for a handful of requests, by the matcher's own rules and score
(the coordinator's queue shows them)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from matching import engine
from matching.engine.scoring import explain_many
from matching.matcher.load import engine_items, problem_for
from matching.models import Offer, Request


def best_offers(
    offer_rows: QuerySet[Offer],
    requests: Sequence[Request],
    *,
    per_request: int,
    extra_slots: dict[int, int] | None = None,
) -> dict[int, list[tuple[int, dict[str, Any]]]]:
    """Request pk → [(offer pk, explanation)], best first, among ``offer_rows`` (a superset the
    caller narrowed in SQL). ``extra_slots`` counts slots as free that a live match holds now
    (a re-match after cancelling it)."""
    result: dict[int, list[tuple[int, dict[str, Any]]]] = {r.pk: [] for r in requests}
    offers = engine_items(Offer, offer_rows)
    if not offers or not requests:
        return result
    items = engine_items(Request, Request.objects.filter(pk__in=[r.pk for r in requests]))
    if extra_slots:
        items = [
            dataclasses.replace(item, slots_left=item.slots_left + extra_slots.get(int(item.id), 0))
            for item in items
        ]
    problem = problem_for(offers, items, today=timezone.localdate())
    found = engine.generate_candidates(
        problem, k=per_request, k_quality=per_request, pool=per_request, workers=1
    )
    explanations = explain_many(problem, found.offer, found.request)
    for oi, ri, explanation in zip(found.offer.tolist(), found.request.tolist(), explanations, strict=True):
        result[int(problem.requests[ri].id)].append((int(problem.offers[oi].id), explanation))
    for pairs in result.values():
        pairs.sort(key=lambda pair: -pair[1]["score"])
    return result
