"""What the offer and request pages share: a `Side` says which model, form, selector and URL
names a page works with, and the helpers every listing page uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Organisation, User
from matching import selectors
from matching.forms import ListingForm, OfferForm, RequestForm
from matching.models import Offer, Request
from matching.pagination import LargeListPaginator
from taxonomy.places import haversine_km

PAGE_SIZE = 20

Listing = Offer | Request


@dataclass(frozen=True)
class Side:
    model: type[Offer] | type[Request]
    prefix: str  # "offer" or "request": URL names are matching:<prefix>_<page>
    org_kind: str
    form_class: type[ListingForm]
    get_for: Callable[..., Any]
    visible_to: Callable[[User], QuerySet]

    @property
    def is_offer(self) -> bool:
        return self.model is Offer

    @property
    def urls(self) -> dict[str, str]:
        pages = (
            "browse",
            "mine",
            "create",
            "detail",
            "edit",
            "publish",
            "close",
            "reopen",
            "duplicate",
            "take_over",
        )
        return {page: f"matching:{self.prefix}_{page}" for page in pages}

    def url(self, page: str) -> str:
        return self.urls[page]


OFFERS = Side(
    model=Offer,
    prefix="offer",
    org_kind=Organisation.Kind.COMPANY,
    form_class=OfferForm,
    get_for=selectors.offer_get_for,
    visible_to=selectors.offers_visible_to,
)
REQUESTS = Side(
    model=Request,
    prefix="request",
    org_kind=Organisation.Kind.SCHOOL,
    form_class=RequestForm,
    get_for=selectors.request_get_for,
    visible_to=selectors.requests_visible_to,
)


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def own_organisation(user: User, kind: str) -> Organisation | None:
    """The active organisation when it is of this kind."""
    active = access.active_organisation(user)
    return active if active is not None and active.kind == kind else None


def distance_km(origin: Organisation | None, listing: Listing) -> float | None:
    if origin is None or origin.pk == listing.organisation_id:
        return None
    other = listing.organisation
    return haversine_km(origin.latitude, origin.longitude, other.latitude, other.longitude)


def missing_organisation(request: HttpRequest, side: Side) -> HttpResponse:
    """Someone without an organisation of the right kind: send them where they can act."""
    if side.is_offer and own_organisation(request.user, REQUESTS.org_kind):
        return redirect(REQUESTS.url("mine"))
    if not side.is_offer and own_organisation(request.user, OFFERS.org_kind):
        return redirect(OFFERS.url("mine"))
    if side.is_offer:
        messages.info(request, _("Offers are made by companies. Create or join a company first."))
    else:
        messages.info(request, _("Requests are made by schools. Create or join a school first."))
    return redirect("accounts:dashboard")


def paged(request: HttpRequest, rows: QuerySet, params: Any) -> tuple[Any, str]:
    """The requested page, and the query string (without `page`) for the page links."""
    page = LargeListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = params.copy()
    params.pop("page", None)
    return page, params.urlencode()
