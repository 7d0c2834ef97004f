"""catalogue's part of a person's data export and of deleting their account (accounts/privacy.py):
saved searches and the calendar link. Registered on import, from CatalogueConfig.ready()."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.personal_data import register_collector
from accounts.privacy import register_anonymiser
from catalogue.models import CalendarFeed, SavedSearch


def collect(user: User) -> dict[str, Any]:
    return {
        "saved_searches": [
            {
                "name": s.name,
                "words": s.text,
                "near": s.near,
                "within_km": s.within_km,
                "kind": s.kind,
                "level": s.level,
                "subject": s.subject,
                "province": s.province,
                "alerts": s.alerts,
                "created_at": s.created_at.isoformat(),
            }
            for s in SavedSearch.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "calendar_link_created_at": next(
            (f.created_at.isoformat() for f in CalendarFeed.objects.filter(user=user)), None
        ),
    }


def anonymise(user: User) -> None:
    """Their searches (and what was reported to them) and their calendar link go."""
    SavedSearch.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()


register_collector("catalogue", collect)
register_anonymiser(anonymise)
