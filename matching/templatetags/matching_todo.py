"""`{% member_todo user as todo %}`: what waits for a member (matching.selectors.member_todo), for
the dashboard in accounts, which may not import matching (dependencies point the other way)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import User
from matching import selectors

register = template.Library()


@register.simple_tag
def member_todo(user: User) -> dict[str, Any]:
    return selectors.member_todo(user)
