from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory, make_platform_admin

pytestmark = pytest.mark.django_db

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}  # a caller that is not the host itself


def test_healthy_in_embedded_mode(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")  # the test client calls from 127.0.0.1, like the probes
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"] == {"ok": True, "configured": False}
    assert body["checks"]["workers"]["mode"] == "eager"


def test_failing_when_redis_is_unreachable(client, settings):
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["workers"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_strangers_get_the_verdict_without_the_details(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz", **OUTSIDE)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    client.force_login(UserFactory(email="someone@example.nl"))
    assert client.get("/healthz", **OUTSIDE).json() == {"status": "ok"}

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz", **OUTSIDE)
    assert response.status_code == 503 and response.json() == {"status": "failing"}


def test_staff_get_the_details_from_anywhere(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(make_platform_admin(email="root@example.nl"))
    body = client.get("/healthz", **OUTSIDE).json()
    assert body["status"] == "ok" and body["checks"]["workers"]["mode"] == "eager"


@pytest.mark.redis
def test_real_redis_without_worker_is_reported(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = client.get("/healthz?scope=web").json()
    assert body["checks"]["redis"]["ok"] is True
    assert "workers" not in body["checks"]
