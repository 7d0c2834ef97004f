"""Shared fixtures and the named personas of our tests (STYLE §14).

Personas: a teacher at school A (Zwolle, Overijssel) and the school's admin; company HR
(Enschede) who is its admin; a member of another school; coordinator Oost (Overijssel +
Gelderland); a coordinator of another province (Zuid-Holland); a stranger without an
organisation; a platform admin.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import Organisation, User
from tests.accounts.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_coordinator,
    make_platform_admin,
)

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_configure(config: pytest.Config) -> None:
    # CI proves the production path: refuse to run the suite on SQLite there.
    if os.environ.get("CI_REQUIRE_POSTGRES") and not POSTGRES:
        raise pytest.UsageError("CI_REQUIRE_POSTGRES is set but DATABASE_URL does not point at PostgreSQL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); never faked on SQLite")
    skip_redis = pytest.mark.skip(reason="needs a real Redis (set REDIS_URL)")
    for item in items:
        if "postgres" in item.keywords and not POSTGRES:
            item.add_marker(skip_pg)
        if ("redis" in item.keywords or "worker" in item.keywords) and not settings.REDIS_URL:
            item.add_marker(skip_redis)


def _clear_cache() -> None:
    from django.core.cache import cache

    if settings.REDIS_URL:
        # Only our keys: the broker shares this Redis, so never FLUSHDB.
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()


_ATTACHMENT_DIR = tempfile.mkdtemp(prefix="tp-attachments-")


@contextmanager
def isolated(*, eager: bool = True) -> Iterator[None]:
    """Fresh cache (rate limits!), fast password hashing, uploads in a throw-away directory (never
    in the working tree) and in-process Celery unless `eager=False` (the real worker)."""
    from config.celery_app import app

    _clear_cache()
    storages = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": _ATTACHMENT_DIR},
        },
    }
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    try:
        with override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            STORAGES=storages,
            CELERY_TASK_ALWAYS_EAGER=eager,
        ):
            yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _isolation(request: pytest.FixtureRequest) -> Iterator[None]:
    with isolated(eager="worker" not in request.keywords):
        yield


@pytest.fixture
def broker_down(settings: object) -> Iterator[None]:
    """Celery as in production (not eager) with its broker on a closed port."""
    from config.celery_app import app

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False  # type: ignore[attr-defined]
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.task_always_eager, app.conf.broker_url = previous
    app._pool = None
    app.amqp._producer_pool = None


@dataclass
class Cast:
    school: Organisation
    other_school: Organisation
    company: Organisation
    teacher: User
    school_admin: User
    hr: User
    other_member: User
    coordinator: User
    coordinator_elsewhere: User
    stranger: User
    platform_admin: User


def build_cast() -> Cast:
    """The personas (module docstring), made in the database."""
    school = OrganisationFactory(kind="school", name="Thomas a Kempis College", at="Zwolle")
    other_school = OrganisationFactory(kind="school", name="Stedelijk Lyceum", at=("Enschede", "overijssel"))
    company = OrganisationFactory(
        kind="company", name="Demcon", at=("Enschede", "overijssel"), sectors=["ict"]
    )
    teacher = MembershipFactory(organisation=school, user__email="teacher@school.nl").user
    school_admin = MembershipFactory(organisation=school, is_admin=True, user__email="admin@school.nl").user
    hr = MembershipFactory(organisation=company, is_admin=True, user__email="hr@company.nl").user
    other_member = MembershipFactory(
        organisation=other_school, is_admin=True, user__email="other@school.nl"
    ).user
    return Cast(
        school=school,
        other_school=other_school,
        company=company,
        teacher=teacher,
        school_admin=school_admin,
        hr=hr,
        other_member=other_member,
        coordinator=make_coordinator("overijssel", "gelderland", email="coordinator@oost.nl"),
        coordinator_elsewhere=make_coordinator("zuid-holland", email="coordinator@zuidwest.nl"),
        stranger=UserFactory(email="stranger@example.nl"),
        platform_admin=make_platform_admin(email="root@example.nl"),
    )


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def near(cast: Cast) -> tuple[Organisation, User]:
    """A company in Zwolle next to the cast's school (so a pair with it is feasible), and its HR admin."""
    org = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    return org, MembershipFactory(organisation=org, is_admin=True, user__email="hr@zwolle.nl").user


@pytest.fixture
def client(client):  # noqa: F811  (pytest-django's client, in English so assertions read plainly)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
