"""RELIABILITY §4.3: the worker is killed (SIGKILL) in the middle of a matching run.

Real data (a generated slice of landsdeel Oost, ~5,000 requests and ~13,000 offers, a run of a
few seconds), a real Celery worker with `--pool solo` (the run executes in the process we kill),
real Redis and PostgreSQL. After a new worker starts and the beat sweep runs once, the run is
done and its proposals are exactly those of an uninterrupted run on the same data.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from matching.dataset import parse_lines
from matching.matcher import runs
from matching.models import Match, MatchingRun, Offer, Request
from matching.services.bulk import dataset_load, known_organisation_kinds
from tests.workers import ROOT, running_workers, start_worker, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]

KILL_AFTER_SECONDS = 1.0  # into the run: loading and solving take longer, so nothing is written yet


@pytest.fixture
def oost(tmp_path):
    path = tmp_path / "oost.jsonl"
    subprocess.run(
        [sys.executable, "bench/generate_dataset.py", "--landsdeel", "oost", "--seed", "7"]
        + ["--schools", "2500", "--companies", "10000", "--requests", "30000", "--offers", "80000"]
        + ["--out", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with path.open() as lines:
        parsed = parse_lines(lines, known_organisations=known_organisation_kinds)
    assert not parsed.errors
    return dataset_load(parsed)


def _proposals() -> list[tuple[int, int, int]]:
    return sorted(Match.objects.values_list("offer_id", "request_id", "slots"))


def _reference_run() -> list[tuple[int, int, int]]:
    """What an uninterrupted run proposes on the same data (written, read, then rolled back)."""
    with transaction.atomic():
        runs.run_now(scope="oost")
        pairs = _proposals()
        transaction.set_rollback(True)
    assert not Match.objects.exists()
    return pairs


def _overcommitted(model: type[Offer] | type[Request], side: str) -> list[int]:
    """Rows whose `committed` differs from the slots of their committing matches."""
    live = dict(
        Match.objects.filter(status__in=Match.COMMITTING)
        .values(side)
        .annotate(n=Sum("slots"))
        .values_list(side, "n")
    )
    return [
        pk for pk, committed in model.objects.values_list("pk", "committed") if committed != live.get(pk, 0)
    ]


def test_worker_killed_mid_run_then_sweep_completes_it_exactly_once(oost, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    reference = _reference_run()
    assert len(reference) > 1000

    with running_workers() as procs:
        procs.append(start_worker(settings.REDIS_URL))
        run = runs.run_schedule(scope="oost", trigger=MatchingRun.Trigger.MANUAL, countdown=0)
        assert wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.RUNNING).exists(),
            60,
            0.02,
        ), "the worker never claimed the run"
        time.sleep(KILL_AFTER_SECONDS)
        assert not Match.objects.exists(), "the run finished before the kill: make the data set larger"
        os.kill(procs[0].pid, signal.SIGKILL)
        procs[0].wait(10)
        killed_at = time.monotonic()

        # Nothing half-written: persisting is one transaction, and it never committed.
        run.refresh_from_db()
        assert (run.status, run.attempts) == (MatchingRun.Status.RUNNING, 1)
        assert not Match.objects.exists()
        assert not Offer.objects.filter(committed__gt=0).exists()
        assert not Request.objects.filter(committed__gt=0).exists()

        procs.append(start_worker(settings.REDIS_URL))
        # The beat sweep finds the run's worker gone (its PostgreSQL lock was released with its
        # connection) and runs it again at once, not after the 30-minute staleness fallback.
        assert wait_for(lambda: not _holds_run_lock(run.pk), 10), "the dead worker's lock is still held"
        assert runs.runs_sweep() == 1
        assert wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.DONE).exists(), 60, 0.2
        ), f"run not done: {MatchingRun.objects.values('status', 'attempts', 'error').get(pk=run.pk)}"
        recovered = time.monotonic() - killed_at

        run.refresh_from_db()
        assert run.attempts == 2
        assert run.error == "worker lost"
        assert run.stats["proposals"] == len(reference)
        assert MatchingRun.objects.count() == 1
        # The same proposals as the uninterrupted run, none twice, every counter equal to its matches.
        assert _proposals() == reference
        assert Match.objects.filter(run=run).count() == len(reference)
        assert _overcommitted(Offer, "offer_id") == []
        assert _overcommitted(Request, "request_id") == []
        # A second sweep (the next beat tick) finds nothing to do and changes nothing.
        assert runs.runs_sweep() == 0
        time.sleep(1)
        assert _proposals() == reference
    print(
        f"\nkilled {KILL_AFTER_SECONDS} s into the run; done {recovered:.1f} s after the kill "
        f"(new worker + sweep); {len(reference)} proposals"
    )


def _holds_run_lock(run_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
            [runs._RUN_LOCK, run_id],
        )
        return cursor.fetchone()[0] > 0
