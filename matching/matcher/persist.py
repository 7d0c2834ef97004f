"""Write a run's assignments as proposals, in bulk, with the semantics of `match_propose`:
the same answer deadline, suggested date, explanation and score, notification events and
committed slots (`matching.services.proposals`); tests/matching/test_persist.py compares the two.
"""

from __future__ import annotations

import zlib

import structlog
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership
from matching import engine
from matching.matcher.load import Loaded
from matching.models import Match, Offer, Request
from matching.services import events, scheduling
from matching.services.bulk import fast_insert, tables_analyse
from matching.services.proposals import proposal_dates, proposal_expires_at
from notifications.models import Delivery, Notification
from taxonomy.holidays import table_snapshot

log = structlog.get_logger(__name__)


def _advisory_lock(scope: str) -> None:
    """Serialise persisting per scope on PostgreSQL (released at the end of the transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [4242, zlib.crc32(scope.encode()) & 0x7FFFFFFF]
            )


def _add_committed(model: type[Offer] | type[Request], increments: dict[int, int]) -> None:
    if not increments:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    items = list(increments.items())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(items), 5000):
                chunk = items[start : start + 5000]
                values = ", ".join(["(%s, %s)"] * len(chunk))
                params = [v for pair in chunk for v in pair]
                cursor.execute(
                    f"UPDATE {table} AS t SET committed = t.committed + v.n "  # noqa: S608 (names from the model)
                    f"FROM (VALUES {values}) AS v(id, n) WHERE t.id = v.id",
                    params,
                )
        else:
            cursor.executemany(
                f"UPDATE {table} SET committed = committed + %s WHERE id = %s",  # noqa: S608
                [(n, pk) for pk, n in items],
            )


def _lock_free(pks: list[int], model: type[Offer] | type[Request]) -> tuple[dict[int, int], dict[int, int]]:
    """Free slots and organisation of the open rows, locked in id order (no deadlocks)."""
    limit = "capacity" if model is Offer else "slots"
    free: dict[int, int] = {}
    org_of: dict[int, int] = {}
    for start in range(0, len(pks), 10000):
        rows = (
            model.objects.select_for_update()
            .filter(pk__in=pks[start : start + 10000], status="open")
            .order_by("pk")
            .values_list("pk", limit, "committed", "organisation_id")
        )
        for pk, total, committed, org_id in rows:
            free[pk] = total - committed
            org_of[pk] = org_id
    return free, org_of


def persist(
    *, loaded: Loaded, result: engine.MatchResult, scope: str, run_id: int | None = None
) -> list[Match]:
    """Write the engine's assignments as proposals, re-checking capacity under row locks."""
    assignments = result.assignments
    if not assignments:
        return []
    problem = loaded.problem
    with transaction.atomic():
        _advisory_lock(scope)
        # Lock in a fixed order (offers, then requests, by id) so concurrent runs cannot deadlock.
        free_offer, org_of_offer = _lock_free(
            sorted({loaded.offer_ids[a.offer_id] for a in assignments}), Offer
        )
        request_pks = sorted({loaded.request_ids[a.request_id] for a in assignments})
        free_request, org_of_request = _lock_free(request_pks, Request)
        live = set()
        for start in range(0, len(request_pks), 10000):
            live.update(
                Match.objects.filter(
                    request_id__in=request_pks[start : start + 10000], status__in=Match.LIVE
                ).values_list("offer_id", "request_id")
            )
        now = timezone.now()
        today = timezone.localdate()
        expires = proposal_expires_at(now)
        regions = scheduling.holiday_regions(request_pks)
        holidays = table_snapshot()  # merged once: per proposal it was 40 % of a national run
        new: list[Match] = []
        add_offer: dict[int, int] = {}
        add_request: dict[int, int] = {}
        for a in assignments:
            o, r = loaded.offer_ids[a.offer_id], loaded.request_ids[a.request_id]
            slots = min(a.slots, free_offer.get(o, 0), free_request.get(r, 0))
            if slots < 1 or (o, r) in live:
                continue  # someone else took it meanwhile; the next run tries again
            free_offer[o] -= slots
            free_request[r] -= slots
            add_offer[o] = add_offer.get(o, 0) + slots
            add_request[r] = add_request.get(r, 0) + slots
            explanation = a.explanation or {}
            new.append(
                Match(
                    offer_id=o,
                    request_id=r,
                    school_id=org_of_request[r],
                    company_id=org_of_offer[o],
                    slots=slots,
                    score=explanation.get("score", a.score),
                    explanation=explanation,
                    run_id=run_id,
                    source=Match.Source.MATCHER,
                    expires_at=expires,
                    **proposal_dates(
                        problem.offers[problem.offer_index(a.offer_id)],
                        problem.requests[problem.request_index(a.request_id)],
                        region=regions.get(r),
                        today=today,
                        holidays=holidays,
                    ),
                    created_at=now,
                )
            )
        _add_committed(Offer, add_offer)
        _add_committed(Request, add_request)
        # COPY on PostgreSQL: bulk_create's per-value SQL compiling dominated a national run.
        fast_insert(Match, new, lambda n: None)
        if new:
            # COPY returns no ids: read the rows back by their shared creation time, and only those with
            # someone to tell (bulk-loaded organisations have no members).
            members = Membership.objects.values("organisation_id")
            told = (
                Match.objects.filter(created_at=now, status=Match.Status.PROPOSED, run_id=run_id)
                .filter(Q(offer__organisation_id__in=members) | Q(request__organisation_id__in=members))
                .select_related("offer__organisation", "request__organisation")
            )
            events.proposals_created(list(told))
    log.info("matcher.persisted", scope=scope, proposals=len(new), dropped=len(assignments) - len(new))
    # A national or landsdeel run writes proposals by the ten thousand: fresh statistics before the
    # first page reads them (an incremental run's handful of rows stays under the threshold).
    tables_analyse(
        written=[Match, Offer, Request, Notification, Delivery], reason=f"matcher.{scope}", rows=len(new)
    )
    return new
