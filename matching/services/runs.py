"""Matcher runs: from the database to the engine and back (DESIGN §4 "Triggers").

A run is a row first (`MatchingRun`, the durable queue entry) and a Celery task second. Runs are
idempotent: the engine never sees pairs that have (or had) a match, the persist step re-checks
capacity under row locks, and a partial unique constraint allows one live match per pair.
"""

from __future__ import annotations

import json
import math
import time
import zlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import structlog
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Q, QuerySet, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts.models import Membership, User
from matching import engine
from matching.models import BlockedPair, Match, MatchingRun, Offer, Request
from matching.services.bulk import fast_insert
from taxonomy.holidays import school_year_of
from taxonomy.regions import Landsdeel, provinces_of

log = structlog.get_logger(__name__)

NATIONAL = "national"
SCOPES = (*Landsdeel.values, NATIONAL)
# Long enough to fold a burst of edits into one run, short enough for a proposal within 5 s.
DEBOUNCE_SECONDS = 2


@dataclass
class Loaded:
    problem: engine.Problem
    offer_ids: dict[str, int]
    request_ids: dict[str, int]
    seconds: float


@lru_cache(maxsize=65536)
def codes(raw: str | None) -> frozenset[str]:
    """A JSON code list as stored, decoded once per distinct value (there are few: combinations of levels)."""
    return frozenset(json.loads(raw)) if raw else frozenset()


def _reach_filter(request_rows: QuerySet[Request]) -> Q:
    """Offers that could reach the region's requests: online ones, and those within the longest
    distance any side allows of the requests' bounding box (DESIGN §4 rule 4)."""
    box = request_rows.aggregate(
        lat_min=Min("organisation__latitude"),
        lat_max=Max("organisation__latitude"),
        lon_min=Min("organisation__longitude"),
        lon_max=Max("organisation__longitude"),
        req_km=Max("max_travel_km"),
    )
    if box["lat_min"] is None:
        return Q(pk__in=[])
    offer_km = Offer.objects.filter(status=Offer.Status.OPEN).aggregate(km=Max("max_travel_km"))["km"]
    reach = max(50.0, box["req_km"] or 0, offer_km or 0) + 1
    dlat = reach / 111.0
    dlon = reach / (111.0 * math.cos(math.radians(max(abs(box["lat_min"]), abs(box["lat_max"])))))
    return Q(online=True) | Q(
        organisation__latitude__range=(box["lat_min"] - dlat, box["lat_max"] + dlat),
        organisation__longitude__range=(box["lon_min"] - dlon, box["lon_max"] + dlon),
    )


# Engine field ← database column, for both sides; code lists are read as text and decoded once each.
_COMMON_COLUMNS = {
    "org_id": "organisation_id",
    "kind": "kind",
    "levels": "levels_text",
    "subjects": "subjects_text",
    "max_travel_km": "max_travel_km",
    "lat": "site_lat",
    "lon": "site_lon",
    "crebo": "crebo_text",
    "landsdeel": "organisation__landsdeel",
}
_COLUMNS = {
    Offer: {
        **_COMMON_COLUMNS,
        "online": "online",
        "available_from": "available_from",
        "available_until": "available_until",
        "vog_date": "vog_date",
    },
    Request: {
        **_COMMON_COLUMNS,
        "online_ok": "online_ok",
        "wanted_from": "wanted_from",
        "wanted_until": "wanted_until",
        "vog_required": "vog_required",
    },
}
_CODE_FIELDS = ("levels", "subjects", "crebo")


def _engine_items(model: type[Offer] | type[Request], rows: QuerySet) -> list:
    """Engine offers or requests for the rows, with what is left of their capacity or slots."""
    columns = _COLUMNS[model]
    total = "capacity" if model is Offer else "slots"
    rows = rows.annotate(**{f"{name}_text": Cast(name, TextField()) for name in _CODE_FIELDS})
    # A listing made for a location/site is matched from its coordinates (issue 20).
    rows = rows.annotate(
        site_lat=Coalesce("location__latitude", "organisation__latitude"),
        site_lon=Coalesce("location__longitude", "organisation__longitude"),
    )
    items = []
    for pk, amount, committed, *values in rows.values_list("pk", total, "committed", *columns.values()):
        fields = dict(zip(columns, values, strict=True))
        fields.update({name: codes(fields[name]) for name in _CODE_FIELDS}, org_id=str(fields["org_id"]))
        if model is Offer:
            items.append(engine.Offer(id=str(pk), capacity_left=amount - committed, **fields))
        else:
            items.append(engine.Request(id=str(pk), slots_left=amount - committed, created=pk, **fields))
    return items


