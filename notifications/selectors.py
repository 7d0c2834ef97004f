"""Reads and the access helper for notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from notifications.models import Group, Notification, Preference

if TYPE_CHECKING:
    from accounts.models import User


def notifications_for(user: User) -> QuerySet[Notification]:
    """A person's own notifications, newest first. Nobody sees anyone else's."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_get_for(user: User, notification_id: int) -> Notification:
    """The person's own notification, or 404 (never revealing that someone else's exists)."""
    return get_object_or_404(notifications_for(user), pk=notification_id)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_modes_for(user: User) -> dict[str, str]:
    """The e-mail mode per group, with the default (immediately) where no row exists."""
    modes = {group.value: Preference.EmailMode.IMMEDIATELY.value for group in Group}
    modes.update(Preference.objects.filter(user=user).values_list("group", "email_mode"))
    return modes
