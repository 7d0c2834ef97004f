"""Public catalogue search, map data and saved-search alerts on whatever data the database holds.

Usage (PostgreSQL with a loaded data set, e.g. the national one; see README "Benchmarks"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tpm_bench \\
        .venv/bin/python bench/bench_catalogue.py --requests 50 --searches 20000 --new-offers 1000

Prints, never asserts (targets from issue 19: search p95 < 80 ms on 250,000 offers; map data for
a province < 150 ms and < 300 kB; alerts for 1,000 new offers against 20,000 saved searches
< 10 s). Requests go through Django's test client in-process, anonymously, so the figures are
the application's own time. The alerts part runs inside a transaction that is rolled back: the
saved searches and notifications it makes are not kept.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from catalogue.alerts import alerts_check  # noqa: E402
from catalogue.models import SavedSearch  # noqa: E402
from matching.models import Offer  # noqa: E402
from taxonomy.levels import LEVEL_BIT  # noqa: E402
from taxonomy.places import get_place  # noqa: E402

SEARCHES = [
    "/aanbod/?q=techniek",
    "/aanbod/?q=ict&near=Zwolle&within_km=30&ordering=distance",
    "/aanbod/?q=gastles&near=Utrecht&within_km=50&kind=guest_lesson&level=havo",
    "/aanbod/?near=Amsterdam&within_km=20&ordering=distance",
    "/aanbod/?q=bedrijfsbezoek%20-stage&province=noord-brabant&ordering=date",
    "/api/v1/offers/?q=techniek&near=Eindhoven&within_km=40&ordering=distance",
    "/api/v1/offers/?near=Groningen&within_km=25&kind=internship",
]
MAP = "/aanbod/kaart.json?province={province}"
PLACES = ["Zwolle", "Utrecht", "Amsterdam", "Rotterdam", "Eindhoven", "Groningen", "Enschede", "Arnhem"]


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[int(q * (len(values) - 1))]


def bench_search(client: Client, n: int) -> None:
    print(
        f"catalogue search ({Offer.objects.filter(status='open').count():,} open offers), {n} requests each"
    )
    print(f"{'path':<88} {'p50 ms':>8} {'p95 ms':>8}")
    for path in SEARCHES:
        client.get(path)
        times = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(f"{path:<88} {statistics.median(times):8.1f} {_p(times, 0.95):8.1f}")


def bench_map(client: Client, n: int) -> None:
    print("map data per province")
    print(f"{'province':<16} {'points':>7} {'kB':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for province in ("overijssel", "noord-holland", "zuid-holland", "noord-brabant", "zeeland"):
        path = MAP.format(province=province)
        times, size, points = [], 0, 0
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
            points = len(response.json()["points"])
        print(
            f"{province:<16} {points:7d} {size / 1000:7.1f} {statistics.median(times):8.1f} {_p(times, 0.95):8.1f}"
        )


def bench_alerts(searches: int, new_offers: int) -> None:
    rng = random.Random(19)
    words = ["techniek", "ict", "robot", "zorg", "bouw", "energie", "", "", "", ""]
    with transaction.atomic():
        user, _ = User.objects.get_or_create(email="bench-alerts@example.nl", defaults={"name": "Bench"})
        text_queries = {}
        if connection.vendor == "postgresql":
            from matching.search import PREFIX_SQL

            with connection.cursor() as cursor:
                for word in filter(None, set(words)):
                    cursor.execute(f"SELECT ({PREFIX_SQL})::text", [word])  # noqa: S608 (a constant)
                    text_queries[word] = cursor.fetchone()[0]
        rows = []
        for _ in range(searches):
            place = get_place(rng.choice(PLACES))
            word = rng.choice(words)
            level = rng.choice(["", "", "havo", "vmbo-b", "mbo-2"])
            rows.append(
                SavedSearch(
                    user=user,
                    name="bench",
                    text=word,
                    text_query=text_queries.get(word, ""),
                    latitude=place.lat,
                    longitude=place.lon,
                    within_km=rng.choice([10, 25, 50]),
                    level=level,
                    level_bit=LEVEL_BIT.get(level, 0),
                    created_at=django.utils.timezone.now() - django.utils.timezone.timedelta(days=3650),
                )
            )
        SavedSearch.objects.bulk_create(rows, batch_size=5000)
        ids = list(
            Offer.objects.filter(status="open").order_by("-pk").values_list("pk", flat=True)[:new_offers]
        )
        started = time.perf_counter()
        reported = alerts_check(side="offer", listing_ids=ids)
        seconds = time.perf_counter() - started
        print(
            f"alerts: {len(ids):,} new offers × {searches:,} saved searches → {reported:,} pairs in {seconds:.2f} s"
        )
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--searches", type=int, default=20000)
    parser.add_argument("--new-offers", type=int, default=1000)
    args = parser.parse_args()
    print(f"database: {connection.vendor}")
    client = Client()
    bench_search(client, args.requests)
    bench_map(client, max(5, args.requests // 3))
    bench_alerts(args.searches, args.new_offers)


if __name__ == "__main__":
    main()
