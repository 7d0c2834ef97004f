"""Container health check: exit 0 when GET /healthz?scope=web answers 200, otherwise 1.

Run by the Dockerfile's HEALTHCHECK (python:*-slim has no curl), with the standard
library only so it starts fast and does not import Django.

- scope=web checks the database and Redis but not the Celery workers (config/health.py):
  a web container must not turn unhealthy because no worker is running yet.
  HEALTHCHECK_PATH overrides it.
- Host: localhost (override with HEALTHCHECK_HOST): the request must pass ALLOWED_HOSTS.
- X-Forwarded-Proto: https: with SECURE_PROXY_SSL_HEADER set, Django then treats the
  probe as secure and does not answer SECURE_SSL_REDIRECT's 301.
- Redirects are not followed: a 3xx means something is misconfigured, so it fails.
"""

import os
import sys
import urllib.error
import urllib.request


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError for the 3xx


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{os.environ.get('HEALTHCHECK_PATH', '/healthz?scope=web')}",
        headers={
            "Host": os.environ.get("HEALTHCHECK_HOST", "localhost"),
            "X-Forwarded-Proto": "https",
            "User-Agent": "techniekpact-healthcheck",
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    timeout = float(os.environ.get("HEALTHCHECK_TIMEOUT", "4"))
    try:
        # Fixed http URL on the loopback interface, not user input.
        with opener.open(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"healthcheck: {request.full_url} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
