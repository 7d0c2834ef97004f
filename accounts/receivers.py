"""allauth and django.contrib.auth signal receivers: each calls one service and nothing more.

Security-relevant events go to the audit log (ASVS 16.3.1) with the client address. The entries
have no organisation or province, so only platform admins read them, never a coordinator.
Role changes are recorded by the services that make them (membership_set_admin,
membership_remove, coordinator_set_provinces).
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import (
    email_changed,
    email_confirmed,
    password_changed,
    password_reset,
    password_set,
    user_logged_in,
)
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation

from accounts.http import client_ip
from accounts.services.audit import audit_record

# What a failed log-in records of the identifier typed (it may be mistyped, or someone else's).
LOGIN_IDENTIFIER_MAX = 100


@receiver(user_logged_in)
def activate_preferred_language(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # The language switch on the page follows the person's preference from the moment they log in.
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language


def _record(action: str, *, request: HttpRequest | None, user: Any, **data: Any) -> None:
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    audit_record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=getattr(actor, "pk", ""),
        data=data,
        ip_address=client_ip(request),
    )


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record("login", request=request, user=user)


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in `credentials`; only the identifier is kept.
    login = next((str(credentials[k]) for k in ("email", "username", "login") if credentials.get(k)), "")
    audit_record(
        actor=None,
        action="login.failed",
        data={"login": login.strip().lower()[:LOGIN_IDENTIFIER_MAX]},
        ip_address=client_ip(request),
    )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _record("logout", request=request, user=user)


@receiver(password_changed)
def audit_password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record("password.changed", request=request, user=user)


@receiver(password_set)
def audit_password_set(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record("password.set", request=request, user=user)


@receiver(password_reset)
def audit_password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record("password.reset", request=request, user=user)


@receiver(email_confirmed)
def audit_email_confirmed(sender: Any, request: HttpRequest, email_address: Any, **kwargs: Any) -> None:
    _record("email.confirmed", request=request, user=email_address.user)


@receiver(email_changed)
def audit_email_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record("email.changed", request=request, user=user)


@receiver(authenticator_added)
def audit_mfa_added(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any) -> None:
    _record("mfa.added", request=request, user=user, type=authenticator.type)


@receiver(authenticator_removed)
def audit_mfa_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _record("mfa.removed", request=request, user=user, type=authenticator.type)


@receiver(authenticator_reset)
def audit_mfa_reset(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any) -> None:
    # E.g. new recovery codes: the old ones stop working.
    _record("mfa.reset", request=request, user=user, type=authenticator.type)


@receiver(authentication_failed)
def audit_mfa_failed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # A wrong code after a right password: someone may have the password.
    authenticator = kwargs.get("authenticator")
    _record("mfa.failed", request=request, user=user, type=getattr(authenticator, "type", ""))
