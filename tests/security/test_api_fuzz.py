"""Schemathesis against the live API: every operation of /api/v1/schema/, as a teacher, company
staff and a coordinator with two-factor, must never answer 5xx and must answer what the schema says.

The schema is fetched from a real HTTP server (pytest-django's live_server, the whole middleware
stack) and every generated request goes over the socket with a DRF token. Path ids are drawn half
from the seeded objects and half at random, so actions reach real offers, requests and matches
(other organisations' ones too) as well as ids that do not exist. Positive generation only:
bodies follow the schema, so writes get past validation and exercise the services.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from matching.models import Match, Offer, Request
from notifications.models import Notification
from tests.accounts.factories import make_api_token
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES_PER_OPERATION = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _seed(cast) -> dict[str, list[int]]:
    """A little of everything, so that detail routes and actions find objects to act on."""
    open_offer(cast.company, cast.hr, capacity=5)
    open_offer(cast.company, cast.hr, kind="company_visit", title="Bedrijfsbezoek", capacity=3)
    # The (eager) matcher proposes the guest-lesson offer to the request(s).
    open_request(cast.school, cast.teacher, slots=2)
    open_request(cast.other_school, cast.other_member, title="Elders gezocht")
    assert Match.objects.exists()
    return {
        "offers": list(Offer.objects.values_list("pk", flat=True)),
        "requests": list(Request.objects.values_list("pk", flat=True)),
        "matches": list(Match.objects.values_list("pk", flat=True)),
        "organisations": [cast.school.pk, cast.other_school.pk, cast.company.pk],
        "notifications": list(Notification.objects.values_list("pk", flat=True)) or [1],
    }


def _known_ids(path: str, ids: dict[str, list[int]]) -> list[int]:
    collection = path.removeprefix("/api/v1/").split("/", 1)[0]
    return ids.get(collection, [1])


def _fuzz_operation(operation, base_url: str, headers: dict[str, str], ids: dict[str, list[int]]) -> int:
    """Run one operation's examples; returns how many were sent. Raises on the first failed check."""
    sent = 0
    has_id = "{id}" in operation.path

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), use_known=st.booleans(), pick=st.integers(0, 50))
    def run(case, use_known: bool, pick: int) -> None:
        nonlocal sent
        if has_id and use_known:
            known = _known_ids(operation.path, ids)
            case.path_parameters = {**(case.path_parameters or {}), "id": known[pick % len(known)]}
        # No shared keep-alive session: against Django's live server it costs ~60 ms per request
        # (delayed ACKs), a fresh connection ~8 ms.
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
        sent += 1

    run()
    return sent


@pytest.fixture
def fuzz_setup(cast, live_server, monkeypatch) -> Callable[[object], tuple[dict[str, str], object]]:
    # A fuzzer sends hundreds of requests a minute per token: 429s would hide the answers.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None})
    return live_server


def test_every_operation_answers_per_its_schema_for_every_role(cast, fuzz_setup, capsys):
    live_server = fuzz_setup
    ids = _seed(cast)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json", timeout=30)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 39, [op.label for op in operations]
    roles = {"teacher": cast.teacher, "hr": cast.hr, "coordinator": cast.coordinator}
    failures: list[str] = []
    took: dict[str, float] = {}
    sent = 0
    started = time.monotonic()
    for role, user in roles.items():
        headers = {"Authorization": f"Token {make_api_token(user)}"}
        for operation in operations:
            began = time.monotonic()
            try:
                sent += _fuzz_operation(operation, live_server.url, headers, ids)
            except (
                Exception,
                BaseExceptionGroup,
            ) as exc:  # collect all, so one run shows every broken operation
                failures.append(f"{role} {operation.label}: {str(exc)[:1500]}")
            took[f"{role} {operation.label}"] = time.monotonic() - began
    with capsys.disabled():
        print(
            f"\nschemathesis: {len(operations)} operations x {len(roles)} roles, "
            f"{sent} requests in {time.monotonic() - started:.0f} s; slowest: "
            + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(took.items(), key=lambda kv: -kv[1])[:8])
        )
    assert not failures, "\n\n".join(failures)
