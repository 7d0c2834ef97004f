"""Impact page and spreadsheet exports: time and memory (issue 21). Prints figures, never asserts.

Usage:

    # 1. The XLSX writer alone, on synthetic match rows (no database): time and peak memory.
    .venv/bin/python bench/bench_impact.py writer --rows 100000

    # 2. The impact page of the busiest company and the coordinator's XLSX export of a landsdeel's
    #    matches, on the data the database holds (e.g. the national set in PostgreSQL) ...
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tpm_bench .venv/bin/python bench/bench_impact.py pages

    # ... or on a small generated set in a scratch SQLite file (migrated and filled first).
    .venv/bin/python bench/bench_impact.py pages --scratch /tmp/bench-impact.sqlite3 --matches 5000

Memory is Python's own allocation peak (tracemalloc) while the file is written and streamed,
plus the process's peak RSS (resource.getrusage) for the whole run.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _mb(value: float) -> str:
    return f"{value / 1024 / 1024:.1f} MB"


def _measure(label: str, stream) -> None:  # noqa: ANN001
    """Consume a byte/str stream, printing wall time, bytes and the tracemalloc peak (tracing
    slows Python down several times: BENCH_NO_TRACE=1 times without it)."""
    if os.environ.get("BENCH_NO_TRACE") == "1":
        start = time.perf_counter()
        size = sum(len(chunk) for chunk in stream)
        print(f"{label}: {time.perf_counter() - start:.2f} s, {_mb(size)} written (untraced)", flush=True)
        return
    tracemalloc.start()
    start = time.perf_counter()
    size = 0
    for chunk in stream:
        size += len(chunk)
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label}: {seconds:.2f} s, {_mb(size)} written, peak Python memory {_mb(peak)}", flush=True)


def writer(rows: int) -> None:
    import django

    django.setup()
    from oversight.csv_files import csv_lines, xlsx_chunks
    from oversight.selectors.exports import DATASET_COLUMNS

    columns = DATASET_COLUMNS["matches"]
    now = datetime(2026, 10, 1, 12, 0)

    def data():  # noqa: ANN202
        for i in range(rows):
            yield (
                i,
                f"School {i % 700}",
                f"{i % 100:02d}AB",
                "overijssel",
                f"Bedrijf {i % 3000}",
                f"{i:08d}",
                "gelderland",
                "guest_lesson",
                f"=Vraag {i}" if i % 1000 == 0 else f"Vraag {i}",
                f"Aanbod {i}",
                "completed",
                "matcher",
                1 + i % 3,
                date(2026, 9, 1) + timedelta(days=i % 300),
                0.5 + (i % 50) / 100,
                now,
                now,
            )

    _measure(f"XLSX, {rows:,} rows", xlsx_chunks([str(c.header) for c in columns], data(), columns=columns))
    _measure(
        f"CSV for Excel, {rows:,} rows",
        csv_lines([str(c.header) for c in columns], data(), fmt="excel", columns=columns),
    )


def _generate(matches: int) -> None:
    """A company with `matches` held matches with 200 schools of Overijssel (bulk, no services)."""
    from django.utils import timezone

    from accounts.models import Organisation
    from matching.models import Match, Offer, Request
    from oversight.schoolyear import school_year_of

    if Match.objects.exists():
        return
    year = school_year_of()
    place = {
        "place": "Zwolle",
        "province": "overijssel",
        "landsdeel": "oost",
        "latitude": 52.5,
        "longitude": 6.1,
    }
    company = Organisation.objects.create(
        kind="company", name="Bench Busy BV", verified_at=timezone.now(), **place
    )
    schools = Organisation.objects.bulk_create(
        Organisation(kind="school", name=f"Bench school {i}", verified_at=timezone.now(), **place)
        for i in range(200)
    )
    window = {"levels": ["havo"], "levels_mask": 1}
    offer = Offer.objects.create(
        organisation=company,
        kind="guest_lesson",
        title="Bench les",
        status="open",
        capacity=matches,
        available_from=date(year, 8, 1),
        available_until=date(year + 1, 7, 31),
        **window,
    )
    requests = Request.objects.bulk_create(
        Request(
            organisation=school,
            kind="guest_lesson",
            title=f"Vraag {school.name}",
            status="open",
            slots=matches,
            wanted_from=date(year, 8, 1),
            wanted_until=date(year + 1, 7, 31),
            **window,
        )
        for school in schools
    )
    Match.objects.bulk_create(
        (
            Match(
                offer=offer,
                request=requests[i % len(requests)],
                school_id=requests[i % len(requests)].organisation_id,
                company=company,
                status="completed",
                activity_date=date(year, 9, 1) + timedelta(days=i % 250),
            )
            for i in range(matches)
        ),
        batch_size=2000,
    )


def pages(scratch: str | None, matches: int, runs: int) -> None:
    if scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from accounts.models import Organisation
    from matching.models import Match
    from oversight.schoolyear import happened_in, school_year_of
    from oversight.selectors.impact import organisation_impact
    from tests.accounts.factories import make_coordinator

    if scratch:
        call_command("migrate", verbosity=0)
        _generate(matches)
    year = school_year_of()
    busiest = (
        Match.objects.filter(happened_in(year))
        .values("company")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if not busiest:
        print("No held matches this school year: nothing to measure.")
        return
    company = Organisation.objects.get(pk=busiest["company"])
    print(f"Busiest company: {company.name} ({busiest['n']:,} held matches in {year}/{year + 1})")
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        organisation_impact(company, year)
        timings.append(time.perf_counter() - start)
    print(f"impact figures: best {min(timings) * 1000:.0f} ms, last {timings[-1] * 1000:.0f} ms (warm)")

    coordinator = make_coordinator(company.province, email="bench-impact-coordinator@example.nl")
    client = Client()
    client.force_login(coordinator)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(f"/organisations/{company.pk}/impact/")
        timings.append(time.perf_counter() - start)
    print(f"impact page: HTTP {response.status_code}, best {min(timings) * 1000:.0f} ms (warm)")

    rows = Match.objects.filter(school__province=company.province).count()
    response = client.get(
        "/coordinator/exports/matches.csv", {"format": "xlsx", "province": company.province}
    )
    _measure(f"coordinator XLSX export of {rows:,} matches", response.streaming_content)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("writer")
    w.add_argument("--rows", type=int, default=100_000)
    p = sub.add_parser("pages")
    p.add_argument("--scratch", help="a scratch SQLite file to migrate and fill (default: use DATABASE_URL)")
    p.add_argument("--matches", type=int, default=5000)
    p.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.command == "writer":
        writer(args.rows)
    else:
        pages(args.scratch, args.matches, args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"process peak RSS: {_mb(peak)}")


if __name__ == "__main__":
    main()
