from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_healthy_in_embedded_mode(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"] == {"ok": True, "configured": False}
    assert body["checks"]["workers"]["mode"] == "eager"


def test_unhealthy_when_redis_is_unreachable(client, settings):
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["workers"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.redis
def test_real_redis_without_worker_is_reported(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = client.get("/healthz?scope=web").json()
    assert body["checks"]["redis"]["ok"] is True
    assert "workers" not in body["checks"]
