"""A person's own side of notifications: marking the inbox read and the e-mail preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, Preference

if TYPE_CHECKING:
    from accounts.models import User

logger = structlog.get_logger(__name__)


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
