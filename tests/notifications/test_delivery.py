"""Delivery: after commit, exactly once, with back-off, over real SMTP and through a broker outage."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.utils import timezone

from config.celery_app import app
from notifications.delivery import MAX_ATTEMPTS, delivery_send, sweep
from notifications.models import Delivery
from notifications.services import notify
from tests.smtp import smtp_server


def _time_passes() -> None:
    """Make every back-off due now (instead of waiting minutes)."""
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(
        retry_after=timezone.now() - timedelta(seconds=1), created_at=timezone.now() - timedelta(minutes=2)
    )


@pytest.mark.django_db
def test_sent_after_commit_exactly_once(cast, send, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(
            cast.teacher,
            attachments=[("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
        )
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.teacher.email]
    assert message.subject == "A new proposal"
    assert "Demcon proposes a guest lesson" in message.body
    assert "https://match.example.nl/matches/7/" in message.body
    assert "https://match.example.nl/notifications/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://match.example.nl/matches/7/"' in html
    assert message.attachments[0][0] == "invite.ics"
    assert message.attachments[0][1].startswith("BEGIN:VCALENDAR")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert delivery.sent_at is not None
    # A duplicate task or a sweep finds nothing to do.
    assert delivery_send(delivery.pk) is False
    _time_passes()
    assert sweep() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_rollback_sends_nothing(cast, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(event="e", group="account", recipients=[cast.teacher], title="t", body="b", link="/")
        raise RuntimeError("the change failed")

    assert not Delivery.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_smtp_failing_twice_then_succeeding_delivers_exactly_once(
    cast, send, monkeypatch, django_capture_on_commit_callbacks
):
    real_send = locmem.EmailBackend.send_messages
    calls = []

    def flaky_send(self, messages):
        calls.append(messages[0].extra_headers["Message-ID"])
        if len(calls) <= 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", flaky_send)

    with django_capture_on_commit_callbacks(execute=True):
        send(cast.teacher)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert "SMTPServerDisconnected" in delivery.last_error
    assert delivery.retry_after > timezone.now() + timedelta(seconds=90)  # 2 minutes back-off
    assert sweep() == 0  # not due yet

    _time_passes()
    assert sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 2)
    assert delivery.retry_after > timezone.now() + timedelta(minutes=3)  # 4 minutes back-off

    _time_passes()
    assert sweep() == 1
    _time_passes()
    assert sweep() == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Delivery.Status.SENT, 3, "")
    assert len(mail.outbox) == 1
    # Every attempt carried the same Message-ID, so a receiver can spot a duplicate.
    assert len(set(calls)) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == calls[0]


@pytest.mark.django_db
def test_gives_up_after_the_last_attempt(cast, send, monkeypatch, django_capture_on_commit_callbacks):
    def broken_send(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", broken_send)
    with django_capture_on_commit_callbacks(execute=True):
        send(cast.teacher)
    for _ in range(MAX_ATTEMPTS + 2):
        _time_passes()
        sweep()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)
    assert mail.outbox == []


@pytest.mark.django_db
def test_stuck_sending_is_picked_up_again(cast, send):
    send(cast.teacher)  # the on-commit enqueue never ran: as if the worker died mid-send
    Delivery.objects.update(
        status=Delivery.Status.SENDING, attempts=1, taken_at=timezone.now() - timedelta(minutes=11)
    )

    assert sweep() == 1

    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_real_smtp_round_trip(cast, send, settings, django_capture_on_commit_callbacks):
    with smtp_server() as inbox:
        port = inbox.port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        with django_capture_on_commit_callbacks(execute=True):
            send(cast.teacher, attachments=[("invite.ics", b"BEGIN:VCALENDAR", "text/calendar")])

    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.rcpt_tos == [cast.teacher.email]
    raw = envelope.content.decode()
    assert "Subject: A new proposal" in raw
    assert "Message-ID: <" in raw
    assert "text/html" in raw
    assert 'filename="invite.ics"' in raw
    assert Delivery.objects.get().status == Delivery.Status.SENT


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_broker_down_at_commit_then_sweep_sends_exactly_once(cast, broker_down, send, caplog):
    started = timezone.now()
    send(cast.teacher, cast.hr)  # a real commit: the robust on-commit enqueue hits the dead broker

    assert timezone.now() - started < timedelta(seconds=15)
    # One batch (both deliveries of the transaction) failed to enqueue, and said so.
    assert caplog.text.count("deliveries.enqueue_failed") == 1
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 2
    assert mail.outbox == []

    # The broker comes back (eager stands in for the worker); the sweep hands the rows on.
    app.conf.task_always_eager = True
    _time_passes()
    assert sweep() == 2
    assert sweep() == 0

    assert sorted(message.to[0] for message in mail.outbox) == sorted([cast.teacher.email, cast.hr.email])
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


@pytest.mark.django_db
def test_a_batch_shares_one_smtp_connection_and_one_bad_mail_does_not_stop_the_rest(cast, send):
    from tests.accounts.factories import UserFactory

    people = [UserFactory(email=f"person{i}@example.nl") for i in range(5)]
    send(*people)  # on-commit is not run here: the rows wait, as if the broker were slow
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    with smtp_server() as inbox:
        from django.test import override_settings

        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=inbox.port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            # The third person's address is refused by the mail library before it reaches SMTP.
            type(people[2]).objects.filter(pk=people[2].pk).update(email="broken\nheader@example.nl")
            from notifications.delivery import deliveries_send

            assert deliveries_send(ids) == 4
            assert deliveries_send(ids) == 0  # a redelivered task sends nothing twice
    assert len(inbox.envelopes) == 4
    assert inbox.recipients() == sorted(p.email for i, p in enumerate(people) if i != 2)
    statuses = dict(Delivery.objects.values_list("notification__recipient__email", "status"))
    assert statuses["broken\nheader@example.nl"] == Delivery.Status.PENDING  # back-off, then retried
    assert list(statuses.values()).count(Delivery.Status.SENT) == 4
