"""Who is told what: the only writer of Notification rows, and of the outbox rows (Delivery) that
carry them by e-mail.

`notify()` writes the inbox and the outbox inside the caller's transaction and hands the e-mail
to notifications.delivery after commit; `email_address()` does the same for an address without
an account. Creation is exactly-once (unique keys); delivery.py sends at-least-once.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from notifications.delivery import enqueue_deliveries, recipient_language
from notifications.models import Delivery, Group, Notification, Preference

if TYPE_CHECKING:
    from accounts.models import User

Text = Callable[[], Any] | str


def _key(*parts: object) -> str:
    key = ":".join(str(part) for part in parts)
    if len(key) <= 200:
        return key
    return f"{key[:150]}:{hashlib.sha256(key.encode()).hexdigest()}"


def _render(text: Text) -> str:
    return str(text() if callable(text) else text)


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
        language = recipient_language(person)
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
        transaction.on_commit(lambda ids=immediate: enqueue_deliveries(ids), robust=True)
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
    transaction.on_commit(lambda ids=[delivery.pk]: enqueue_deliveries(ids), robust=True)
    return delivery
