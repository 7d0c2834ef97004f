"""The authorisation matrix, one test per route and role: `matching:offer_detail[teacher]`.

Every request of the route's row is made as the role; the test fails with each mismatch
(status, a word the role must never see, a word it must see, a change after a refusal).
"""

from __future__ import annotations

import pytest

from tests.security.matrix import ROWS
from tests.security.matrix.dsl import ROLES
from tests.security.matrix.routes import row_problems
from tests.security.matrix.runner import run_route, sign_in

pytestmark = pytest.mark.django_db

CASES = [(name, role) for name in ROWS for role in ROLES]


@pytest.fixture(scope="module")
def sessions(shared_scenario, django_db_blocker) -> dict[str, str]:
    """Each role signs in once, in the shared scenario (as a person would, not once per page)."""
    with django_db_blocker.unblock():
        return sign_in(shared_scenario)


@pytest.mark.parametrize(("route", "role"), CASES, ids=[f"{name}[{role}]" for name, role in CASES])
def test_route_as_role(shared_scenario, sessions, quiet_refusals, route, role):
    problems, count = run_route(shared_scenario, sessions, role, route, ROWS[route])
    assert count >= len(ROWS[route])
    assert not problems, f"{len(problems)} of {count} requests to {route} as {role}:\n" + "\n".join(problems)


def test_every_route_has_a_row():
    assert not row_problems(ROWS), "\n".join(row_problems(ROWS))


def test_matrix_size():
    """The figure for the report: routes with a row × roles, and the requests that makes."""
    checks = sum(len(checks) for checks in ROWS.values())
    assert len(ROWS) >= 90 and checks >= 150
    print(
        f"\n{len(ROWS)} routes × {len(ROLES)} roles = {len(CASES)} tests; "
        f"{checks} checks × {len(ROLES)} = {checks * len(ROLES)}"
    )
