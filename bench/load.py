"""Load test harness: PostgreSQL + Redis + gunicorn + one real Celery worker + locust, headless.

    .venv/bin/python bench/load.py                      # 200 users, 20/s, 60 s (the figures in bench/README.md)
    .venv/bin/python bench/load.py -u 20 -r 10 -t 10s   # the CI smoke (tests/security/test_load_smoke.py)

It creates the database if missing (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/tpm_load),
migrates, seeds the demo region plus load users (teachers, company staff, coordinators with TOTP)
with DRF tokens and, for the coordinators' HTML dashboard, ready sessions; collects static files;
starts gunicorn (platform/gunicorn.conf.py, DEBUG=false) on a free port and a Celery worker on
REDIS_URL (default redis://127.0.0.1:6379/14); runs bench/locustfile.py; prints requests, failures
and p50/p95 per endpoint group, and exits 1 when any request failed.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable

from bench.report import table  # noqa: E402
from tests.workers import spawn_worker, stop  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/tpm_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
# How many accounts of each kind; locust users take them round-robin.
TEACHERS, COMPANY_STAFF, COORDINATORS = 150, 100, 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


SEED = r"""
import json, sys
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import CoordinatorRegion, Membership, Organisation, User
from accounts.tokens import api_token_create

teachers, staff, coordinators = (int(n) for n in sys.argv[1:4])
schools = list(Organisation.objects.filter(kind="school", verified_at__isnull=False).order_by("pk"))
companies = list(Organisation.objects.filter(kind="company", verified_at__isnull=False).order_by("pk"))
assert schools and companies, "seed_demo made no verified organisations"

def person(email, name):
    user = User.objects.filter(email=email).first()
    if user is None:
        # No password: tokens and sessions only (hashing 280 passwords would take a minute).
        user = User.objects.create_user(email=email, password=None, name=name)
        EmailAddress.objects.get_or_create(user=user, email=email, verified=True, primary=True)
    return user

out = {"teacher": [], "company": [], "coordinator": []}
for n in range(teachers):
    user = person(f"load-teacher-{n}@example.nl", f"Load teacher {n}")
    Membership.objects.get_or_create(user=user, organisation=schools[n % len(schools)])
    out["teacher"].append({"token": api_token_create(user=user, name="load test")[1]})
for n in range(staff):
    user = person(f"load-company-{n}@example.nl", f"Load staff {n}")
    Membership.objects.get_or_create(user=user, organisation=companies[n % len(companies)])
    out["company"].append({"token": api_token_create(user=user, name="load test")[1]})
for n in range(coordinators):
    user = person(f"load-coordinator-{n}@example.nl", f"Load coordinator {n}")
    for province in ("overijssel", "gelderland"):
        CoordinatorRegion.objects.get_or_create(user=user, province=province)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    # A signed-in session, as after password + TOTP: the load measures the dashboard, not log-in.
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    out["coordinator"].append(
        {"token": api_token_create(user=user, name="load test")[1], "session": session.session_key}
    )
