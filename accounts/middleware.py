from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class CoordinatorTwoFactorMiddleware:
    """Coordinators see everything in their provinces, and staff and superusers see every
    province and the Django admin, so two-factor is required of them before anything else.

    Also activates a signed-in person's preferred language (the cookie of the switch wins).
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/jsi18n/", "/language/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from django.conf import settings

            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            from accounts.tokens import has_totp, needs_two_factor

            allowed = request.path.startswith(self.ALLOWED_PREFIXES)
            if not allowed and needs_two_factor(user) and not has_totp(user):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Coordinators must set up two-factor authentication first.")},
                        status=403,
                    )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
