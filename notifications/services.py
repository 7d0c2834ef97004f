"""Notifications: the only writers of Notification, Delivery and Preference rows.

`notify()` writes the outbox inside the caller's transaction and enqueues the e-mail after commit;
`delivery_send()` claims one delivery and sends it; `sweep()` re-sends what was not sent (broker
down, SMTP error) with back-off; `send_daily_digests()` bundles daily deliveries per person.
Creation is exactly-once (unique keys); sending is at-least-once, guarded by the claim.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.models import Delivery, Group, Notification, Preference

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
MAX_BACKOFF = timedelta(hours=6)
FRESH_GRACE = timedelta(seconds=60)  # the on-commit enqueue normally handles a new delivery
STUCK_AFTER = timedelta(minutes=10)  # far above EMAIL_TIMEOUT: the worker died mid-send
REQUEUE_WAIT = timedelta(minutes=5)
BATCH_SIZE = 50  # deliveries per task: one SMTP connection carries them all  # a re-enqueued delivery is not re-enqueued again before this

Text = Callable[[], Any] | str


def _key(*parts: object) -> str:
    key = ":".join(str(part) for part in parts)
    if len(key) <= 200:
        return key
    return f"{key[:150]}:{hashlib.sha256(key.encode()).hexdigest()}"


def _render(text: Text) -> str:
    return str(text() if callable(text) else text)


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def _encode_attachments(attachments: list[tuple[str, bytes, str]] | None) -> list[dict[str, str]]:
    return [
        {"name": name, "mimetype": mimetype, "content": base64.b64encode(content).decode("ascii")}
        for name, content, mimetype in attachments or []
    ]


def notify(
    *,
    event: str,
    group: str,
    recipients: Iterable[User],
    title: Callable[[], str] | str,
    body: Callable[[], str] | str,
    link: str,
    object_type: str = "",
    object_id: str = "",
    email_template: str | None = None,
    context: dict | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> list[Notification]:
    """Tell `recipients` about an event: in-app, and by e-mail according to their preference.

    Call it inside the transaction of the change that caused the event, so both commit or neither
    does; the e-mail is enqueued only after commit. Idempotent: the same (event, object,
    recipient) creates one notification, however often it is called. `title` and `body` may be
    callables (e.g. returning lazy text) so that they are rendered in each recipient's language.
    `context` must be JSON-serialisable: it is stored with the delivery for `email_template`
    (a template name without extension; `.txt` is required, `.html` optional).
    Returns the notifications created by this call.
    """
    if group not in Group.values:
        raise ValueError(f"Unknown notification group {group!r}")
    people = [person for person in recipients if person.is_active]
    if not people:
        return []
    modes = dict(Preference.objects.filter(user__in=people, group=group).values_list("user_id", "email_mode"))
    stored_attachments = _encode_attachments(attachments)
    keys = {person.pk: _key(event, object_type, object_id, person.pk) for person in people}
    existing = set(
        Notification.objects.filter(dedupe_key__in=list(keys.values())).values_list("dedupe_key", flat=True)
    )
    # Rendered once per language, not once per person (a notice to hundreds stays cheap).
    texts: dict[str, tuple[str, str]] = {}
    fresh: list[Notification] = []
    for person in people:
        if keys[person.pk] in existing:
            continue
        language = _language(person)
        if language not in texts:
            with translation.override(language):
                texts[language] = (_render(title)[:300], _render(body))
        fresh.append(
            Notification(
                recipient=person,
                dedupe_key=keys[person.pk],
                event=event,
                group=group,
                title=texts[language][0],
                body=texts[language][1],
                link=link,
                object_type=object_type,
                object_id=str(object_id),
            )
        )
    created = _insert_new(fresh)
    deliveries = []
    for notification in created:
        mode = modes.get(notification.recipient_id, Preference.EmailMode.IMMEDIATELY)
        deliveries.append(
            Delivery(
                notification=notification,
                channel=Delivery.Channel.EMAIL,
                key=_key(notification.dedupe_key, Delivery.Channel.EMAIL),
                status=Delivery.Status.SKIPPED
                if mode == Preference.EmailMode.OFF
                else Delivery.Status.PENDING,
                digest=mode == Preference.EmailMode.DAILY,
                email_template=email_template or "",
                context=context or {},
                attachments=stored_attachments,
            )
        )
    Delivery.objects.bulk_create(deliveries)
    immediate = [
        delivery.pk
        for delivery in deliveries
        if delivery.status == Delivery.Status.PENDING and not delivery.digest
    ]
    if immediate:
        # robust: a broker error after COMMIT must not turn the caller's request into a 500 or
        # skip later callbacks (RELIABILITY §0.2); the rows stay pending for the sweep.
        transaction.on_commit(partial(enqueue_deliveries, immediate), robust=True)
    return created


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """Insert the notifications in one statement; if a concurrent notify() wrote one of the same
    keys meanwhile, fall back to one at a time and keep only those this call created."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        created = []
        for row in rows:
            fields = {
                f.attname: getattr(row, f.attname)
                for f in Notification._meta.concrete_fields
                if not f.primary_key
            }
            key = fields.pop("dedupe_key")
            notification, is_new = Notification.objects.get_or_create(dedupe_key=key, defaults=fields)
            if is_new:
                created.append(notification)
        return created


