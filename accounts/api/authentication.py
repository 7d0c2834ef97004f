"""API token authentication that keeps the two-factor rule for coordinators.

CoordinatorTwoFactorMiddleware only sees the session user: a request carrying a DRF token is
authenticated later, inside the view, so without this a coordinator who has no TOTP (never set
up, or removed after the token was issued) would read the whole region through the API.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class TwoFactorTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if user.is_coordinator:
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                # The same answer as the middleware gives a signed-in coordinator without TOTP.
                raise exceptions.PermissionDenied(
                    _("Coordinators must set up two-factor authentication first.")
                )
        return user, token
