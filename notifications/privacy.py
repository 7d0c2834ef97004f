"""notifications' part of a person's data export and of deleting their account
(accounts/personal_data.py, accounts/privacy.py); registered on import, from NotificationsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.personal_data import register_collector
from accounts.privacy import register_anonymiser
from notifications.models import Delivery, Notification, Preference


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def collect(user: User) -> dict[str, Any]:
    return {
        "notifications": [
            {
                "event": n.event,
                "title": n.title,
                "body": n.body,
                "link": n.link,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "email_preferences": {
            p.group: p.email_mode for p in Preference.objects.filter(user=user).order_by("group")
        },
        "emails": [
            {
                "subject": d.subject,
                "status": d.status,
                "created_at": _iso(d.created_at),
                "sent_at": _iso(d.sent_at),
            }
            for d in Delivery.objects.filter(Q(notification__recipient=user) | Q(to_email__iexact=user.email))
            .select_related("notification")
            .order_by("created_at", "pk")
        ],
    }


def anonymise(user: User) -> None:
    """Delete what the person was told and how: their inbox, its e-mails (sent or still waiting,
    so nothing more leaves for them), e-mails to their address without an account, and their
    preferences. A delivery task that comes later finds no row and does nothing."""
    Delivery.objects.filter(Q(notification__recipient=user) | Q(to_email__iexact=user.email)).delete()
    Notification.objects.filter(recipient=user).delete()
    Preference.objects.filter(user=user).delete()


register_collector("notifications", collect)
register_anonymiser(anonymise)
