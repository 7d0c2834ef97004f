"""Real Celery worker subprocesses: the one way tests and benchmarks start them.

The worker and fault tests use :func:`start_worker` (a worker on the test database); the
benchmarks (`bench/load.py`, `bench/bench_incremental.py`, `bench/bench_notifications.py`,
`bench/bench_scaleout.py`) use :func:`spawn_worker` or :func:`running_workers` with their own
environment. Nothing here needs Django set up, except :func:`start_worker`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
ALL_QUEUES = "default,matching,notifications"


def wait_for(predicate: Callable[[], bool], seconds: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def worker_command(
    *,
    queues: str = ALL_QUEUES,
    concurrency: int = 1,
    pool: str = "solo",
    name: str | None = None,
    loglevel: str = "WARNING",
) -> list[str]:
    """The `celery worker` command line. `--pool solo` runs the task in the worker process itself,
    so killing its pid kills the task mid-way; `prefork` forks a child per slot."""
    command = [
        sys.executable, "-m", "celery", "-A", "config.celery_app", "worker",
        "-Q", queues, "--concurrency", str(concurrency), "--pool", pool, "--loglevel", loglevel,
        "--without-heartbeat", "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    if name:
        command += ["-n", name]
    return command


def spawn_worker(
    env: Mapping[str, str],
    *,
    output: int | IO[str] | None = subprocess.PIPE,
    own_group: bool = False,
    **command: object,
) -> subprocess.Popen:
    """Start one worker with this environment (DATABASE_URL, REDIS_URL, …); `own_group` puts it in
    a process group of its own so :func:`stop` also ends a prefork worker's children."""
    return subprocess.Popen(  # noqa: S603 (our own command line)
        worker_command(**command),  # type: ignore[arg-type]
        cwd=ROOT,
        env=dict(env),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=own_group,
    )


def start_worker(redis_url: str, **env: str) -> subprocess.Popen:
    """A worker on the test database this process uses, with Redis at `redis_url`."""
    from django.db import connection

    db = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return spawn_worker(environment)


def stop(proc: subprocess.Popen) -> str:
    """Stop a process we started (politely, then by force) and return what it printed."""
    group = proc.pid if _leads_group(proc) else None
    if proc.poll() is None:
        _signal(proc, group, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            _signal(proc, group, signal.SIGKILL)
            proc.wait(5)
    return proc.stdout.read().decode(errors="replace") if proc.stdout else ""


def _leads_group(proc: subprocess.Popen) -> bool:
    try:
        return os.getpgid(proc.pid) == proc.pid
    except ProcessLookupError:
        return False


def _signal(proc: subprocess.Popen, group: int | None, signum: int) -> None:
    if group is not None:
        os.killpg(group, signum)
    else:
        proc.send_signal(signum)


@contextmanager
def running_workers(
    count: int = 0, env: Mapping[str, str] | None = None, **options: object
) -> Iterator[list[subprocess.Popen]]:
    """`count` workers started with :func:`spawn_worker` (more may be appended to the list); all
    are stopped on the way out. A `name` may hold `{i}`, the worker's index."""
    procs: list[subprocess.Popen] = []
    name = options.pop("name", None)
    try:
        for index in range(count):
            named = {"name": str(name).format(i=index)} if name else {}
            procs.append(spawn_worker(env or os.environ, **options, **named))  # type: ignore[arg-type]
        yield procs
    finally:
        for proc in procs:
            stop(proc)
