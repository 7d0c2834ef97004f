"""Making the requests of a row as one role and comparing what comes back.

Each request runs in a savepoint that is rolled back (and each test in one of the shared
scenario's transaction), so every check sees the same fresh scenario and the order of the rows
does not matter.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from tests.security.matrix.dsl import LOGIN, ROLES, Check, Expected
from tests.security.matrix.visibility import NEVER_SEES, SCOPED_NEVER_SEES
from tests.security.scenario import Scenario

REFUSED = {403, 404, 405, LOGIN}


def user_of(s: Scenario, role: str) -> AbstractBaseUser | None:
    return None if role == "anonymous" else getattr(s.cast, role)


def sign_in(s: Scenario) -> dict[str, str]:
    """A session per role (the session cookie's value), made once for a module of tests."""
    sessions = {}
    for role in ROLES:
        user = user_of(s, role)
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def client_for(role: str, sessions: dict[str, str], *, for_api: bool) -> Client:
    # Session login for the API too, so the coordinators' two-factor middleware sees the
    # person exactly as it does in production (force_authenticate would bypass it).
    client: Client = APIClient() if for_api else Client()
    client.cookies["django_language"] = "en"
    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


def _outcome(response) -> Expected:  # noqa: ANN001
    if response.status_code == 302 and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    if response.status_code == 302 and "/accounts/2fa/" in response.get("Location", ""):
        return "2fa"
    return response.status_code


def _body(response) -> str:  # noqa: ANN001
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _request(client: Client, check: Check, target: str, s: Scenario, for_api: bool):  # noqa: ANN202
    data = check.data(s) if callable(check.data) else check.data
    method = getattr(client, check.method.lower())
    if check.method == "GET":
        return method(target)
    if for_api:
        return method(target, data or {}, format="json")
    return method(target, data or {})


def _format_suffix_variants(name: str, target: str) -> list[str]:
    """The same URL with a format suffix (`/offers/1.json`), where a route for it exists."""
    path, _, query = target.partition("?")
    for candidate in (path.rstrip("/") + ".json", path + ".json"):
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if match.view_name == name:
            return [candidate + (f"?{query}" if query else "")]
    return []


def targets_of(name: str, check: Check, s: Scenario) -> list[str]:
    """The URLs one check requests: its own, and for reads its format-suffix variant."""
    target = check.url(s)
    return [target, *_format_suffix_variants(name, target)] if check.method == "GET" else [target]


def _compare(check: Check, role: str, label: str, response, s: Scenario) -> list[str]:  # noqa: ANN001
    problems = []
    expected = check.expect[role]
    got = _outcome(response)
    if got != expected:
        problems.append(f"{label}: expected {expected}, got {got}")
    if got == 200:
        body = _body(response)
        hidden = NEVER_SEES[role] + (SCOPED_NEVER_SEES.get(role, ()) if check.scoped else ())
        if leaked := [word for word in hidden if word in body]:
            problems.append(f"{label}: shows {leaked}")
        if missing := [word for word in check.shows.get(role, ()) if word not in body]:
            problems.append(f"{label}: should show {missing}")
    return problems


def run_route(
    s: Scenario, sessions: dict[str, str], role: str, name: str, checks: list[Check]
) -> tuple[list[str], int]:
    """Every check of one route for one role; returns the mismatches and the number of requests."""
    problems: list[str] = []
    count = 0
    clients: dict[bool, Client] = {}
    for check in checks:
        for target in targets_of(name, check, s):
            count += 1
            label = f"{name} {check.method} {target}"
            expected = check.expect[role]
            keeps_for = check.keeps_for if check.keeps_for is not None else ()
            guard = check.keeps is not None and (expected in REFUSED or role in keeps_for)
            for_api = target.startswith("/api/")
            if for_api not in clients:
                clients[for_api] = client_for(role, sessions, for_api=for_api)
            with transaction.atomic():
                before = check.keeps(s) if guard else None
                try:
                    response = _request(clients[for_api], check, target, s, for_api)
                except Exception as exc:  # a crash is a finding too; keep going
                    problems.append(f"{label}: raised {exc.__class__.__name__}: {exc}")
                    transaction.set_rollback(True)
                    continue
                problems += _compare(check, role, label, response, s)
                if guard and check.keeps(s) != before:
                    problems.append(f"{label}: refused (or not theirs), yet something changed")
                transaction.set_rollback(True)
    return problems, count
