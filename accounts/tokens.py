"""Personal API tokens: create (secret shown once), revoke, and look up for authentication.

Only a SHA-256 of the secret is stored: the secret has 256 bits of entropy, so a slow password
hash would add nothing but latency to every API call."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import ApiToken, Organisation, User
from accounts.services.audit import audit_record

log = structlog.get_logger(__name__)

KEY_PREFIX = "tpm_"
MAX_PER_USER = 50
# Writing last_used_at on every call would turn each read into a write; once a minute is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def needs_two_factor(user: User) -> bool:
    """Coordinators and platform staff must work with two-factor authentication."""
    return bool(user.is_coordinator or user.is_staff or user.is_superuser)


def has_totp(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_used_two_factor(request: HttpRequest | None) -> bool:
    """Whether this browser session was signed in with a second factor (allauth records it)."""
    if request is None or not hasattr(request, "session"):
        return False
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, getattr(request, "user", None))
    return any(record.get("method") == "mfa" for record in records)


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    read_only: bool = False,
    expires_at: datetime | None = None,
    organisation: Organisation | None = None,
    two_factor_session: bool = True,
) -> tuple[ApiToken, str]:
    """Create a named token; returns it with its secret, which is never stored or shown again.

    `two_factor_session` says whether the caller signed in with a second factor this session;
    coordinators and staff need it to create a token."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so you recognise it later.")})
    if len(name) > 100:
        raise ValidationError({"name": _("At most 100 characters.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must lie in the future.")})
    if needs_two_factor(user) and not two_factor_session:
        raise PermissionDenied(_("Sign in with two-factor authentication to create an API token."))
    if organisation is not None and not access.is_member(user, organisation):
        raise PermissionDenied(_("You are not a member of this organisation."))
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_PER_USER:
        raise ValidationError({"name": _("You have too many tokens. Revoke one you no longer use.")})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        organisation=organisation,
        name=name,
        prefix=key[: len(KEY_PREFIX) + 4],
        key_hash=_hash(key),
        read_only=read_only,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    log.info("api_token.created", user=user.pk, token=token.pk)
    audit_record(
        actor=user,
        action="api_token.created",
        object_type="api_token",
        object_id=token.pk,
        organisation=organisation,
        data={"name": name, "read_only": read_only},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    if token.user_id != by.pk:
        raise PermissionDenied
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    audit_record(actor=by, action="api_token.revoked", object_type="api_token", object_id=token.pk)
    return token


def api_tokens_revoke_for(*, user_id: int, organisation: Organisation) -> int:
    """A member left or was removed: their tokens that can act for that organisation stop at
    once — the ones made for it, and the ones made for no organisation in particular."""
    return (
        ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True)
        .filter(Q(organisation=organisation) | Q(organisation__isnull=True))
        .update(revoked_at=timezone.now())
    )


def api_token_authenticate(key: str) -> ApiToken | None:
    """The live token with this secret (its user loaded), or None; notes when it was used."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
