"""The first searches right after a bulk load, when the planner's statistics are as the load left
them (issue 22: on a fresh national database the offers search took 39 s, 0.18 s after ANALYZE).

    .venv/bin/python bench/bench_first_search.py --data bench/data/oost.jsonl --runs 3

Per run: a fresh database copied from a migrated, empty template (so no statistics at all, like a
new installation; the PostgreSQL of this machine runs without autovacuum), `load_dataset`, then
`bench_api.py --first` in a new process: each list endpoint's first request as a school user and
its warm median. Both variants by default: `ANALYZE_AFTER_BULK=false` (the load leaves the
statistics stale, as before issue 22) and the default (the load analyses what it filled).
`--match` also runs `manage.py match` after the load, as the platform would overnight.
Prints one Markdown table with the medians over --runs; the databases are dropped at the end.

Needs the local PostgreSQL; BENCH_DATABASE_URL names the database (default
postgres://postgres@127.0.0.1:5432/tpm_bench); this script uses `<name>_fresh` and `<name>_tmpl`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tpm_bench")
VARIANTS = {"stale statistics (no ANALYZE after the load)": "false", "ANALYZE after the load": "true"}


def _psql(sql: str) -> str:
    return subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],  # noqa: S607
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def _run(args: list[str], database: str, analyse: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": f"{BASE_URL.rsplit('/', 1)[0]}/{database}",
        "ANALYZE_AFTER_BULK": analyse,
        "DEBUG": "true",
        "LOG_JSON": "false",
    }
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def _drop(name: str) -> None:
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data" / "national.jsonl")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=10, help="warm requests per endpoint")
    parser.add_argument("--match", action="store_true", help="run the matcher after the load too")
    parser.add_argument("--only", choices=["false", "true"], help="one variant (ANALYZE_AFTER_BULK)")
    args = parser.parse_args()
    name = BASE_URL.rsplit("/", 1)[-1]
    template, fresh = f"{name}_tmpl", f"{name}_fresh"
    _drop(template)
    _psql(f'CREATE DATABASE "{template}"')
    _run([PY, "manage.py", "migrate", "--noinput", "-v0"], template, "true")
    _psql(f'ALTER DATABASE "{template}" WITH ALLOW_CONNECTIONS false')
    figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    seconds_load: dict[str, list[float]] = {}
    variants = {k: v for k, v in VARIANTS.items() if args.only in (None, v)}
    try:
        for _ in range(args.runs):
            for label, analyse in variants.items():
                _drop(fresh)
                _psql(f'CREATE DATABASE "{fresh}" TEMPLATE "{template}"')
                started = time.perf_counter()
                _run([PY, "manage.py", "load_dataset", str(args.data), "--no-progress"], fresh, analyse)
                if args.match:
                    _run([PY, "manage.py", "match"], fresh, analyse)
                seconds_load.setdefault(label, []).append(time.perf_counter() - started)
                out = _run(
                    [PY, "bench/bench_api.py", "--first", "--requests", str(args.requests)], fresh, analyse
                )
                for path, first, warm in re.findall(r"^\| `(.+?)` \| ([\d.]+) \| ([\d.]+) \|$", out, re.M):
                    figures.setdefault((label, path), []).append((float(first), float(warm)))
                print(f"  {label}: done", file=sys.stderr, flush=True)
    finally:
        _drop(fresh)
        _psql(f'ALTER DATABASE "{template}" WITH ALLOW_CONNECTIONS true')
        _drop(template)
    what = "load_dataset + match" if args.match else "load_dataset"
    print(f"Data: {args.data.name}; medians of {args.runs} fresh loads; school user.\n")
    print(f"| statistics | endpoint | first request ms | warm p50 ms | {what} s |")
    print("|---|---|---:|---:|---:|")
    for (label, path), rows in figures.items():
        first = statistics.median(r[0] for r in rows)
        warm = statistics.median(r[1] for r in rows)
        print(
            f"| {label} | `{path}` | {first:.1f} | {warm:.1f} | {statistics.median(seconds_load[label]):.1f} |"
        )


if __name__ == "__main__":
    main()