def _near(rows: QuerySet, model: type[Offer] | type[Request], of: QuerySet) -> QuerySet:
    """`rows` narrowed to those that could pair with any of `of` (the other side): same kind,
    overlapping levels and dates, and within reach (online, or the bounding box of `of` widened
    by the longest allowed distance). The engine applies every rule exactly afterwards."""
    other = of.aggregate(
        lat_min=Min("organisation__latitude"),
        lat_max=Max("organisation__latitude"),
        lon_min=Min("organisation__longitude"),
        lon_max=Max("organisation__longitude"),
        km=Max("max_travel_km"),
        first=Min("available_from" if model is Request else "wanted_from"),
        last=Max("available_until" if model is Request else "wanted_until"),
    )
    if other["lat_min"] is None:
        return rows.none()
    kinds, levels = set(), 0
    for kind, mask in of.values_list("kind", "levels_mask"):  # a handful of rows
        kinds.add(kind)
        levels |= mask
    start, end = (
        ("wanted_from", "wanted_until") if model is Request else ("available_from", "available_until")
    )
    own_km = rows.aggregate(km=Max("max_travel_km"))["km"]
    reach = max(50.0, other["km"] or 0, own_km or 0) + 1
    dlat = reach / 111.0
    dlon = reach / (111.0 * math.cos(math.radians(max(abs(other["lat_min"]), abs(other["lat_max"])))))
    online = Q(online=True) if model is Offer else Q(online_ok=True)
    box = Q(
        organisation__latitude__range=(other["lat_min"] - dlat, other["lat_max"] + dlat),
        organisation__longitude__range=(other["lon_min"] - dlon, other["lon_max"] + dlon),
    )
    return (
        rows.filter(kind__in=kinds, **{f"{start}__lte": other["last"], f"{end}__gte": other["first"]})
        .annotate(level_overlap=F("levels_mask").bitand(levels))
        .filter(level_overlap__gt=0)
        .filter(online | box)
    )


