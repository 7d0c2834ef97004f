from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """After log-in a person without an organisation goes to onboarding, the others to their dashboard."""

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:dashboard")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:dashboard")
