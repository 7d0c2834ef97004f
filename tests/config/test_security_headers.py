"""With production settings, every response carries the security headers and cookies a browser
needs (RELIABILITY): checked on real responses, in a process started with DEBUG=false."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, django
django.setup()
from django.conf import settings
# Headers do not depend on the static files; a fresh clone has no collectstatic manifest.
settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from accounts.models import User
User.objects.create_user("probe@example.nl", "a-Long-probe-passw0rd!")
client = Client(HTTP_HOST="match.techniekpact.nl")
out = {}
home = client.get("/", secure=True)
out["home"] = {"status": home.status_code, "headers": dict(home.headers), "html": home.content.decode()}
form = client.get("/accounts/login/", secure=True)
login = client.post("/accounts/login/", {"login": "probe@example.nl", "password": "a-Long-probe-passw0rd!"}, secure=True)
out["cookies"] = {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]} for response in (form, login) for name, c in response.cookies.items()}
plain = client.get("/", secure=False)
out["plain"] = {"status": plain.status_code, "location": plain.headers.get("Location", "")}
print("PROBE" + json.dumps(out))
"""


def _probe(tmp_path: Path) -> dict:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "y" * 64 + "-production-secret-for-the-probe",
        "ALLOWED_HOSTS": "match.techniekpact.nl",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'headers.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_URL": "consolemail://",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    line = next((line for line in result.stdout.splitlines() if line.startswith("PROBE")), None)
    assert line, result.stdout[-2000:] + result.stderr[-4000:]
    return json.loads(line[len("PROBE") :])


def test_production_responses_carry_the_security_headers_and_safe_cookies(tmp_path):
    out = _probe(tmp_path)
    headers = {k.lower(): v for k, v in out["home"]["headers"].items()}
    assert out["home"]["status"] == 200

    csp = headers["content-security-policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in directives.get("script-src", directives.get("default-src", []))
    assert "'unsafe-eval'" not in csp
    assert directives.get("frame-ancestors") == ["'none'"] or headers["x-frame-options"] == "DENY"
    # No inline script in the page itself, so the policy costs nothing.
    html = out["home"]["html"]
    assert "<script>" not in html and "onclick=" not in html

    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["strict-transport-security"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-opener-policy"] == "same-origin"

    session = out["cookies"]["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert out["cookies"]["csrftoken"]["secure"]

    # Plain HTTP is sent to HTTPS.
    assert out["plain"]["status"] == 301 and out["plain"]["location"].startswith("https://")