def load_problem(
    *,
    landsdeel: str | None = None,
    province: str | None = None,
    today: date | None = None,
    targets: dict[str, list[int]] | None = None,
) -> Loaded:
    """Open offers and requests of verified organisations with free slots, as engine input.

    Only the rules of DESIGN §4 decide; items whose window has passed are closed by a beat task
    (`listings_close_past`), not silently skipped here.

    A regional run takes the requests of its region and every offer (the engine's spatial index
    ignores the far ones; online offers reach every region).
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    request_rows = Request.objects.filter(
        status=Request.Status.OPEN,
        organisation__verified_at__isnull=False,
        committed__lt=F("slots"),
    )
    if province:
        request_rows = request_rows.filter(organisation__province=province)
    elif landsdeel and landsdeel != NATIONAL:
        request_rows = request_rows.filter(organisation__province__in=provinces_of(landsdeel))
    offer_rows = Offer.objects.filter(
        status=Offer.Status.OPEN,
        organisation__verified_at__isnull=False,
        committed__lt=F("capacity"),
    )
    if targets:
        # Incremental: the changed offers with the open requests they could serve, and the changed
        # requests with the open offers that could serve them — hundreds of items, not the region.
        wanted_offers = offer_rows.filter(pk__in=targets.get("offers", []))
        wanted_requests = request_rows.filter(pk__in=targets.get("requests", []))
        offer_pks = set(wanted_offers.values_list("pk", flat=True))
        request_pks = set(wanted_requests.values_list("pk", flat=True))
        if request_pks:
            offer_pks |= set(_near(offer_rows, Offer, wanted_requests).values_list("pk", flat=True))
        if wanted_offers.exists():
            request_pks |= set(_near(request_rows, Request, wanted_offers).values_list("pk", flat=True))
        offer_rows = offer_rows.filter(pk__in=offer_pks)
        request_rows = request_rows.filter(pk__in=request_pks)
    elif province or (landsdeel and landsdeel != NATIONAL):
        offer_rows = offer_rows.filter(_reach_filter(request_rows))
    offers = _engine_items(Offer, offer_rows)
    requests = _engine_items(Request, request_rows)
    offer_ids = {item.id: int(item.id) for item in offers}
    request_ids = {item.id: int(item.id) for item in requests}
    request_pks = list(request_ids.values())
    excluded = set()
    # Every pair that has or had a match is never proposed again by the matcher; blocked pairs neither.
    for chunk_start in range(0, len(request_pks), 20000):
        chunk = request_pks[chunk_start : chunk_start + 20000]
        excluded.update(
            (str(o), str(r))
            for o, r in Match.objects.filter(request_id__in=chunk).values_list("offer_id", "request_id")
        )
        excluded.update(
            (str(o), str(r))
            for o, r in BlockedPair.objects.filter(request_id__in=chunk).values_list("offer_id", "request_id")
        )
    year_start, year_end = school_year_of(today)
    reached = (
        {
            str(org)
            for org in Match.objects.filter(
                status__in=Match.COMMITTING,
                request__organisation__in={int(r.org_id) for r in requests},
            )
            .filter(Q(activity_date__isnull=True) | Q(activity_date__range=(year_start, year_end)))
            .values_list("request__organisation_id", flat=True)
            .distinct()
        }
        if requests
        else set()
    )
    problem = engine.build_problem(offers, requests, today=today, excluded=excluded, reached_schools=reached)
    return Loaded(
        problem=problem, offer_ids=offer_ids, request_ids=request_ids, seconds=time.perf_counter() - started
    )


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


def persist(
    *, loaded: Loaded, result: engine.MatchResult, scope: str, run_id: int | None = None
) -> list[Match]:
    """Write the engine's assignments as proposals, re-checking capacity under row locks."""
    assignments = result.assignments
    if not assignments:
        return []
    with transaction.atomic():
        _advisory_lock(scope)
        offer_pks = sorted({loaded.offer_ids[a.offer_id] for a in assignments})
        request_pks = sorted({loaded.request_ids[a.request_id] for a in assignments})
        free_offer: dict[int, int] = {}
        free_request: dict[int, int] = {}
        org_of_offer: dict[int, int] = {}
        org_of_request: dict[int, int] = {}
        # Lock in a fixed order (offers, then requests, by id) so concurrent runs cannot deadlock.
        for pks, model, free, limit, org_of in (
            (offer_pks, Offer, free_offer, "capacity", org_of_offer),
            (request_pks, Request, free_request, "slots", org_of_request),
        ):
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
        live = set()
        for start in range(0, len(request_pks), 10000):
            live.update(
                Match.objects.filter(
                    request_id__in=request_pks[start : start + 10000], status__in=Match.LIVE
                ).values_list("offer_id", "request_id")
            )
        now = timezone.now()
        expires = now + timezone.timedelta(days=7)
        new: list[Match] = []
        add_offer: dict[int, int] = {}
        add_request: dict[int, int] = {}
        dates = {}
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
            start = explanation.get("overlap_from")
            dates[(o, r)] = date.fromisoformat(start) if isinstance(start, str) else None
            new.append(
                Match(
                    offer_id=o,
                    request_id=r,
                    school_id=org_of_request[r],
                    company_id=org_of_offer[o],
                    slots=slots,
                    score=a.score,
                    explanation=explanation,
                    run_id=run_id,
                    source=Match.Source.MATCHER,
                    expires_at=expires,
                    activity_date=dates[(o, r)],
                    created_at=now,
                )
            )
        _add_committed(Offer, add_offer)
        _add_committed(Request, add_request)
        # COPY on PostgreSQL: bulk_create's per-value SQL compiling dominated a national run.
        fast_insert(Match, new, lambda n: None)
        if new:
            from matching.services import events

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
    return new


