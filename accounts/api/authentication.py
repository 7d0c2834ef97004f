"""API authentication with personal tokens (accounts.tokens), and the permission that binds the
request's active organisation (accounts.access).

CoordinatorTwoFactorMiddleware only sees the session user: a request carrying a token is
authenticated later, inside the view, so the two-factor rule for coordinators and staff is
repeated here, or they would read the whole region through the API without a second factor.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts import access, tokens
from accounts.models import ApiToken


class TokenRefused(exceptions.APIException):
    """401 for a wrong, revoked or expired token. (DRF turns AuthenticationFailed into 403 when
    the first authentication class, the session's, has no WWW-Authenticate challenge.)"""

    status_code = 401
    default_detail = "Invalid, expired or revoked token."
    default_code = "authentication_failed"


class ActiveOrganisation(BasePermission):
    """Binds the request's active organisation (accounts.access) once the user is known, however
    they authenticated: X-Organisation / ?organisation=, else the session's choice, else the
    organisation a personal token acts for. A header naming a foreign organisation: 403."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return True
        token = request.auth if isinstance(request.auth, ApiToken) else None
        try:
            access.bind(
                request._request, user, token_organisation_id=token.organisation_id if token else None
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return True


class PersonalTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with a personal token (GET/POST /api/v1/tokens/). A subclass
    of DRF's only for the OpenAPI schema's security scheme; the lookup is ours (hashed keys)."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise TokenRefused(_("Invalid token header."))
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise TokenRefused(_("Invalid token header.")) from exc
        token = tokens.api_token_authenticate(key)
        if token is None:
            raise TokenRefused(_("Invalid, expired or revoked token."))
        user = token.user
        if tokens.needs_two_factor(user) and not tokens.has_totp(user):
            # The same answer as the middleware gives a signed-in coordinator without TOTP.
            raise exceptions.PermissionDenied(_("Coordinators must set up two-factor authentication first."))
        if token.read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(_("This token is read-only."))
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
