"""List-endpoint and page latency on whatever data the database holds (e.g. the national set).

Usage (against the loaded national data set in PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tpm_bench \\
        .venv/bin/python bench/bench_api.py --runs 3 --requests 50

Requests go through Django's test client in-process (no network, no gunicorn), so the figures are
the application's own time: view, serializers, SQL. Prints p50/p95 per endpoint and the number of
queries per request; the medians over --runs repetitions are reported.

`--first` measures, as a school user, the FIRST request to every endpoint in this process (no
warm-up of that endpoint; Django itself is warmed by one unrelated request), then the median of
--requests more: bench_first_search.py runs it right after a fresh load, when the planner's
statistics are as a bulk load left them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import CoordinatorRegion, Membership, Organisation, User  # noqa: E402

ENDPOINTS = [
    "/api/v1/offers/",
    "/api/v1/offers/?status=open&kind=guest_lesson&level=havo",
    "/api/v1/offers/?subject=ict&province=overijssel&ordering=-available_from",
    "/api/v1/requests/?status=open&landsdeel=oost",
    "/api/v1/requests/?level=mbo-3&kind=internship",
    "/api/v1/matches/",
]


# Main pages per role (server-rendered HTML), measured like the endpoints.
PAGES = {
    "school": ["/dashboard/", "/offers/", "/offers/?kind=guest_lesson&level=havo", "/requests/mine/", "/matches/", "/notifications/"],
    "company": ["/dashboard/", "/requests/", "/requests/?kind=internship", "/offers/mine/", "/matches/"],
    "coordinator": ["/coordinator/", "/coordinator/queue/", "/coordinator/coverage/", "/matches/"],
}  # fmt: skip


def bench_user(email: str, *, provinces: tuple[str, ...] = (), superuser: bool = False) -> User:
    """A bench user (created if missing): coordinator of `provinces` or platform admin, with
    two-factor set up, so that pages are measured rather than the middleware's redirect."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user, _ = User.objects.get_or_create(email=email, defaults={"name": email.split("@")[0]})
    if superuser and not user.is_superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    for province in provinces:
        CoordinatorRegion.objects.get_or_create(user=user, province=province)
    if (provinces or superuser) and not Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def persona(kind: str) -> User:
    if kind == "coordinator":
        return bench_user(f"bench-{kind}@example.nl", provinces=("overijssel", "gelderland"))
    user = bench_user(f"bench-{kind}@example.nl")
    org = Organisation.objects.filter(kind=kind, verified_at__isnull=False).order_by("pk").first()
    Membership.objects.get_or_create(user=user, organisation=org)
    return user


def without_throttling() -> None:
    """The API's rate limits off: the benchmark sends far more requests than a person would."""
    from django.conf import settings
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
    api_settings.reload()


def run_plans(plans: dict[str, tuple[User, list[str]]], *, runs: int, requests: int, only: str = "") -> None:
    """Time every path of every persona (`only`: paths containing it) and print the table:
    p50/p95 are the medians over `runs` repetitions of `requests` requests each."""
    results: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for role, (user, paths) in plans.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        for path in paths:
            if only and only not in path:
                continue
            for _ in range(runs):
                results.setdefault((role, path), []).append(measure(client, path, requests))
    print("| persona | path | p50 ms | p95 ms | queries |")
    print("|---|---|---:|---:|---:|")
    for (role, path), rows in results.items():
        p50 = statistics.median(r[0] for r in rows)
        p95 = statistics.median(r[1] for r in rows)
        print(f"| {role} | `{path}` | {p50:.1f} | {p95:.1f} | {rows[0][2]} |", flush=True)


def measure(client: Client, path: str, n: int) -> tuple[float, float, int]:
    times = []
    queries = 0
    client.get(path)  # warm up
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], queries


def first_requests(n: int) -> None:
    """Cold figures: each endpoint's first request, then its warm median, printed as a table row."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(persona("school"))
    client.get("/api/v1/matches/")  # Django's own first-request costs (imports, URLconf), not the planner's
    print("| endpoint (school) | first request ms | warm p50 ms |")
    print("|---|---:|---:|")
    for path in ENDPOINTS:
        started = time.perf_counter()
        response = client.get(path)
        first = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        warm = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(path)
            warm.append((time.perf_counter() - started) * 1000)
        print(f"| `{path}` | {first:.1f} | {statistics.median(warm):.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--first", action="store_true", help="first request per endpoint (see above)")
    parser.add_argument("--role", choices=list(PAGES), help="only this persona")
    parser.add_argument("--only", default="", help="only the paths containing this text")
    args = parser.parse_args()
    without_throttling()
    if args.first:
        first_requests(args.requests)
        return
    print(f"database: {connection.vendor}; {Organisation.objects.count()} organisations")
    roles = [args.role] if args.role else list(PAGES)
    plans = {role: (persona(role), ENDPOINTS + PAGES[role]) for role in roles}
    run_plans(plans, runs=args.runs, requests=args.requests, only=args.only)


if __name__ == "__main__":
    main()
