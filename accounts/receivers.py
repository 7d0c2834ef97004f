"""allauth signal receivers: each calls one service and nothing more."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation


@receiver(user_logged_in)
def activate_preferred_language(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # The language switch on the page follows the person's preference from the moment they log in.
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
