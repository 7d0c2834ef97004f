"""The scenario of the security tests: the cast plus one of every object (scenario.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.conftest import build_cast, isolated
from tests.security.scenario import Scenario, build_scenario


@pytest.fixture
def scenario(cast) -> Scenario:  # noqa: ANN001
    return build_scenario(cast)


@pytest.fixture(scope="module")
def shared_scenario(django_db_setup: None, django_db_blocker) -> Iterator[Scenario]:  # noqa: ANN001
    """One scenario for a whole module of tests (the matrix), built once in a transaction that is
    rolled back at the end. Each test of the module (marked django_db) runs in a savepoint of
    that transaction and is rolled back, so every test sees the same fresh scenario."""
    with django_db_blocker.unblock(), isolated(), transaction.atomic():
        yield build_scenario(build_cast())
        transaction.set_rollback(True)


@pytest.fixture
def quiet_refusals() -> Iterator[None]:
    """Django logs every 4xx as a warning with its traceback, which the console renderer formats
    at length: hundreds of expected refusals would dominate the run time. Errors still show."""
    logger = logging.getLogger("django.request")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(previous)
