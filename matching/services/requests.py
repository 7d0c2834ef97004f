"""Named entry points for requests (STYLE: `grep request_` lists everything a request can do)."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation, User
from matching.models import Request
from matching.services import listings


def request_create(*, organisation: Organisation, by: User | None, **data: Any) -> Request:
    return listings.listing_create(Request, organisation=organisation, by=by, **data)


def request_update(*, request: Request, by: User | None, **data: Any) -> Request:
    return listings.listing_update(request, by=by, **data)


def request_publish(*, request: Request, by: User | None) -> Request:
    return listings.listing_publish(request, by=by)


def request_close(*, request: Request, by: User | None) -> Request:
    return listings.listing_close(request, by=by)


def request_reopen(*, request: Request, by: User | None) -> Request:
    return listings.listing_reopen(request, by=by)


def request_duplicate(*, request: Request, by: User | None) -> Request:
    from matching.services.copies import listing_duplicate

    return listing_duplicate(request, by=by)
