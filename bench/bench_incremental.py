"""Incremental path: publish an offer and a request → the proposal is visible, through Redis and a
real Celery worker, on whatever data the database holds (e.g. the national set).

Usage (PostgreSQL + Redis):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tpm_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/bench_incremental.py --runs 6 --place Zwolle

Each run creates a verified school and company in --place, publishes a fresh offer, then a
matching request, and times from the request's publish until its proposal is committed. The run
is incremental: it loads the request with the open offers of its landsdeel that could serve it,
not the whole landsdeel. Prints every run, then the median, p95 and min; the rows it creates are
closed afterwards so later runs and benchmarks do not see them as open.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Organisation, User  # noqa: E402
from bench.report import figure, spread  # noqa: E402
from config.celery_app import app  # noqa: E402
from matching.models import Match, MatchingRun, Offer, Request  # noqa: E402
from matching.services.listings import listing_close, listing_create, listing_publish  # noqa: E402
from taxonomy.places import get_place  # noqa: E402
from taxonomy.regions import landsdeel_of  # noqa: E402
from tests.workers import running_workers, wait_for  # noqa: E402


def _organisation(kind: str, place_name: str, tag: str) -> tuple[Organisation, User]:
    place = get_place(place_name)
    org = Organisation.objects.create(
        kind=kind,
        name=f"Bench {kind} {tag}",
        place=place.name,
        municipality=place.municipality,
        latitude=place.lat,
        longitude=place.lon,
        province=place.province,
        landsdeel=landsdeel_of(place.province),
        levels=["havo"] if kind == "school" else [],
        verified_at=timezone.now(),
    )
    user, _ = User.objects.get_or_create(email=f"bench-incr-{kind}@example.nl")
    Membership.objects.get_or_create(user=user, organisation=org, defaults={"is_admin": True})
    return org, user


def run_once(place: str) -> float:
    tag = str(time.time_ns())
    school, teacher = _organisation("school", place, tag)
    company, hr = _organisation("company", place, tag)
    start = timezone.localdate() + timedelta(days=30)
    offer = listing_publish(
        listing_create(
            Offer, organisation=company, by=hr, kind="guest_lesson", title=f"Bench gastles {tag}",
            description="Benchmark.", levels=["havo"], subjects=["ict"], capacity=1,
            available_from=start, available_until=start + timedelta(days=60),
        ),
        by=hr,
    )  # fmt: skip
    # Let the offer's own run finish, so the request's run is the one we time.
    wait_for(lambda: not MatchingRun.objects.filter(status__in=["pending", "running"]).exists(), 120, 0.05)
    started = time.monotonic()
    request = listing_publish(
        listing_create(
            Request, organisation=school, by=teacher, kind="guest_lesson", title=f"Bench vraag {tag}",
            description="Benchmark.", levels=["havo"], subjects=["ict"], slots=1,
            wanted_from=start, wanted_until=start + timedelta(days=60),
        ),
        by=teacher,
    )  # fmt: skip
    found = wait_for(lambda: Match.objects.filter(request=request).exists(), 300, 0.05)
    elapsed = time.monotonic() - started
    for listing in (offer, request):
        listing.refresh_from_db()
        if listing.status == "open":
            listing_close(listing, by=hr if listing is offer else teacher)
    if not found:
        raise SystemExit("no proposal within 5 minutes")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--place", default="Zwolle")
    args = parser.parse_args()
    if not settings.REDIS_URL:
        raise SystemExit("Set REDIS_URL (and DATABASE_URL): this measures the path through the broker.")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    with running_workers(1, os.environ, output=subprocess.DEVNULL):
        time.sleep(4)  # the worker up and consuming
        times = []
        for index in range(args.runs):
            seconds = run_once(args.place)
            times.append(seconds)
            print(f"run {index + 1}: publish → proposal visible in {seconds:.2f} s", flush=True)
    landsdeel = landsdeel_of(get_place(args.place).province)
    print(figure(f"incremental publish → proposal visible ({landsdeel}, real worker)", spread(times)))


if __name__ == "__main__":
    main()
