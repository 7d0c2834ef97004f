"""Write a run's assignments as proposals, in bulk, with the semantics of `match_propose`:
the same answer deadline, suggested date, explanation and score, notification events and
committed slots (`matching.services.proposals`); tests/matching/test_persist.py compares the two.

On PostgreSQL every step is one statement for the whole run (id lists go as one array
parameter, the proposals by COPY); SQLite takes the same SQL in chunks of ids.
"""

from __future__ import annotations

import zlib
from typing import Any

import structlog
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Organisation
from matching import engine
from matching.matcher.load import Loaded, ids_where
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


def _lock_free(model: type[Offer] | type[Request], pks: list[int]) -> dict[int, tuple[int, int, str | None]]:
    """Free slots, organisation and (requests) holiday region of the open rows, locked in id order
    (no deadlocks)."""
    quote = connection.ops.quote_name
    limit = "capacity" if model is Offer else "slots"
    # Table and column names come from the models; values are parameters.
    sql = (
        f"SELECT t.id, t.{limit} - t.committed, t.organisation_id, o.province, o.municipality "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} t JOIN {quote(Organisation._meta.db_table)} o "
        "ON o.id = t.organisation_id WHERE t.status = 'open' AND {ids} ORDER BY t.id"
        + (" FOR UPDATE OF t" if connection.features.has_select_for_update_of else "")
    )
    rows: dict[int, tuple[int, int, str | None]] = {}
    with connection.cursor() as cursor:
        for where, params in ids_where("t.id", pks):
            cursor.execute(sql.format(ids=where), params)
            for pk, free, org_id, province, municipality in cursor.fetchall():
                region = scheduling.region_of(province, municipality) if model is Request else None
                rows[pk] = (free, org_id, region)
    return rows


def _live_pairs(request_pks: list[int]) -> set[tuple[int, int]]:
    live: set[tuple[int, int]] = set()
    statuses = ", ".join(["%s"] * len(Match.LIVE))
    with connection.cursor() as cursor:
        for where, params in ids_where("request_id", request_pks):
            cursor.execute(
                f"SELECT offer_id, request_id FROM {connection.ops.quote_name(Match._meta.db_table)} "  # noqa: S608
                f"WHERE {where} AND status IN ({statuses})",
                [*params, *Match.LIVE],
            )
            live.update(cursor.fetchall())
    return live


def _add_committed(model: type[Offer] | type[Request], increments: dict[int, int]) -> None:
    if not increments:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET committed = t.committed + v.n "  # noqa: S608 (names from the model)
                "FROM unnest(%s::bigint[], %s::int[]) AS v(id, n) WHERE t.id = v.id",
                [list(increments), list(increments.values())],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET committed = committed + %s WHERE id = %s",  # noqa: S608
                [(n, pk) for pk, n in increments.items()],
            )


class _NewMatch:
    """Builds Match instances from positional values: Django's keyword path (defaults looked up
    field by field) was a tenth of a national persist."""

    def __init__(self, **fixed: Any) -> None:
        fields = Match._meta.concrete_fields
        # Mutable defaults (explanation's dict, created_at's now) are always given below or in `fixed`.
        self.template = [fixed.get(f.attname, f.get_default()) for f in fields]
        self.position = {f.attname: i for i, f in enumerate(fields)}

    def __call__(self, **values: Any) -> Match:
        row = self.template.copy()
        for name, value in values.items():
            row[self.position[name]] = value
        return Match(*row)


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
        offers = _lock_free(Offer, sorted({loaded.offer_ids[a.offer_id] for a in assignments}))
        request_pks = sorted({loaded.request_ids[a.request_id] for a in assignments})
        requests = _lock_free(Request, request_pks)
        live = _live_pairs(request_pks)
        now = timezone.now()
        today = timezone.localdate()
        holidays = table_snapshot()  # merged once: per proposal it was 40 % of a national run
        new_match = _NewMatch(
            run_id=run_id, source=Match.Source.MATCHER, expires_at=proposal_expires_at(now), created_at=now
        )
        free_offer = {pk: row[0] for pk, row in offers.items()}
        free_request = {pk: row[0] for pk, row in requests.items()}
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
                new_match(
                    offer_id=o,
                    request_id=r,
                    school_id=requests[r][1],
                    company_id=offers[o][1],
                    slots=slots,
                    score=explanation.get("score", a.score),
                    explanation=explanation,
                    **proposal_dates(
                        problem.offers[problem.offer_index(a.offer_id)],
                        problem.requests[problem.request_index(a.request_id)],
                        region=requests[r][2],
                        today=today,
                        holidays=holidays,
                    ),
                )
            )
        _add_committed(Offer, add_offer)
        _add_committed(Request, add_request)
        # COPY on PostgreSQL: bulk_create's per-value SQL compiling dominated a national run.
        fast_insert(Match, new, lambda n: None)
        told = _told(new, now=now, run_id=run_id)
        events.proposals_created(told)
    log.info("matcher.persisted", scope=scope, proposals=len(new), dropped=len(assignments) - len(new))
    # A national or landsdeel run writes proposals by the ten thousand: fresh statistics before the
    # first page reads them (an incremental run's handful of rows stays under the threshold).
    tables_analyse(
        written=[Match, Offer, Request, *((Notification, Delivery) if told else ())],
        reason=f"matcher.{scope}",
        rows=len(new),
    )
    return new


def _told(new: list[Match], *, now: Any, run_id: int | None) -> list[Match]:
    """The new proposals with someone to tell (bulk-loaded organisations have no members), read
    back with their ids: COPY returns none. No query at all when no side has members."""
    members = Membership.objects.values("organisation_id")
    member_orgs = set(members.values_list("organisation_id", flat=True))
    if not any(m.school_id in member_orgs or m.company_id in member_orgs for m in new):
        return []
    return list(
        Match.objects.filter(created_at=now, status=Match.Status.PROPOSED, run_id=run_id)
        .filter(Q(school_id__in=members) | Q(company_id__in=members))
        .select_related("offer__organisation", "request__organisation")
    )
