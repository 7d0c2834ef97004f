"""Signed one-click links in the "did it take place?" e-mail (DESIGN §3).

A link carries the match, the side, the person it was sent to and the answer, signed with the
secret key and valid for settings.MATCH_OUTCOME_LINK_DAYS. It needs no login and can do one thing
only: record that answer through `match_outcome`, as that person. A forged, altered or expired
link is refused (nothing recorded).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "matching.outcome-link"


@dataclass(frozen=True)
class OutcomeLink:
    match_id: int
    side: str
    user_id: int
    held: bool


def outcome_token(*, match_id: int, side: str, user_id: int, held: bool) -> str:
    return signing.dumps({"m": match_id, "s": side, "u": user_id, "h": held}, salt=SALT, compress=True)


def outcome_url(*, match_id: int, side: str, user_id: int, held: bool) -> str:
    token = outcome_token(match_id=match_id, side=side, user_id=user_id, held=held)
    return settings.SITE_URL + reverse("matches:outcome_link", args=[token])


def outcome_link_read(token: str) -> OutcomeLink | None:
    """The link's content, or None when it is forged, altered or expired."""
    max_age = settings.MATCH_OUTCOME_LINK_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
        return OutcomeLink(
            match_id=int(data["m"]), side=str(data["s"]), user_id=int(data["u"]), held=bool(data["h"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
