"""Matcher runs: load, solve, persist, and when (DESIGN §4 "Triggers").

A run is a row first (`MatchingRun`, the durable queue entry) and a Celery task second. Runs are
idempotent: the engine never sees pairs that have (or had) a match, the persist step re-checks
capacity under row locks, and a partial unique constraint allows one live match per pair.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from celery import current_app
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from matching import engine
from matching.matcher.load import NATIONAL, load_problem
from matching.matcher.persist import persist
from matching.models import MatchingRun
from taxonomy.regions import Landsdeel

log = structlog.get_logger(__name__)

SCOPES = (*Landsdeel.values, NATIONAL)
# Long enough to fold a burst of edits into one run, short enough for a proposal within 5 s.
DEBOUNCE_SECONDS = 2


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


RUN_TASK = "matching.tasks.run_matcher_task"


def _enqueue(run_id: int, countdown: int = 0) -> None:
    # By name, so this module does not import the tasks module (which imports the services);
    # in the embedded eager mode the run happens here, as the eager task would do.
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_execute(run_id=run_id)
    else:
        current_app.send_task(RUN_TASK, args=(run_id,), countdown=countdown)


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
    if countdown is None:
        countdown = 0 if _quiet(scope) else DEBOUNCE_SECONDS
    not_before = timezone.now() + timezone.timedelta(seconds=countdown)
    targets = _targets(offer_id=offer_id, request_id=request_id)
    # Insert the scope's pending run, or join the one there is. Between a failed insert and the
    # join a worker may claim that pending run (it is then running, on data read before this
    # change): insert again rather than lose the trigger.
    for _attempt in range(JOIN_ATTEMPTS):
        try:
            with transaction.atomic():
                run = MatchingRun.objects.create(
                    scope=scope, trigger=trigger, requested_by=by, not_before=not_before, targets=targets
                )
        except IntegrityError as exc:
            error = exc
            joined = _join_pending(scope, targets)
            if joined is not None:
                return joined
            continue
        # A lambda, not a partial: Django's robust on_commit logs a failure by the callback's
        # __qualname__, which a partial lacks, so a broker outage would escape as AttributeError.
        transaction.on_commit(lambda pk=run.pk: _enqueue(pk, countdown), robust=True)
        return run
    raise error


# A worker claims a pending run within milliseconds; more than a few misses in a row means
# something else is wrong (say, a pending run the constraint refuses but no query can see).
JOIN_ATTEMPTS = 5


def _quiet(scope: str) -> bool:
    """No run of this scope is running: a trigger now is not part of a burst being worked on, so
    its run starts at once instead of waiting for company. Triggers arriving during a run wait
    the debounce time, and those arriving meanwhile join them."""
    return not MatchingRun.objects.filter(scope=scope, status=MatchingRun.Status.RUNNING).exists()


def _join_pending(scope: str, targets: dict[str, list[int]]) -> MatchingRun | None:
    """Add these targets to the scope's pending run (a whole-scope run stays whole); None when
    there is no pending run any more. The row lock keeps a worker from claiming the run before
    the targets are in: its claim waits, then reads them."""
    with transaction.atomic():
        existing = (
            MatchingRun.objects.select_for_update()
            .filter(scope=scope, status=MatchingRun.Status.PENDING)
            .first()
        )
        if existing is not None and existing.targets:
            merged = _merge_targets(existing.targets, targets) if targets else {}
            if merged != existing.targets:
                MatchingRun.objects.filter(pk=existing.pk).update(targets=merged)
                existing.targets = merged
        return existing


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


def listing_changed(landsdeel: str, *, offer_id: int | None = None, request_id: int | None = None) -> None:
    """An open listing appeared or changed (with its id), or capacity was released (without):
    queue a debounced run for its landsdeel. Callers invoke it after their commit."""
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
