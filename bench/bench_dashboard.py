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
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bench_api import measure  # noqa: E402  (same timing as the endpoint benchmark)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import CoordinatorRegion, Organisation, User  # noqa: E402
from matching.models import Match, Offer, Request  # noqa: E402
from taxonomy.regions import Landsdeel, provinces_of  # noqa: E402


def persona(kind: str, landsdeel: str) -> User:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    email = f"bench-dashboard-{kind}@example.nl"
    user, _ = User.objects.get_or_create(email=email, defaults={"name": f"Bench {kind}"})
    if kind == "admin":
        if not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
    else:
        for province in provinces_of(landsdeel):
            CoordinatorRegion.objects.get_or_create(user=user, province=province)
    # Coordinators need two-factor; the benchmark measures the pages, not the middleware redirect.
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--landsdeel", default=Landsdeel.OOST, choices=Landsdeel.values)
    args = parser.parse_args()
    from django.conf import settings

    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
    from rest_framework.settings import api_settings

    api_settings.reload()
    print(
        f"database: {connection.vendor}; {Organisation.objects.count()} organisations, "
        f"{Offer.objects.count()} offers, {Request.objects.count()} requests, {Match.objects.count()} matches"
    )
    plans = {
        f"coordinator {args.landsdeel}": (
            persona("coordinator", args.landsdeel),
            [
                "/coordinator/",
                f"/coordinator/?scope={args.landsdeel}",
                "/coordinator/monitor/",
                "/api/v1/reports/kpis/",
                "/api/v1/reports/monitor/",
            ],
        ),
        "platform admin": (
            persona("admin", args.landsdeel),
            [
                "/coordinator/?scope=national",
                "/coordinator/monitor/",
                "/api/v1/reports/kpis/?scope=national",
                "/api/v1/reports/monitor/",
            ],
        ),
    }
    results: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for role, (user, paths) in plans.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        for path in paths:
            for _ in range(args.runs):
                results.setdefault((role, path), []).append(measure(client, path, args.requests))
    print("| persona | page | p50 ms | p95 ms | queries |")
    print("|---|---|---:|---:|---:|")
    for (role, path), rows in results.items():
        p50 = statistics.median(r[0] for r in rows)
        p95 = statistics.median(r[1] for r in rows)
        print(f"| {role} | `{path}` | {p50:.1f} | {p95:.1f} | {rows[0][2]} |")


if __name__ == "__main__":
    main()
