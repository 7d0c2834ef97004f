"""The Celery tasks are thin wrappers; the beat entries name real tasks."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from config.celery_app import app
from notifications.models import Delivery
from notifications.schedule import BEAT_SCHEDULE
from notifications.tasks import SWEEP_LOCK, daily_digest_task, deliver_task, sweep_task

pytestmark = pytest.mark.django_db


def test_deliver_task_sends_once(cast, send):
    send(cast.teacher)
    delivery = Delivery.objects.get()

    deliver_task.delay(delivery.pk)
    deliver_task.delay(delivery.pk)  # a redelivered message
    deliver_task.delay(delivery.pk + 1000)  # a missing row is logged, not raised

    assert len(mail.outbox) == 1


def test_sweep_is_a_singleton(cast):
    cache.add(SWEEP_LOCK, 1)
    assert sweep_task.delay().get() == 0
    cache.delete(SWEEP_LOCK)
    assert sweep_task.delay().get() == 0
    assert daily_digest_task.delay().get() == 0


def test_beat_entries_name_registered_tasks_on_the_notifications_queue():
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
        assert app.amqp.router.route({}, entry["task"])["queue"].name == "notifications"
