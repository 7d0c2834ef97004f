"""Named entry points for offers (STYLE: `grep offer_` lists everything an offer can do)."""

from __future__ import annotations

from typing import Any

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
