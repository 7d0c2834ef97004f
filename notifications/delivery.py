"""Delivering the outbox by e-mail: the only code that sends, retries and bundles mail.

`deliveries_send()` claims pending deliveries and sends them over one SMTP connection;
`sweep()` re-sends what was not sent (broker down, SMTP error) with back-off;
`send_daily_digests()` bundles daily deliveries per person. Sending is at-least-once, guarded by
the claim. Work reaches the worker by task name, so this module never imports the tasks module
(which calls into here).
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import structlog
from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.models import Delivery

if TYPE_CHECKING:
    from accounts.models import User

logger = structlog.get_logger(__name__)

MAX_ATTEMPTS = 6
MAX_BACKOFF = timedelta(hours=6)
FRESH_GRACE = timedelta(seconds=60)  # the on-commit enqueue normally handles a new delivery
STUCK_AFTER = timedelta(minutes=10)  # far above EMAIL_TIMEOUT: the worker died mid-send
# A re-enqueued delivery is not re-enqueued again before this.
REQUEUE_WAIT = timedelta(minutes=5)
BATCH_SIZE = 50  # deliveries per task: one SMTP connection carries them all

DELIVER_BATCH_TASK = "notifications.tasks.deliver_batch_task"


def recipient_language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Hand deliveries to the worker in batches (one task and one SMTP connection per batch).
    A broker error is logged: the rows stay pending and the sweep sends them later."""
    for first in range(0, len(delivery_ids), BATCH_SIZE):
        batch = delivery_ids[first : first + BATCH_SIZE]
        try:
            # By name, so this module does not import the tasks module (which imports it); in
            # the embedded eager mode the batch is sent here, as the eager task would do.
            if current_app.conf.task_always_eager:
                deliveries_send(batch)
            else:
                current_app.send_task(DELIVER_BATCH_TASK, args=(batch,))
        except Exception:
            logger.warning("deliveries.enqueue_failed", deliveries=batch, exc_info=True)


def _site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "techniekpact-match.nl"


def _message_id(key: str) -> str:
    # Deterministic, so a re-sent duplicate carries the same Message-ID and can be recognised.
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{_site_domain()}>"


def _absolute(link: str) -> str:
    if not link:
        return settings.SITE_URL + "/"
    if link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL + (link if link.startswith("/") else "/" + link)


def _attach(message: EmailMultiAlternatives, stored: list[dict[str, str]]) -> None:
    for item in stored:
        message.attach(item["name"], base64.b64decode(item["content"]), item["mimetype"])


def _build_message(
    *,
    recipient: User | None,
    to_email: str = "",
    subject: str,
    template: str,
    context: dict[str, Any],
    key: str,
    attachments: list[dict[str, str]],
) -> EmailMultiAlternatives:
    preferences_url = settings.SITE_URL + reverse("notifications:preferences")
    context = {**context, "recipient": recipient, "preferences_url": preferences_url}
    names = [template] if template == "emails/notifications/base" else [template, "emails/notifications/base"]
    text = select_template([f"{name}.txt" for name in names]).render(context)
    html = select_template([f"{name}.html" for name in names]).render(context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email if recipient is not None else to_email],
        headers={"Message-ID": _message_id(key), "List-Unsubscribe": f"<{preferences_url}>"},
    )
    message.attach_alternative(html, "text/html")
    _attach(message, attachments)
    return message


def _claim(ids: Iterable[int], now: Any) -> int:
    return Delivery.objects.filter(pk__in=list(ids), status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING, attempts=F("attempts") + 1, taken_at=now
    )


def _record_failure(delivery_ids: list[int], error: Exception) -> None:
    now = timezone.now()
    for delivery in Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.SENDING):
        if delivery.attempts >= MAX_ATTEMPTS:
            changes: dict[str, Any] = {"status": Delivery.Status.FAILED, "retry_after": None}
        else:
            wait = min(timedelta(minutes=2**delivery.attempts), MAX_BACKOFF)
            changes = {"status": Delivery.Status.PENDING, "retry_after": now + wait}
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
            last_error=f"{type(error).__name__}: {error}"[:2000], **changes
        )


def _message_for(delivery: Delivery) -> EmailMultiAlternatives | None:
    """The e-mail of one claimed delivery, in its recipient's language; None when nobody can receive it."""
    notification = delivery.notification
    if notification is None:  # an address without an account (an invitation)
        with translation.override(delivery.language or settings.LANGUAGE_CODE):
            return _build_message(
                recipient=None,
                to_email=delivery.to_email,
                subject=delivery.subject,
                template=delivery.email_template or "emails/notifications/base",
                context={**delivery.context, "subject": delivery.subject},
                key=delivery.key,
                attachments=delivery.attachments,
            )
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        return None
    with translation.override(recipient_language(recipient)):
        return _build_message(
            recipient=recipient,
            subject=notification.title,
            template=delivery.email_template or "emails/notifications/base",
            context={
                **delivery.context,
                "notification": notification,
                "link_url": _absolute(notification.link),
            },
            key=delivery.key,
            attachments=delivery.attachments,
        )


