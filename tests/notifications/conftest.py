from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from accounts.models import User
from notifications.models import Notification
from notifications.services import notify


@pytest.fixture(autouse=True)
def _notification_urls(settings: Any) -> None:
    # Until config/urls.py includes notifications.urls and the API route, tests bring their own.
    settings.ROOT_URLCONF = "tests.notifications.urls"
    settings.SITE_URL = "https://match.example.nl"


@pytest.fixture
def send() -> Callable[..., list[Notification]]:
    """notify() the way a service calls it: inside its own transaction."""

    def _send(*recipients: User, **overrides: Any) -> list[Notification]:
        arguments: dict[str, Any] = {
            "event": "match-proposed",
            "group": "proposals",
            "recipients": recipients,
            "title": "A new proposal",
            "body": "Demcon proposes a guest lesson for your request.",
            "link": "/matches/7/",
            "object_type": "match",
            "object_id": "7",
        }
        arguments.update(overrides)
        with transaction.atomic():
            return notify(**arguments)

    return _send
