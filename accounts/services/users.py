"""A person's own account: profile and deletion."""

from __future__ import annotations

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.privacy import admin_handover_needed, anonymised_email, audit_relabel, user_anonymise
from accounts.services.audit import audit_record
from accounts.validators import normalise_phone, validate_phone

log = structlog.get_logger(__name__)


@transaction.atomic
def user_update_profile(
    *, user: User, name: str | None = None, phone: str | None = None, language: str | None = None
) -> User:
    if name is not None:
        user.name = name.strip()
    if phone is not None:
        user.phone = normalise_phone(phone)
        try:
            validate_phone(user.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    if language is not None:
        if language not in User.Language.values:
            raise ValidationError({"language": _("Choose Dutch or English.")})
        user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["name", "phone", "language"])
    return user


def _sessions_end(user_id: int) -> None:
    """Delete the person's sessions in a database-backed session store (ASVS 7.4.2). Other stores
    cannot be searched by user; there the unusable password changes the session hash, so every
    session of theirs is refused at its next request anyway. A scan of the live sessions only."""
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    for session_key in theirs:
        store(session_key=session_key).delete()


def user_is_anonymised(user: User) -> bool:
    return user.email == anonymised_email(user.pk)


@transaction.atomic
def user_delete(*, user: User, by: User) -> None:
    """Delete an account at the person's own request (after re-entering their password) or by a
    platform admin: anonymise it, end its sessions, and keep the organisation's data intact.

    Refused with a ValidationError while they are the only admin of an organisation that has other
    members. An organisation of which they are the only member stays, with no members, so its
    matches and statistics stay too. Deleting an already deleted account does nothing.
    """
    if by.pk != user.pk and not by.is_superuser:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if user_is_anonymised(user):
        return
    blocked = admin_handover_needed(user)
    if blocked:
        raise ValidationError(
            _(
                "You are the only admin of %(organisations)s. Make another member admin first, "
                "then delete the account."
            )
            % {"organisations": ", ".join(org.name for org in blocked)},
            code="admin_handover",
        )
    by_self = by.pk == user.pk
    user_anonymise(user, by=by)
    # No personal data in the entry: the account number only.
    audit_record(
        actor=by,
        action="account.deleted",
        object_type="user",
        object_id=user.pk,
        data={"by": "self" if by_self else "platform_admin"},
    )
    audit_relabel(user)
    _sessions_end(user.pk)
    log.info("account.deleted", user=user.pk, by_self=by_self)
