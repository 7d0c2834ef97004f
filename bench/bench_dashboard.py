"""Coordinator dashboard, monitor and reports API latency on whatever data the database holds.

Usage (against the loaded national data set in PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tpm_bench \\
        .venv/bin/python bench/bench_dashboard.py --runs 3 --requests 20

Requests go through Django's test client in-process (no network, no gunicorn), so the figures are
the application's own time: view, SQL, template and SVG charts. Two personas: a coordinator of
every province of a landsdeel (--landsdeel, default oost) and a platform admin (national scope).
Prints p50/p95 per page and the number of queries per request; the medians over --runs
repetitions are reported. Creates the two bench users if missing; changes nothing else.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bench_api import bench_user, run_plans, without_throttling  # noqa: E402  (same timing)
from django.db import connection  # noqa: E402

from accounts.models import Organisation  # noqa: E402
from matching.models import Match, Offer, Request  # noqa: E402
from taxonomy.regions import Landsdeel, provinces_of  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--landsdeel", default=Landsdeel.OOST, choices=Landsdeel.values)
    parser.add_argument("--only", default="", help="only the paths containing this text")
    args = parser.parse_args()
    without_throttling()
    print(
        f"database: {connection.vendor}; {Organisation.objects.count()} organisations, "
        f"{Offer.objects.count()} offers, {Request.objects.count()} requests, {Match.objects.count()} matches"
    )
    coordinator = bench_user("bench-dashboard-coordinator@example.nl", provinces=provinces_of(args.landsdeel))
    admin = bench_user("bench-dashboard-admin@example.nl", superuser=True)
    plans = {
        f"coordinator {args.landsdeel}": (
            coordinator,
            [
                "/coordinator/",
                f"/coordinator/?scope={args.landsdeel}",
                "/coordinator/monitor/",
                "/api/v1/reports/kpis/",
                "/api/v1/reports/monitor/",
            ],
        ),
        "platform admin": (
            admin,
            [
                "/coordinator/?scope=national",
                "/coordinator/monitor/",
                "/api/v1/reports/kpis/?scope=national",
                "/api/v1/reports/monitor/",
            ],
        ),
    }
    run_plans(plans, runs=args.runs, requests=args.requests, only=args.only)


if __name__ == "__main__":
    main()
