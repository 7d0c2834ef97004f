"""Writes of the catalogue app: saved searches and calendar feeds (STYLE §2: the only writers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from catalogue.models import CalendarFeed, SavedSearch
from matching import search
from notifications.inbox import preference_set
from notifications.models import Group
from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_BIT
from taxonomy.regions import Province
from taxonomy.subjects import SUBJECT_BIT

if TYPE_CHECKING:
    from accounts.models import User


def _text_query(text: str) -> str:
    """The words as the prefix tsquery that `matching.search` uses, stored for the alert query."""
    if not text or connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({search.PREFIX_SQL})::text", [text])  # noqa: S608 (a constant)
        return cursor.fetchone()[0] or ""


@transaction.atomic
def saved_search_create(
    *,
    user: User,
    side: str = SavedSearch.Side.OFFER,
    text: str = "",
    near: str = "",
    within_km: float | None = None,
    kind: str = "",
    level: str = "",
    subject: str = "",
    province: str = "",
    alerts: bool = True,
    email_mode: str | None = None,
) -> SavedSearch:
    """Save a search with at least one criterion; `email_mode` (immediately/daily/off) sets the
    person's preference for all their search alerts."""
    text = search.search_text_clean(text)
    params = search.search_params_parse(q=text, near=near, within_km=within_km, ordering="")
    errors: dict[str, str] = {}
    if kind and kind not in Kind.values:
        errors["kind"] = _("Unknown kind.")
    if level and level not in LEVEL_BIT:
        errors["level"] = _("Unknown level.")
    if subject and subject not in SUBJECT_BIT:
        errors["subject"] = _("Unknown subject.")
    if province and province not in Province.values:
        errors["province"] = _("Unknown province.")
    if errors:
        raise ValidationError(errors)
    if not (text or params.origin or kind or level or subject or province):
        raise ValidationError(_("Choose at least one word, place or filter to save a search."), code="empty")
    origin = params.origin
    parts = [text, kind and Kind(kind).label, origin and origin.label]
    name = " · ".join(str(p) for p in parts if p) or _("My search")
    query = {
        "q": text,
        "near": near,
        "within_km": "" if within_km is None else f"{params.within_km:g}",
        "kind": kind,
        "level": level,
        "subject": subject,
        "province": province,
    }
    saved = SavedSearch(
        user=user,
        side=side,
        name=name[:200],
        text=text,
        text_query=_text_query(text),
        near=search.search_text_clean(near)[:100],
        latitude=origin.lat if origin else None,
        longitude=origin.lon if origin else None,
        within_km=params.within_km,
        kind=kind,
        level=level,
        level_bit=LEVEL_BIT.get(level, 0),
        subject=subject,
        subject_bit=SUBJECT_BIT.get(subject, 0),
        province=province,
        alerts=alerts,
        query_string=urlencode({k: v for k, v in query.items() if v}),
    )
    saved.full_clean(exclude=["user"])
    saved.save()
    if email_mode:
        preference_set(user=user, group=Group.ALERTS, email_mode=email_mode)
    return saved


def saved_search_delete(*, saved_search: SavedSearch) -> None:
    saved_search.delete()


@transaction.atomic
def calendar_feed_create(*, user: User) -> CalendarFeed:
    """A new secret feed link; the old one (if any) stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
