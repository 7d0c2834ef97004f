"""CI smoke of the load harness (bench/load.py): 20 users for 10 s against gunicorn + a real
Celery worker on PostgreSQL and Redis, and not one failed request.

It uses its own database (<configured name>_loadsmoke, created and kept by the harness) and the
next Redis database number, so the queue it leaves never reaches another test's worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker, pytest.mark.timeout(240)]
ROOT = Path(__file__).resolve().parents[2]


def _load_urls() -> tuple[str, str]:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    database = f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}_loadsmoke"
    redis = urlsplit(settings.REDIS_URL)
    number = int(redis.path.strip("/") or 0)
    return database, urlunsplit(redis._replace(path=f"/{(number + 1) % 16}"))


def test_twenty_users_for_ten_seconds_without_a_failed_request(tmp_path):
    database, redis = _load_urls()
    done = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            "-u",
            "20",
            "-r",
            "10",
            "-t",
            "10s",
            "--out",
            str(tmp_path / "smoke"),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database, "REDIS_URL": redis},
        capture_output=True,
        text=True,
        timeout=200,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    total = next(line for line in done.stdout.splitlines() if line.startswith("TOTAL"))
    requests, failures = (int(part.split("=")[1]) for part in total.split()[1:3])
    assert failures == 0
    # Every kind of user got through: teachers, company staff and the coordinators' dashboard.
    for group in ("GET offers (filtered)", "GET requests (filtered)", "GET coordinator dashboard"):
        assert f"| {group} |" in done.stdout
    assert requests >= 60, total
