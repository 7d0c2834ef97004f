"""RELIABILITY §4.4: Redis (broker and cache) is down while an offer and a request are published.

A throwaway redis-server of our own (never the shared one), a real worker and a real SMTP server.
Publishing through the API still succeeds within seconds; the pending run row in PostgreSQL is
the durable queue, so once Redis is back (empty: `--save ""`), the beat sweeps bring the
proposal and its two e-mails, each exactly once.
"""

from __future__ import annotations

import subprocess
import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery_app import app
from matching.models import Match, MatchingRun
from matching.tasks import sweep_runs
from notifications.models import Delivery
from notifications.tasks import sweep_task
from tests.accounts.factories import MembershipFactory, OrganisationFactory, make_api_token
from tests.matching.helpers import GUEST_LESSON_OFFER, GUEST_LESSON_REQUEST, as_json
from tests.smtp import free_port, smtp_server
from tests.workers import running_workers, start_worker, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


class OwnRedis:
    """A redis-server subprocess on a free port that a test may stop and start at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        assert wait_for(up, 10), "redis-server did not start"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture
def own_redis(settings):
    """Broker and cache of this process (and of the worker) on our own Redis, as in production."""
    server = OwnRedis()
    server.start()
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "tpm",
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
    app.conf.broker_url = server.url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield server
    app.conf.broker_url, app.conf.task_always_eager = previous
    app._pool = None
    app.amqp._producer_pool = None
    server.stop()


@pytest.fixture
def smtp_inbox():
    with smtp_server() as inbox:
        yield inbox


def _token_client(user) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {make_api_token(user)}", HTTP_ACCEPT_LANGUAGE="en")


def _timed(call) -> tuple[object, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_publishing_with_redis_down_succeeds_and_everything_catches_up_once(own_redis, smtp_inbox):
    company = OrganisationFactory(kind="company", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True, user__email="hr@outage.nl").user
    school = OrganisationFactory(kind="school", at="Zwolle")
    teacher = MembershipFactory(organisation=school, user__email="teacher@outage.nl").user
    hr_api, teacher_api = _token_client(hr), _token_client(teacher)

    with running_workers() as procs:
        procs.append(start_worker(own_redis.url, EMAIL_URL=f"smtp://127.0.0.1:{smtp_inbox.port}"))
        own_redis.stop()

        timings = []
        offer = as_json(GUEST_LESSON_OFFER)
        created, seconds = _timed(lambda: hr_api.post("/api/v1/offers/", offer, format="json"))
        timings.append(seconds)
        assert created.status_code == 201, created.content
        published, seconds = _timed(lambda: hr_api.post(f"/api/v1/offers/{created.json()['id']}/publish/"))
        timings.append(seconds)
        assert published.status_code == 200, published.content
        assert published.json()["status"] == "open"
        request = as_json(GUEST_LESSON_REQUEST)
        created, seconds = _timed(lambda: teacher_api.post("/api/v1/requests/", request, format="json"))
        timings.append(seconds)
        assert created.status_code == 201, created.content
        published, seconds = _timed(
            lambda: teacher_api.post(f"/api/v1/requests/{created.json()['id']}/publish/")
        )
        timings.append(seconds)
        assert published.status_code == 200, published.content
        assert max(timings) < 5, timings

        # The run to do is a row in PostgreSQL; nothing reached Redis, nothing was matched.
        assert list(MatchingRun.objects.values_list("status", flat=True)) == [MatchingRun.Status.PENDING]
        assert not Match.objects.exists()

        # Redis returns, empty. Time passes (the sweep leaves fresh runs to their own message),
        # then beat sends the two sweeps through the broker to the worker.
        own_redis.start()
        MatchingRun.objects.update(not_before=timezone.now() - timedelta(minutes=1))
        back = time.monotonic()
        sweep_runs.delay()
        sweep_task.delay()
        assert wait_for(lambda: Match.objects.exists(), 60, 0.2), "no proposal after Redis came back"
        assert wait_for(lambda: len(smtp_inbox.envelopes) >= 2, 60, 0.2), list(
            Delivery.objects.values_list("key", "status", "last_error")
        )
        caught_up = time.monotonic() - back
        assert wait_for(lambda: not Delivery.objects.exclude(status=Delivery.Status.SENT).exists(), 30)

        # Once: one proposal, one e-mail per person, and further sweeps send nothing more.
        Delivery.objects.update(created_at=timezone.now() - timedelta(minutes=5))
        sweep_runs.delay()
        sweep_task.delay()
        time.sleep(3)
        assert Match.objects.count() == 1
        assert list(MatchingRun.objects.values_list("status", flat=True)) == [MatchingRun.Status.DONE]
        assert smtp_inbox.recipients() == ["hr@outage.nl", "teacher@outage.nl"]
        keys = list(Delivery.objects.values_list("key", flat=True))
        assert len(keys) == len(set(keys)) == 2
    print(
        f"\npublish with Redis down: {', '.join(f'{t:.2f}' for t in timings)} s; "
        f"proposal and both mails {caught_up:.1f} s after Redis returned"
    )