def run_now(
    *,
    scope: str,
    province: str | None = None,
    run_id: int | None = None,
    k: int | None = None,
    targets: dict[str, list[int]] | None = None,
) -> dict[str, Any]:
    """Load, solve and persist synchronously; returns the run's figures."""
    t0 = time.perf_counter()
    loaded = load_problem(landsdeel=scope, province=province, targets=targets)
    t1 = time.perf_counter()
    result = engine.match(loaded.problem, **({"k": k} if k is not None else {}))
    t2 = time.perf_counter()
    created = persist(loaded=loaded, result=result, scope=scope, run_id=run_id)
    t3 = time.perf_counter()
    stats = dict(result.stats)
    stats.update(
        offers=loaded.problem.n_offers,
        requests=loaded.problem.n_requests,
        proposals=len(created),
        slots_proposed=sum(m.slots for m in created),
        seconds_load=round(t1 - t0, 3),
        seconds_engine=round(t2 - t1, 3),
        seconds_persist=round(t3 - t2, 3),
        seconds_total=round(t3 - t0, 3),
        incremental=bool(targets),
    )
    return stats


# --- Scheduling -----------------------------------------------------------------------------------


def _enqueue(run_id: int, countdown: int = 0) -> None:
    from matching.tasks import run_matcher_task

    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_matcher_task.apply(args=(run_id,))
    else:
        run_matcher_task.apply_async(args=(run_id,), countdown=countdown)


def run_schedule(
    *,
    scope: str,
    trigger: str = MatchingRun.Trigger.CHANGE,
    by: User | None = None,
    countdown: int | None = None,
    offer_id: int | None = None,
    request_id: int | None = None,
) -> MatchingRun:
    """Queue a run for a scope, debounced: while one is pending, later triggers join it.

    With an offer_id or request_id the run is incremental: it matches only what changed (see
    load_problem), so a new listing gets its proposal in seconds even when the landsdeel holds
    100,000 open items; the nightly run re-optimises the whole scope. Targets of triggers that
    arrive while the run is pending are added to it; a whole-scope trigger widens it to the scope.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    countdown = DEBOUNCE_SECONDS if countdown is None else countdown
    not_before = timezone.now() + timezone.timedelta(seconds=countdown)
    targets = _targets(offer_id=offer_id, request_id=request_id)
    try:
        with transaction.atomic():
            run = MatchingRun.objects.create(
                scope=scope, trigger=trigger, requested_by=by, not_before=not_before, targets=targets
            )
    except IntegrityError:
        with transaction.atomic():
            existing = (
                MatchingRun.objects.select_for_update()
                .filter(scope=scope, status=MatchingRun.Status.PENDING)
                .first()
            )
            if existing is not None:
                if existing.targets:
                    merged = _merge_targets(existing.targets, targets) if targets else {}
                    if merged != existing.targets:
                        MatchingRun.objects.filter(pk=existing.pk).update(targets=merged)
                        existing.targets = merged
                return existing
        raise
    transaction.on_commit(lambda: _enqueue(run.pk, countdown), robust=True)
    return run


def _targets(*, offer_id: int | None, request_id: int | None) -> dict[str, list[int]]:
    targets: dict[str, list[int]] = {}
    if offer_id is not None:
        targets["offers"] = [offer_id]
    if request_id is not None:
        targets["requests"] = [request_id]
    return targets


def _merge_targets(current: dict[str, list[int]], extra: dict[str, list[int]]) -> dict[str, list[int]]:
    return {
        side: sorted(set(current.get(side, [])) | set(extra.get(side, [])))
        for side in ("offers", "requests")
        if current.get(side) or extra.get(side)
    }


def on_listing_changed(landsdeel: str, *, offer_id: int | None = None, request_id: int | None = None) -> None:
    run_schedule(scope=landsdeel, offer_id=offer_id, request_id=request_id)


# A worker holds this session-level lock on PostgreSQL while it executes a run. PostgreSQL drops it
# when the worker's connection ends, so a running run whose lock is free has lost its worker.
_RUN_LOCK = 4243


def _try_run_lock(run_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_RUN_LOCK, run_id % 2**31])
        return bool(cursor.fetchone()[0])


def _release_run_lock(run_id: int) -> None:
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_RUN_LOCK, run_id % 2**31])
    except DatabaseError:
        pass  # the connection is gone, and the lock with it


def run_execute(*, run_id: int) -> bool:
    """Claim a pending run (only one worker can) and do it. True when this call ran it."""
    if not _try_run_lock(run_id):
        return False  # a live worker is running it
    try:
        claimed = MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.PENDING).update(
            status=MatchingRun.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
        )
        if claimed != 1:
            return False
        run = MatchingRun.objects.get(pk=run_id)
        try:
            stats = run_now(scope=run.scope, run_id=run.pk, targets=run.targets or None)
        except Exception as exc:
            MatchingRun.objects.filter(pk=run_id).update(
                status=MatchingRun.Status.FAILED if run.attempts >= 3 else MatchingRun.Status.PENDING,
                error=repr(exc)[:2000],
                finished_at=timezone.now(),
            )
            log.exception("matcher.run_failed", run=run_id)
            raise
        MatchingRun.objects.filter(pk=run_id).update(
            status=MatchingRun.Status.DONE, finished_at=timezone.now(), stats=stats
        )
    finally:
        _release_run_lock(run_id)
    log.info("matcher.run_done", run=run_id, scope=run.scope, proposals=stats.get("proposals"))
    return True


def _worker_lost(run_id: int, started_at: Any, stale: Any) -> bool:
    """A running run's worker is gone: its lock is free (PostgreSQL), or it started too long ago."""
    if connection.vendor != "postgresql":
        return started_at is None or started_at < stale
    if not _try_run_lock(run_id):
        return False
    _release_run_lock(run_id)
    return True


