"""How a person is forgotten (AVG/GDPR articles 5(1)(e) and 17): anonymising an account, the
inactivity purge and every app's retention rules.

accounts sits below matching and notifications (DESIGN §10), so those apps register here in their
AppConfig.ready(): an *anonymiser* removes or neutralises their data when an account is deleted, a
*retention* rule purges what is past its retention. `accounts.services.users.user_delete` and
`users_purge_inactive` run the anonymisers; the export is `accounts.personal_data`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiToken, AuditEntry, Invitation, Membership, Organisation, User
from accounts.services.audit import audit_record
from accounts.services.coordinators import coordinator_set_provinces

log = structlog.get_logger(__name__)

Anonymiser = Callable[[User], None]

_anonymisers: list[Anonymiser] = []

# The domain of anonymised accounts' placeholder addresses (RFC 2606: never delivered).
ANONYMISED_DOMAIN = "invalid.example"


def anonymised_email(user_id: int) -> str:
    return f"deleted-{user_id}@{ANONYMISED_DOMAIN}"


def anonymised_label(user_id: int) -> str:
    return f"deleted user #{user_id}"


def register_anonymiser(func: Anonymiser) -> None:
    """Run `func(user)` when an account is deleted, before accounts blanks the person's own row,
    so the anonymiser still sees their e-mail address. It runs inside the deletion's transaction."""
    if func not in _anonymisers:
        _anonymisers.append(func)


def run_anonymisers(user: User) -> None:
    for func in list(_anonymisers):
        func(user)


# --- Deletion and the inactivity purge ------------------------------------------------------


def admin_handover_needed(user: User) -> list[Organisation]:
    """Organisations where `user` is the only admin while others are members: they must make
    someone else admin first, or the organisation could no longer be managed."""
    blocked = []
    for membership in user.memberships.filter(is_admin=True).select_related("organisation"):
        org = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        others = org.memberships.exclude(user=user)
        if others.exists() and not others.filter(is_admin=True).exists():
            blocked.append(org)
    return blocked


def user_anonymise(user: User, *, by: User | None) -> None:
    """Blank the person while the organisation's offers, requests, matches and statistics stay:
    rows that point at them keep pointing at a nameless, inactive account. Caller holds the
    transaction and has checked the admin hand-over."""
    old_email = user.email
    label = anonymised_label(user.pk)
    # Other apps first, while they can still see who this was.
    run_anonymisers(user)
    Invitation.objects.filter(
        email__iexact=old_email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    Invitation.objects.filter(email__iexact=old_email).update(email=anonymised_email(user.pk))
    # Failed log-ins recorded the address someone typed: theirs, so it goes too.
    AuditEntry.objects.filter(action="login.failed", data__login=old_email[:100]).update(
        data={"login": label}
    )
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    coordinator_set_provinces(user=user, provinces=[], by=by)
    user.groups.clear()
    user.user_permissions.clear()
    user.name = ""
    user.phone = ""
    user.email = anonymised_email(user.pk)
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()


def audit_relabel(user: User) -> None:
    """Entries the person made stay (who did what is the organisation's record too), under a
    label instead of their address and without their IP address."""
    AuditEntry.objects.filter(actor=user).update(actor_label=anonymised_label(user.pk), ip_address=None)


def users_purge_inactive(*, now: datetime | None = None, limit: int = 500) -> int:
    """Anonymise accounts nobody has logged in to for PRIVACY_INACTIVE_DAYS (date joined when
    never), except staff and superusers. Each account in its own transaction, at most `limit` per
    run; an account that must hand over an admin role first is skipped and logged. Anonymised
    accounts no longer match, so a re-run does nothing. Returns how many were anonymised."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PRIVACY_INACTIVE_DAYS)
    candidates = (
        User.objects.filter(is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(email__iendswith=f"@{ANONYMISED_DOMAIN}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    purged = 0
    # The ids first: the loop writes to the table it would otherwise still be reading.
    for user_id in list(candidates):
        if purged >= limit:
            break
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user_id)
            # They may have logged in since the list was read.
            if (user.last_login or user.date_joined) >= cutoff or user.is_staff or user.is_superuser:
                continue
            if admin_handover_needed(user):
                log.warning("account.purge_skipped", user=user_id, reason="admin_handover")
                continue
            user_anonymise(user, by=None)
            audit_record(
                actor=None,
                action="account.purged",
                object_type="user",
                object_id=user_id,
                data={"inactive_days": settings.PRIVACY_INACTIVE_DAYS},
            )
            audit_relabel(user)
        purged += 1
    if purged:
        log.info("account.purged", count=purged)
    return purged


# --- Retention ---------------------------------------------------------------------
# Apps register what they purge and when, like collectors: `purge(now, limit)` deletes (or
# blanks) what is past its retention and returns how many rows it changed; `describe()` says what
# and when in the reader's language, for the privacy page. The nightly task runs every purger and
# writes one audit line per purger that changed something.

Purger = Callable[[Any, int], int]
Describer = Callable[[], str]


@dataclass(frozen=True)
class Retention:
    name: str
    purge: Purger
    describe: Describer


_retention: dict[str, Retention] = {}


def register_retention(name: str, purge: Purger, describe: Describer) -> None:
    _retention[name] = Retention(name, purge, describe)


def retention_rules() -> list[Retention]:
    return [_retention[name] for name in sorted(_retention)]


def retention_purge_all(*, now: Any = None, limit: int = 5000) -> dict[str, int]:
    """Run every registered purger once (each bounded by `limit` rows); audit what was purged."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for rule in retention_rules():
        count = rule.purge(now, limit)
        done[rule.name] = count
        if count:
            audit_record(
                actor=None,
                action="retention.purged",
                object_type=rule.name,
                data={"count": count, "at": now.isoformat()},
            )
    return done
