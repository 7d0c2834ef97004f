"""The benchmark suite in one command: seeds the national dataset of DESIGN §8 into PostgreSQL (once),
runs every benchmark and writes their figures as one Markdown file.

    make bench                      # = .venv/bin/python bench/run_all.py
    .venv/bin/python bench/run_all.py --runs 3 --out bench/RESULTS.md [--skip-seed] [--quick]

Needs the local PostgreSQL and Redis (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/tpm_bench; BENCH_REDIS_URL, default redis://127.0.0.1:6379/8).
Sections, each the median of --runs runs (the machine is noisy):
  1. API list/filter endpoints and main pages: p50/p95 and queries per request (bench_api.py)
  2. coordinator dashboard, monitor and reports API, warm cache and cold (bench_dashboard.py)
  3. the full national matcher run through the database, per phase, peak memory (manage.py match)
  4. incremental publish → proposal visible with a real worker (bench_incremental.py)
  5. notification throughput: 10,000 mails to a local SMTP server with 2 workers (bench_notifications.py)
  6. the first searches right after a fresh load, statistics stale vs analysed (bench_first_search.py,
     in its own databases <name>_fresh and <name>_tmpl, dropped afterwards)
  7. scale-out: the national run as five landsdeel tasks on 1 and 2 worker processes vs one national
     process (bench_scaleout.py, one round: ~30 min; --skip-scaleout leaves it out)
The seed step generates bench/data/national.jsonl (seeded, reproducible), loads it with
load_dataset and lets the matcher propose, as the platform would overnight.
"""

from __future__ import annotations

import argparse
import os
import platform as stdlib_platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tpm_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
DATA = ROOT / "bench" / "data" / "national.jsonl"
# Before a timed national run: no matcher proposals, all capacity free again.
RESET_PROPOSALS = (
    "BEGIN; DELETE FROM matching_match WHERE source = 'matcher'; "
    "UPDATE matching_offer SET committed = 0 WHERE committed > 0; "
    "UPDATE matching_request SET committed = 0 WHERE committed > 0; "
    "UPDATE matching_request SET status = 'open' WHERE status = 'fulfilled'; COMMIT;"
)

from bench.report import median, table, table_lines  # noqa: E402


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": DB_URL, "REDIS_URL": REDIS_URL, "DEBUG": "true", **extra}


def _run(args: list[str], env: dict[str, str] | None = None, timeout: int = 3600) -> str:
    print("$", " ".join(args), flush=True)
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 (our own scripts)
        args, cwd=ROOT, env=env or _env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    print(f"  ({time.monotonic() - started:.0f} s, exit {done.returncode})", flush=True)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def _psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],  # noqa: S607
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def seed() -> None:
    name = DB_URL.rsplit("/", 1)[-1]
    if not DATA.exists():
        _run([PY, "bench/generate_dataset.py", "--out", str(DATA)])
    if _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        _psql(f'CREATE DATABASE "{name}"')
    _run([PY, "manage.py", "migrate", "--noinput", "-v0"])
    if _psql("SELECT count(*) FROM matching_offer", name) in ("", "0"):
        _run([PY, "manage.py", "load_dataset", str(DATA)])
        _psql("VACUUM ANALYZE", name)
        _run([PY, "manage.py", "match"])
        _psql("VACUUM ANALYZE", name)


def matcher(runs: int) -> str:
    """Full national runs through the database: the proposals are reset before each run."""
    name = DB_URL.rsplit("/", 1)[-1]
    rows = []
    for _ in range(runs):
        _psql(RESET_PROPOSALS, name)
        _psql("VACUUM ANALYZE matching_match, matching_offer, matching_request", name)
        out = _run([PY, "manage.py", "match"])
        line = next(line for line in out.splitlines() if line.startswith("Seconds:"))
        numbers = dict(re.findall(r"(load|engine|persist|total) ([\d.]+)", line))
        memory = re.search(r"peak memory (\d+) MB", line)
        rows.append(
            {k: float(v) for k, v in numbers.items()} | {"mb": float(memory.group(1)) if memory else 0}
        )
    _psql("VACUUM ANALYZE", name)
    med = {k: median(r[k] for r in rows) for k in rows[0]}
    phases = [(k, f"{med[k]:.1f}") for k in ("load", "engine", "persist", "total")]
    return table(
        ("phase", f"seconds (median of {runs})"),
        [*phases, ("peak memory", f"{med['mb']:.0f} MB")],
        right=(1,),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one run each, fewer requests, 2,000 mails")
    parser.add_argument("--skip-scaleout", action="store_true", help="leave out section 7 (~30 min)")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    if not args.skip_seed:
        seed()
    sections = [
        "# Benchmark results\n",
        f"Machine: {os.cpu_count()} cores, Python {stdlib_platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}; database {DB_URL.rsplit('/', 1)[-1]} (national set).\n",
    ]
    requests = "10" if args.quick else "30"
    sections += [
        "## API endpoints and main pages\n",
        table_lines(_run([PY, "bench/bench_api.py", "--runs", str(runs), "--requests", requests])),
        "",
    ]
    sections += [
        "## Coordinator dashboard (figures cached, as served)\n",
        table_lines(_run([PY, "bench/bench_dashboard.py", "--runs", str(runs), "--requests", requests])),
        "",
    ]
    cold = _run(
        [PY, "bench/bench_dashboard.py", "--runs", "1", "--requests", "3"],
        env=_env(OVERSIGHT_CACHE_SECONDS="0"),
    )
    sections += [
        "## Coordinator dashboard, cold (cache off: every request computes)\n",
        table_lines(cold),
        "",
    ]
    sections += ["## Full national matcher run\n", matcher(runs), ""]
    sections += [
        "## Incremental path\n",
        "| path | figure |\n|---|---|",
        table_lines(_run([PY, "bench/bench_incremental.py", "--runs", "3" if args.quick else "6"])),
        "",
    ]
    mails = "2000" if args.quick else "10000"
    sections += ["## Notification throughput\n", "| path | figure |\n|---|---|", table_lines(_run([PY, "bench/bench_notifications.py", "--deliveries", mails, "--workers", "2", "--runs", str(runs)], env={**os.environ, "REDIS_URL": REDIS_URL}))]  # fmt: skip
    first = _run([PY, "bench/bench_first_search.py", "--data", str(DATA), "--runs", str(runs)])
    sections += ["", "## First requests right after a load (fresh database, no autovacuum)\n", first.strip()]
    if not args.skip_scaleout:
        # Last: it rewrites the matcher's proposals three times (they end as the 2-worker run's).
        scaleout = _run([PY, "bench/bench_scaleout.py", "--rounds", "1"], timeout=3 * 3600)
        sections += [
            "",
            "## Scale-out: five landsdeel runs on 1 and 2 workers vs one process\n",
            table_lines(scaleout),
        ]
    Path(args.out).write_text("\n".join(sections) + "\n", encoding="utf-8")
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
