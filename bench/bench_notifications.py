"""Throughput of the notification outbox: N pending deliveries → a local SMTP server, W workers.

Usage (PostgreSQL and Redis required; the database is created and emptied by the script):

    .venv/bin/python bench/bench_notifications.py --deliveries 10000 --workers 2 --runs 3

Each run writes N notifications with their deliveries (one notify() per 500 recipients, as the
services do inside their transactions), starts an aiosmtpd server and W Celery worker processes
(prefork, concurrency 1 each, queue "notifications") with EMAIL_URL pointing at that server,
lets the sweep hand every pending delivery to the broker and times until the last one is marked
sent. Prints per run: write time, delivery time, mails/s, and checks every address got exactly one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_NAME = "tpm_bench_notify"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


_ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.report import figure, median  # noqa: E402
from config.celery_app import app  # noqa: E402
from notifications.delivery import sweep  # noqa: E402
from notifications.models import Delivery, Notification  # noqa: E402
from notifications.services import notify  # noqa: E402
from tests.smtp import smtp_server  # noqa: E402
from tests.workers import running_workers  # noqa: E402


def _people(n: int) -> list[User]:
    existing = User.objects.filter(email__startswith="bench-notify-").count()
    if existing < n:
        User.objects.bulk_create(
            [User(email=f"bench-notify-{i}@example.nl", name=f"Ontvanger {i}") for i in range(existing, n)]
        )
    return list(User.objects.filter(email__startswith="bench-notify-").order_by("pk")[:n])


def run_once(n: int, workers: int, batch: int = 500) -> dict[str, float]:
    Notification.objects.filter(event="bench.notice").delete()
    app.conf.task_always_eager = False
    app.control.purge()
    people = _people(n)
    with smtp_server() as inbox:
        env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{inbox.port}", "DEBUG": "true"}
        # Prefork with one child each, as production runs them; own groups so the children stop too.
        with running_workers(
            workers, env, queues="notifications", pool="prefork", name="bench{i}@%h",
            output=subprocess.DEVNULL, own_group=True,
        ):  # fmt: skip
            time.sleep(4)  # workers up and consuming
            started = time.perf_counter()
            for first in range(0, n, batch):
                # The on-commit hook enqueues each delivery, as in production.
                with transaction.atomic():
                    notify(
                        event="bench.notice",
                        group="matches",
                        recipients=people[first : first + batch],
                        title="Bevestigd: gastles robotica",
                        body="Beide kanten hebben geaccepteerd.",
                        link="/matches/1/",
                        object_type="bench",
                        object_id=str(time.time_ns()),
                    )
            written = time.perf_counter() - started
            pending = Delivery.objects.filter(notification__event="bench.notice")
            while pending.exclude(status=Delivery.Status.SENT).exists():
                if time.perf_counter() - started > 600:
                    raise SystemExit("not all delivered within 10 minutes")
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
        received = inbox.recipients()
    assert len(received) == n and len(set(received)) == n, (len(received), len(set(received)))
    return {"write_s": written, "total_s": elapsed, "per_s": n / elapsed}


def main() -> None:
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    assert sweep() >= 0  # the sweep itself works against this database
    results = []
    for index in range(args.runs):
        result = run_once(args.deliveries, args.workers)
        results.append(result)
        print(
            f"run {index + 1}: {args.deliveries} mails, written in {result['write_s']:.1f} s, "
            f"all delivered in {result['total_s']:.1f} s ({result['per_s']:.0f}/s)"
        )
    total, per_s = median(r["total_s"] for r in results), median(r["per_s"] for r in results)
    label = f"notification throughput ({args.deliveries:,} mails, {args.workers} workers)"
    print(figure(label, f"median {total:.1f} s ({per_s:.0f} mails/s)"))


if __name__ == "__main__":
    main()