print(json.dumps(out))
"""


# The same hashed names as production's CompressedManifestStaticFilesStorage, without compressing
# 40 MB of vendored files (a minute of CPU), which the figures do not depend on.
COLLECTSTATIC = """
from django.conf import settings
from django.core.management import call_command
manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}
call_command("collectstatic", "--noinput", verbosity=0)
"""


def _wait_http(url: str, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def _summary(prefix: Path) -> tuple[int, int, list[tuple[str, int, int, float, float, float]]]:
    rows = []
    total = failures = 0
    with open(f"{prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            count, failed = int(row["Request Count"]), int(row["Failure Count"])
            if row["Name"] == "Aggregated":
                total, failures = count, failed
                rps = float(row["Requests/s"])
                rows.append(("all", count, failed, float(row["50%"]), float(row["95%"]), rps))
                continue
            rows.append(
                (
                    row["Name"],
                    count,
                    failed,
                    float(row["50%"]),
                    float(row["95%"]),
                    float(row["Requests/s"]),
                )
            )
    return total, failures, rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-u", "--users", type=int, default=200)
    parser.add_argument("-r", "--spawn-rate", type=float, default=20)
    parser.add_argument("-t", "--run-time", default="60s")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "data" / "load"), help="CSV prefix")
    parser.add_argument("--skip-setup", action="store_true", help="no migrate/seed/collectstatic (rerun)")
    args = parser.parse_args()

    db_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    if not db_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "tpm-load",
        "DEBUG": "false",
        "SECRET_KEY": "load-test-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOGLEVEL": "warning",
        "GUNICORN_CONTROL_SOCKET": f"/tmp/tpm-load-gunicorn-{port}.ctl",  # noqa: S108
        "WEB_CONCURRENCY": str(args.web_workers),
        "PYTHONUNBUFFERED": "1",
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    static_root = out.parent / f"{out.name}-static"
    env["STATIC_ROOT"] = str(static_root)
    logs = out.parent / f"{out.name}-logs"
    logs.mkdir(exist_ok=True)

    def manage(*argv: str) -> str:
        began = time.monotonic()
        done = subprocess.run(
            [PY, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
        print(f"  manage.py {argv[0]}: {time.monotonic() - began:.1f} s", flush=True)
        return done.stdout

    started = time.monotonic()
    _ensure_database(db_url)
    tokens = out.parent / f"{out.name}-users.json"
    if not args.skip_setup or not tokens.exists():
        manage("migrate", "--noinput")
        if not (static_root / "staticfiles.json").exists():
            manage("shell", "-c", COLLECTSTATIC)
        manage("seed_demo")
        seeded = manage(
            "shell",
            "-c",
            f"import sys; sys.argv = ['', '{TEACHERS}', '{COMPANY_STAFF}', '{COORDINATORS}']\n{SEED}",
        )
        tokens.write_text(seeded.strip().splitlines()[-1])
    print(f"setup: {time.monotonic() - started:.1f} s ({db_url.rsplit('/', 1)[1]}, {redis_url})", flush=True)

    procs: list[subprocess.Popen] = []
    try:
        web_log = open(logs / "gunicorn.log", "w")  # noqa: SIM115
        web = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                "-c",
                "platform/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=web_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append(web)
        worker_log = open(logs / "celery.log", "w")  # noqa: SIM115
        procs.append(spawn_worker(env, output=worker_log, own_group=True))
        host = f"http://127.0.0.1:{port}"
        _wait_http(f"{host}/healthz", 60, web)
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust_started = time.monotonic()
        locust = subprocess.run(
            [
                PY,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                args.run_time,
                "-H",
                host,
                "--csv",
                str(out),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "LOAD_USERS_FILE": str(tokens)},
            check=False,
            capture_output=True,
            text=True,
        )
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        generator_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
            cpu_before.ru_utime + cpu_before.ru_stime
        )
        generator_wall = time.monotonic() - locust_started
        (logs / "locust.log").write_text(locust.stdout + locust.stderr)
    finally:
        for proc in procs:
            stop(proc)

    if not Path(f"{out}_stats.csv").exists():
        print(locust.stdout[-3000:], locust.stderr[-3000:])
        return 1
    total, failures, rows = _summary(out)
    print(
        f"{args.users} users, spawn {args.spawn_rate}/s, {args.run_time}, {args.web_workers} gunicorn workers"
    )
    print(
        table(
            ("endpoint group", "requests", "failures", "p50 ms", "p95 ms", "req/s"),
            [
                (name, count, failed, f"{p50:.0f}", f"{p95:.0f}", f"{rps:.1f}")
                for name, count, failed, p50, p95, rps in rows
            ],
            right=(1, 2, 3, 4, 5),
        )
    )
    print(
        f"load generator (locust) CPU: {generator_cpu:.0f} s in {generator_wall:.0f} s on "
        f"{os.cpu_count()} cores (it shares them with the server)"
    )
    print(f"TOTAL requests={total} failures={failures}")
    if failures:
        with open(f"{out}_failures.csv", newline="") as fh:
            print(fh.read()[:3000])
    return 1 if failures or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
