"""Scale-out: the national run as five landsdeel tasks on 1 and on 2 Celery worker processes, against
one national process (`manage.py match`), on whatever the database holds (the national set).

Usage (PostgreSQL and Redis; it deletes and rewrites the matcher's proposals, so never on a
database whose proposals matter):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tpm_scale REDIS_URL=redis://127.0.0.1:6379/10 \\
        .venv/bin/python bench/bench_scaleout.py --rounds 1 [--landsdelen oost] [--modes national,1,2]

Per round and mode the matcher's proposals are reset (as `run_all.py` does before a national run),
then either `manage.py match` runs in one process, or N fresh workers (`--pool solo`, so each run
executes in the worker process itself) are started and one run per landsdeel is queued through
Redis. Prints per round and mode the wall time (first queued → last done), the peak memory of the
largest process (VmHWM of each worker, the command's own figure), and the slots proposed and
schools reached as a share of the national process's figures of that round. With `--landsdelen`
only those landsdelen run, and the "national" mode runs `manage.py match --landsdeel X` for each.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402

from bench.report import table  # noqa: E402
from bench.run_all import RESET_PROPOSALS  # noqa: E402
from config.celery_app import app  # noqa: E402
from matching.matcher import runs  # noqa: E402
from matching.models import Match, MatchingRun  # noqa: E402
from taxonomy.regions import Landsdeel  # noqa: E402
from tests.workers import running_workers, wait_for  # noqa: E402


def reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(RESET_PROPOSALS)
        cursor.execute("VACUUM ANALYZE matching_match, matching_offer, matching_request")


def outcome() -> tuple[int, int]:
    """Slots proposed and schools reached by the matcher's live proposals."""
    proposed = Match.objects.filter(source="matcher", status=Match.Status.PROPOSED)
    slots = proposed.aggregate(slots=Sum("slots"))["slots"] or 0
    return slots, proposed.values("request__organisation").distinct().count()


def one_process(landsdelen: list[str]) -> tuple[float, float]:
    """`manage.py match` (national, or per landsdeel one after the other): wall seconds, peak MB."""
    scopes = [[]] if set(landsdelen) == set(Landsdeel.values) else [["--landsdeel", x] for x in landsdelen]
    started, peak = time.monotonic(), 0.0
    for scope in scopes:
        done = subprocess.run(  # noqa: S603 (our own command)
            [sys.executable, "manage.py", "match", *scope],
            cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=True,
        )  # fmt: skip
        found = re.search(r"peak memory (\d+) MB", done.stdout)
        peak = max(peak, float(found.group(1)) if found else 0.0)
    return time.monotonic() - started, peak


def on_workers(landsdelen: list[str], count: int) -> tuple[float, float]:
    """One run per landsdeel queued through Redis onto `count` fresh workers: wall seconds, peak MB
    of the largest worker."""
    app.control.purge()
    with running_workers(count, os.environ, output=subprocess.DEVNULL, name="scaleout{i}@%h") as procs:
        time.sleep(6)  # workers up and consuming
        started = time.monotonic()
        pks = [
            runs.run_schedule(scope=landsdeel, trigger=MatchingRun.Trigger.MANUAL, countdown=0).pk
            for landsdeel in landsdelen
        ]
        finished = MatchingRun.objects.filter(pk__in=pks, status__in=["done", "failed"])

        def all_finished() -> bool:
            # A run that lost a row-lock race goes back to pending; the beat sweep would requeue it.
            if int(time.monotonic() - started) % 60 == 59:
                runs.runs_sweep()
            return finished.count() == len(pks)

        if not wait_for(all_finished, 3600, 0.5):
            raise SystemExit("the landsdeel runs did not finish within an hour")
        wall = time.monotonic() - started
        peak = max(_peak_mb(proc.pid) for proc in procs)
    failed = MatchingRun.objects.filter(pk__in=pks, status="failed").values_list("scope", "error")
    for scope, error in failed:
        print(f"  {scope} failed: {error[:200]}", flush=True)
    return wall, peak


def _peak_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--landsdelen", default=",".join(Landsdeel.values), help="comma-separated")
    parser.add_argument("--modes", default="national,1,2", help="national and/or worker counts")
    args = parser.parse_args()
    if not settings.REDIS_URL:
        raise SystemExit("Set REDIS_URL (and DATABASE_URL): the landsdeel runs go through the broker.")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    landsdelen = args.landsdelen.split(",")
    modes = args.modes.split(",")
    rows = []
    for round_ in range(1, args.rounds + 1):
        baseline: tuple[int, int] | None = None
        for mode in modes:
            reset()
            if mode == "national":
                label = "one process (`manage.py match`)"
                wall, peak = one_process(landsdelen)
            else:
                label = (
                    f"{len(landsdelen)} landsdeel runs, {mode} worker process{'es' if mode != '1' else ''}"
                )
                wall, peak = on_workers(landsdelen, int(mode))
            slots, schools = outcome()
            baseline = baseline or (slots, schools)
            share = f"{100 * slots / max(baseline[0], 1):.2f} % / {100 * schools / max(baseline[1], 1):.2f} %"
            print(
                f"round {round_}, {label}: {wall:.1f} s, {peak:.0f} MB, {slots} slots, {schools} schools",
                flush=True,
            )
            rows.append((round_, label, f"{wall:.1f}", f"{peak / 1024:.2f}", slots, schools, share))
    print(
        table(
            (
                "round",
                "how",
                "wall s",
                "peak GB (largest process)",
                "slots",
                "schools",
                "slots / schools vs first",
            ),
            rows,
            right=(2, 3, 4, 5),
        )
    )


if __name__ == "__main__":
    main()
