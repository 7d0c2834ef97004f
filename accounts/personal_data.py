"""What we hold about a person: the personal-data export (AVG/GDPR articles 15 and 20).

accounts sits below matching and notifications (DESIGN §10), so those apps register a *collector*
here in their AppConfig.ready(): it returns the person's data held by that app (JSON-serialisable).
A collector must return only data about or written by the person themselves, never another
person's name or contact details.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, AuditEntry, Invitation
from accounts.services.audit import audit_record

if TYPE_CHECKING:
    from accounts.models import User

Collector = Callable[["User"], Any]

_collectors: dict[str, Collector] = {}


def register_collector(name: str, func: Collector) -> None:
    """Add `func(user)` to the export under the key `name` (registering again replaces it)."""
    _collectors[name] = func


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _accounts_data(user: User) -> dict[str, Any]:
    memberships = user.memberships.select_related("organisation").order_by("created_at", "pk")
    sent = Invitation.objects.filter(invited_by=user).select_related("organisation").order_by("created_at")
    received = (
        Invitation.objects.filter(email__iexact=user.email)
        .select_related("organisation")
        .order_by("created_at")
    )
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "phone": user.phone,
            "language": user.language,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # The kinds and dates only: secrets and recovery codes never leave the database.
        "two_factor": [
            {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        # The personal API tokens by name and dates, never a secret (only its hash is stored).
        "api_tokens": [
            {
                "name": t.name,
                "read_only": t.read_only,
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("pk")
        ],
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "kind": m.organisation.kind,
                "is_admin": m.is_admin,
                "since": _iso(m.created_at),
            }
            for m in memberships
        ],
        "coordinator_provinces": sorted(user.coordinator_regions.values_list("province", flat=True)),
        # The invited person's address is theirs, not yours: only what you did is listed.
        "invitations_sent": [
            {
                "organisation": i.organisation.name,
                "as_admin": i.is_admin,
                "sent_at": _iso(i.created_at),
                "accepted": i.accepted_at is not None,
                "revoked": i.revoked_at is not None,
            }
            for i in sent
        ],
        "invitations_received": [
            {
                "organisation": i.organisation.name,
                "email": i.email,
                "as_admin": i.is_admin,
                "sent_at": _iso(i.created_at),
                "accepted_at": _iso(i.accepted_at),
                "revoked_at": _iso(i.revoked_at),
            }
            for i in received
        ],
        "audit_log": [
            {
                "when": _iso(e.created_at),
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "organisation": e.organisation.name if e.organisation else None,
                "reason": e.reason,
                "ip_address": e.ip_address,
            }
            for e in AuditEntry.objects.filter(actor=user)
            .select_related("organisation")
            .order_by("created_at")
        ],
    }


def personal_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`, as plain JSON types (article 20: structured,
    commonly used and machine-readable): the accounts part plus each registered app's part."""
    data: dict[str, Any] = {"exported_at": timezone.now().isoformat(), **_accounts_data(user)}
    for name in sorted(_collectors):
        data[name] = _collectors[name](user)
    # Round-trip once, so dates or lazy strings in a collector cannot break the download later.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def personal_data_export(*, user: User, ip_address: str | None = None) -> dict[str, Any]:
    """The export as the person downloads it, recorded in the audit log ("privacy.export") in the
    same transaction: who took which data out is always on record."""
    with transaction.atomic():
        audit_record(
            actor=user, action="privacy.export", object_type="user", object_id=user.pk, ip_address=ip_address
        )
        return personal_data(user)
