"""Named entry points for offers (STYLE: `grep offer_` lists everything an offer can do)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from matching.models import Offer
from matching.services import listings


def offer_create(*, organisation: Organisation, by: User | None, **data: Any) -> Offer:
    return listings.listing_create(Offer, organisation=organisation, by=by, **data)


def offer_update(*, offer: Offer, by: User | None, **data: Any) -> Offer:
    return listings.listing_update(offer, by=by, **data)


def offer_publish(*, offer: Offer, by: User | None) -> Offer:
    return listings.listing_publish(offer, by=by)


def offer_close(*, offer: Offer, by: User | None) -> Offer:
    return listings.listing_close(offer, by=by)


def offer_reopen(*, offer: Offer, by: User | None) -> Offer:
    return listings.listing_reopen(offer, by=by)


def offer_duplicate(*, offer: Offer, by: User | None) -> Offer:
    from matching.services.copies import listing_duplicate

    return listing_duplicate(offer, by=by)


@transaction.atomic
def offer_sbb_mark_checked(*, offer: Offer, by: User) -> Offer:
    """A coordinator of the company's province checked the SBB recognition in the SBB register."""
    if not (by.is_superuser or offer.organisation.province in by.coordinator_provinces):
        raise PermissionDenied
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    offer.sbb_checked_at = timezone.localdate()
    offer.sbb_checked_by = by
    offer.save(update_fields=["sbb_checked_at", "sbb_checked_by", "updated_at"])
    return offer
