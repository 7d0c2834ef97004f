"""Copies of offers and requests: duplicate one, or roll an organisation's closed listings of last
school year over into drafts for the next (DESIGN §3, recurring offers and the school year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import structlog
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from matching.models import Offer, Request
from matching.services import listings
from matching.services.listing_fields import fields_for
from taxonomy.holidays import school_year_of

logger = structlog.get_logger(__name__)


def _copy_data(listing: Offer | Request) -> dict:
    """Every field a person sets (status, slots taken and dates of record are the copy's own)."""
    data = {name: getattr(listing, name) for name in fields_for(type(listing))}
    if "capacity" in data and listing.repeat:
        data["capacity"] = listing.capacity_per_occurrence or 1
    return data


def listing_duplicate[L: (Offer, Request)](listing: L, *, by: User | None, **changes: object) -> L:
    """A new draft with the same content (a contact person who left falls back to `by`)."""
    data = _copy_data(listing) | changes
    for name in ("contact_person", "teacher"):
        person = data.get(name)
        if person is not None and not listing.organisation.memberships.filter(user=person).exists():
            data[name] = by if name == "contact_person" else None
    copy = listings.listing_create(type(listing), organisation=listing.organisation, by=by, **data)
    logger.info("listing.duplicated", model=type(listing).__name__, source=listing.pk, copy=copy.pk)
    return copy


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass
class RolloverItem:
    source: Offer | Request
    new_from: date
    new_until: date
    clash: Offer | Request | None  # an existing draft with the same title and kind


def _window(listing: Offer | Request) -> tuple[str, str]:
    return (
        ("available_from", "available_until")
        if isinstance(listing, Offer)
        else ("wanted_from", "wanted_until")
    )


def rollover_preview(*, organisation: Organisation, today: date | None = None) -> list[RolloverItem]:
    """The closed listings of last school year, each with its window moved one year and the
    existing draft it would clash with (same kind and title, not duplicated)."""
    this_year = school_year_of(today or timezone.localdate())[0]
    last_first, last_last = date(this_year.year - 1, 8, 1), date(this_year.year, 7, 31)
    model = Offer if organisation.kind == Organisation.Kind.COMPANY else Request
    start_field = "available_from" if model is Offer else "wanted_from"
    closed = model.objects.filter(
        organisation=organisation,
        status__in=("closed", "fulfilled"),
        **{f"{start_field}__range": (last_first, last_last)},
    ).order_by(start_field, "pk")
    drafts = {
        (d.kind, d.title.casefold()): d
        for d in model.objects.filter(organisation=organisation, status="draft")
    }
    items = []
    for listing in closed:
        start_name, until_name = _window(listing)
        items.append(
            RolloverItem(
                source=listing,
                new_from=_next_year(getattr(listing, start_name)),
                new_until=_next_year(getattr(listing, until_name)),
                clash=drafts.get((listing.kind, listing.title.casefold())),
            )
        )
    return items


@transaction.atomic
def organisation_rollover(
    *, organisation: Organisation, by: User | None, today: date | None = None
) -> tuple[list[Offer | Request], list[RolloverItem]]:
    """Copy the preview's listings as drafts; clashes are reported and left alone.
    Returns (the new drafts, the clashes)."""
    created, clashes = [], []
    for item in rollover_preview(organisation=organisation, today=today):
        if item.clash is not None:
            clashes.append(item)
            continue
        start_name, until_name = _window(item.source)
        created.append(
            listing_duplicate(item.source, by=by, **{start_name: item.new_from, until_name: item.new_until})
        )
    logger.info(
        "organisation.rollover", organisation=organisation.pk, created=len(created), clashes=len(clashes)
    )
    return created, clashes