def deliveries_send(delivery_ids: Iterable[int]) -> int:
    """Send the given immediate deliveries that are still pending, over one SMTP connection.
    Returns how many were sent.

    The conditional UPDATE pending→sending lets exactly one worker act on a delivery; a re-run
    (duplicate task, sweep) finds nothing to do. Each row is marked sent right after its own mail
    leaves, so a worker dying mid-batch re-sends nothing that went out. On an error the row goes
    back to pending with an exponential retry_after, and to failed after MAX_ATTEMPTS.
    """
    ids = list(delivery_ids)
    now = timezone.now()
    claimed = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING, digest=False).update(
        status=Delivery.Status.SENDING, attempts=F("attempts") + 1, taken_at=now
    )
    if not claimed:
        missing = set(ids) - set(Delivery.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            logger.warning("deliveries.missing", deliveries=sorted(missing))
        return 0
    deliveries = (
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, taken_at=now)
        .select_related("notification__recipient")
        .order_by("pk")
    )
    connection = None
    sent = 0
    try:
        for delivery in deliveries:
            try:
                message = _message_for(delivery)
                if message is None:
                    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED)
                    continue
                if connection is None:
                    connection = get_connection()
                    connection.open()
                connection.send_messages([message])
            except Exception as error:
                logger.warning("delivery.send_failed", delivery=delivery.pk, exc_info=True)
                _record_failure([delivery.pk], error)
                if connection is not None:  # the connection may be broken: a fresh one for the rest
                    _close_quietly(connection)
                    connection = None
                continue
            _mark_sent(delivery.pk)
            sent += 1
    finally:
        if connection is not None:
            _close_quietly(connection)
    return sent


def _mark_sent(delivery_id: int) -> None:
    """Record one sent mail in its own small transaction. On PostgreSQL without waiting for the
    WAL flush (synchronous_commit off, for this transaction only): a worker that dies right after
    still leaves the row marked; only a crash of the database server itself within its
    wal_writer_delay could forget the mark, and the sweep would then send that mail again — the
    same Message-ID, so it is recognisable. That halves the time per mail of a batch."""
    with transaction.atomic():
        if db_connection.vendor == "postgresql":
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", retry_after=None
        )


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:
        logger.debug("mail_connection.close_failed", exc_info=True)


def delivery_send(delivery_id: int) -> bool:
    """Send one immediate delivery if it is still pending. Returns True when it was sent."""
    return deliveries_send([delivery_id]) == 1


def sweep(limit: int = 200) -> int:
    """Re-enqueue pending deliveries that are due and free those stuck in sending.

    Due: retry_after has passed, or no retry_after and older than a minute (the on-commit enqueue
    was lost: broker down, worker lost the message). Returns how many were handed on.
    """
    now = timezone.now()
    stuck = Delivery.objects.filter(status=Delivery.Status.SENDING, taken_at__lt=now - STUCK_AFTER)
    # A send that kills its worker every time must end, not loop forever.
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Delivery.Status.FAILED, last_error="Stuck in sending after the last attempt"
    )
    stuck.update(status=Delivery.Status.PENDING, retry_after=now)
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, digest=False)
        .filter(Q(retry_after__lte=now) | Q(retry_after__isnull=True, created_at__lte=now - FRESH_GRACE))
        .order_by("retry_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return 0
    # Not again next minute if the worker is merely slow; the claim makes a double enqueue harmless.
    Delivery.objects.filter(pk__in=due, status=Delivery.Status.PENDING).update(retry_after=now + REQUEUE_WAIT)
    for first in range(0, len(due), BATCH_SIZE):
        try:
            enqueue_deliveries(due[first : first + BATCH_SIZE])
        except Exception:  # eager mode runs the task here: one bad batch must not stop the sweep
            logger.exception("deliveries.sweep_enqueue_failed", deliveries=due[first : first + BATCH_SIZE])
    return len(due)


def send_daily_digests(limit: int = 500) -> int:
    """One e-mail per person bundling their pending digest deliveries. Returns mails sent."""
    pending = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, digest=True)
        .order_by("notification__recipient_id", "pk")
        .values_list("notification__recipient_id", "pk")
    )
    by_user: dict[int, list[int]] = defaultdict(list)
    for user_id, delivery_id in pending:
        if user_id not in by_user and len(by_user) >= limit:
            break
        by_user[user_id].append(delivery_id)
    sent = 0
    for ids in by_user.values():
        try:
            sent += _send_digest(ids)
        except Exception:
            logger.exception("digest.failed", deliveries=ids[:5])
    return sent


def _send_digest(ids: list[int]) -> int:
    now = timezone.now()
    if not _claim(ids, now):
        return 0
    deliveries = list(
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, taken_at=now)
        .select_related("notification__recipient")
        .order_by("notification__created_at", "pk")
    )
    if not deliveries:
        return 0
    claimed = [delivery.pk for delivery in deliveries]
    recipient = deliveries[0].notification.recipient
    if not recipient.is_active or not recipient.email:
        Delivery.objects.filter(pk__in=claimed).update(status=Delivery.Status.SKIPPED)
        return 0
    try:
        with translation.override(recipient_language(recipient)):
            items = [
                {"notification": d.notification, "link_url": _absolute(d.notification.link)}
                for d in deliveries
            ]
            message = _build_message(
                recipient=recipient,
                subject=gettext("Your daily summary from Techniekpact Match"),
                template="emails/notifications/digest",
                context={"items": items, "link_url": settings.SITE_URL + reverse("notifications:inbox")},
                key="digest:" + ",".join(sorted(d.key for d in deliveries)),
                attachments=[item for d in deliveries for item in d.attachments],
            )
            message.send()
    except Exception as error:
        logger.warning("digest.send_failed", user=recipient.pk, exc_info=True)
        _record_failure(claimed, error)
        return 0
    Delivery.objects.filter(pk__in=claimed, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", retry_after=None
    )
    return 1


def delivery_retry(*, deliveries: Iterable[Delivery]) -> int:
    """Give failed deliveries a fresh set of attempts; the next sweep sends them."""
    ids = [delivery.pk for delivery in deliveries]
    return Delivery.objects.filter(pk__in=ids, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, retry_after=timezone.now()
    )