def runs_sweep(*, stuck_after_minutes: int = 30, limit: int = 50) -> int:
    """Beat: re-enqueue pending runs the broker lost, and free runs whose worker died.

    A run whose worker died is run again at once, unless a pending run of its scope will do the
    same work, or it already cost three workers (it would only kill the next one).
    """
    now = timezone.now()
    stale = now - timezone.timedelta(minutes=stuck_after_minutes)
    freed = []
    running = MatchingRun.objects.filter(status=MatchingRun.Status.RUNNING).values_list(
        "pk", "scope", "started_at", "attempts"
    )
    for run_id, scope, started_at, attempts in running[:limit]:
        if not _worker_lost(run_id, started_at, stale):
            continue
        lost = MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.RUNNING)
        pending_exists = MatchingRun.objects.filter(scope=scope, status=MatchingRun.Status.PENDING).exists()
        if attempts >= 3 or pending_exists:
            lost.update(status=MatchingRun.Status.FAILED, finished_at=now, error="worker lost")
            log.warning("matcher.run_worker_lost", run=run_id, attempts=attempts, rerun=False)
            continue
        try:
            with transaction.atomic():
                if lost.update(status=MatchingRun.Status.PENDING, error="worker lost"):
                    freed.append(run_id)
        except IntegrityError:  # a pending run of the scope appeared meanwhile: it does the work
            lost.update(status=MatchingRun.Status.FAILED, finished_at=now, error="worker lost")
        log.warning("matcher.run_worker_lost", run=run_id, attempts=attempts, rerun=True)
    due = list(
        MatchingRun.objects.filter(
            status=MatchingRun.Status.PENDING, not_before__lt=now - timezone.timedelta(seconds=30)
        )
        .exclude(pk__in=freed)
        .values_list("pk", flat=True)[:limit]
    )
    for run_id in freed + due:
        _enqueue(run_id)
    return len(freed) + len(due)


def runs_schedule_all(*, trigger: str = MatchingRun.Trigger.NIGHTLY) -> list[MatchingRun]:
    return [run_schedule(scope=scope, trigger=trigger, countdown=0) for scope in Landsdeel.values]


def pair_explanation(offer: Offer, request: Request) -> tuple[float, dict[str, Any]]:
    """Score and "why this match" for one pair, for proposals made by hand or self-service."""
    (e_offer,) = _engine_items(Offer, Offer.objects.filter(pk=offer.pk))
    (e_request,) = _engine_items(Request, Request.objects.filter(pk=request.pk))
    score, _components = engine.score_pair(e_offer, e_request)
    reached = Match.objects.filter(
        request__organisation_id=request.organisation_id, status__in=Match.COMMITTING
    ).exists()
    return score, engine.explain(e_offer, e_request, school_reached=reached, score=score)
