"""Gunicorn settings for the web role.

    gunicorn -c platform/gunicorn.conf.py config.wsgi:application

Every number can be changed with an environment variable, so the same image fits a
laptop (docker compose) and a cluster (Kubernetes, where WEB_CONCURRENCY is set from
the pod's CPU limit in platform/k8s/configmap.yaml).

Gunicorn executes this file itself; it is not imported as part of any package.
"""

import json
import math
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _available_cpus() -> int:
    """CPUs this container may use: the cgroup quota first, since os.cpu_count() reports
    the host's cores (a 64-core node would otherwise start 129 workers in a 1-CPU pod)."""
    try:
        with open("/sys/fs/cgroup/cpu.max", encoding="ascii") as fh:  # cgroup v2
            quota, period = fh.read().split()[:2]
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# --- Server socket ----------------------------------------------------------------
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# --- Worker processes -------------------------------------------------------------
# The usual 2 x cores + 1, capped: each process loads Django and opens its own database
# connections (workers x threads per container), which PostgreSQL's max_connections bounds.
workers = _env_int("WEB_CONCURRENCY", min(2 * _available_cpus() + 1, _env_int("WEB_CONCURRENCY_MAX", 8)))
threads = _env_int("GUNICORN_THREADS", 2)
worker_class = "gthread" if threads > 1 else "sync"

# Requests are short (heavy matching runs in Celery), so 30 s means something is stuck.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# Time for in-flight requests after SIGTERM; keep below the pod's terminationGracePeriodSeconds.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the default 2 s so a reverse proxy reusing a connection does not race its close.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then to bound slow memory growth; jitter avoids all at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Heartbeat files on tmpfs: on a container's overlay filesystem they can block workers
# long enough to be killed (gunicorn FAQ, "Blocking OS calls").
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# gunicorn >= 25 opens a control socket under $HOME by default; /tmp is writable in the
# container (an emptyDir in Kubernetes), /app and $HOME need not be.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "/tmp/gunicorn.ctl")  # noqa: S108

# --- Proxy ------------------------------------------------------------------------
# IPs whose X-Forwarded-Proto/-For gunicorn trusts. Default: only the local host. In
# Kubernetes the ingress controller's pod IPs are not fixed, so the ConfigMap sets "*"
# (pods are only reachable inside the cluster network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logging ----------------------------------------------------------------------
accesslog = "-"  # stdout: the container runtime collects it
errorlog = "-"  # stderr
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
HEALTH_PATH = "/healthz"


class JsonAccessLogger(Logger):
    """One JSON object per request on stdout, so log shippers need no regex.

    gunicorn's access_log_format only fills a %-template, which cannot escape quotes in
    paths or user agents; this builds the record from the same atoms and json.dumps it.
    Successful /healthz probes (every few seconds per container) are not logged.
    """

    def access(self, resp, req, environ, request_time):
        if not getattr(self, "access_log_enabled", True):
            return
        atoms = self.atoms(resp, req, environ, request_time)
        status = str(atoms.get("s", "-"))
        if environ.get("PATH_INFO") == HEALTH_PATH and status.startswith("2"):
            return
        record = {
            # UTC: Django sets TZ=Europe/Amsterdam in the worker, so local time would vary.
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "remote_addr": atoms.get("h"),
            "forwarded_for": atoms.get("{x-forwarded-for}i"),
            "request_id": atoms.get("{x-request-id}i"),
            # Error responses gunicorn makes itself carry a bare environ: fall back to req.
            "method": atoms.get("m") or getattr(req, "method", None),
            "path": atoms.get("U") or getattr(req, "path", None),
            "query": atoms.get("q") or None,
            "protocol": atoms.get("H"),
            "status": int(status) if status.isdigit() else status,
            "bytes": atoms.get("B"),
            "duration_ms": atoms.get("M"),
            "referer": None if atoms.get("f") == "-" else atoms.get("f"),
            "user_agent": None if atoms.get("a") == "-" else atoms.get("a"),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(record, ensure_ascii=False, default=str))
        except Exception:  # never let logging break a response
            self.exception("access log failed")


logger_class = JsonAccessLogger