def email_address(
    *,
    event: str,
    object_type: str,
    object_id: object,
    to_email: str,
    language: str,
    subject: Callable[[], str] | str,
    email_template: str,
    context: dict,
) -> Delivery | None:
    """E-mail someone who may have no account yet (an invitation): an outbox row like any other,
    written in the caller's transaction and sent after commit, with the same retries and sweep.
    Idempotent per (event, object, address). Returns the delivery, or None when it existed."""
    key = _key(event, object_type, object_id, to_email.lower(), Delivery.Channel.EMAIL)
    with translation.override(language or settings.LANGUAGE_CODE):
        rendered_subject = _render(subject)[:300]
    delivery, is_new = Delivery.objects.get_or_create(
        key=key,
        defaults={
            "notification": None,
            "to_email": to_email,
            "subject": rendered_subject,
            "language": language or settings.LANGUAGE_CODE,
            "email_template": email_template,
            "context": context,
        },
    )
    if not is_new:
        return None
    transaction.on_commit(partial(enqueue_deliveries, [delivery.pk]), robust=True)
    return delivery


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Hand deliveries to the worker in batches (one task and one SMTP connection per batch).
    A broker error is logged: the rows stay pending and the sweep sends them later."""
    from notifications.tasks import deliver_batch_task

    for first in range(0, len(delivery_ids), BATCH_SIZE):
        batch = delivery_ids[first : first + BATCH_SIZE]
        try:
            deliver_batch_task.delay(batch)
        except Exception:
            logger.warning("Could not enqueue deliveries %s; the sweep will retry them", batch, exc_info=True)


def enqueue_delivery(delivery_id: int) -> None:
    enqueue_deliveries([delivery_id])


# --- Sending ---------------------------------------------------------------------------------


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
    with translation.override(_language(recipient)):
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
            logger.warning("Deliveries %s do not exist", sorted(missing))
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
                logger.warning("Sending delivery %s failed", delivery.pk, exc_info=True)
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
        logger.debug("Closing the mail connection failed", exc_info=True)


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
            logger.exception("Sweep could not hand on deliveries %s", due[first : first + BATCH_SIZE])
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
            logger.exception("Digest for deliveries %s failed", ids[:5])
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
        with translation.override(_language(recipient)):
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
        logger.warning("Sending the digest of user %s failed", recipient.pk, exc_info=True)
        _record_failure(claimed, error)
        return 0
    Delivery.objects.filter(pk__in=claimed, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", retry_after=None
    )
    return 1


# --- Inbox and preferences -------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preferences_save(*, user: User, modes: dict[str, str]) -> None:
    """Save the e-mail mode of several groups at once (all or none)."""
    with transaction.atomic():
        for group, email_mode in modes.items():
            preference_set(user=user, group=group, email_mode=email_mode)


def preference_set(*, user: User, group: str, email_mode: str) -> Preference:
    preference = Preference(user=user, group=group, email_mode=email_mode)
    preference.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    preference, _created = Preference.objects.update_or_create(
        user=user, group=group, defaults={"email_mode": email_mode}
    )
    return preference


def delivery_retry(*, deliveries: Iterable[Delivery]) -> int:
    """Give failed deliveries a fresh set of attempts; the next sweep sends them."""
    ids = [delivery.pk for delivery in deliveries]
    return Delivery.objects.filter(pk__in=ids, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, retry_after=timezone.now()
    )
