"""Web pages for offers (companies) and requests (schools): thin views over the services.

Offers and requests share their pages; a `Side` says which model, form, selector and field
names a page works with.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import Organisation, User
from matching import selectors
from matching.forms import BrowseForm, ListingForm, OfferForm, RequestForm
from matching.models import Match, Offer, Request
from matching.pagination import LargeListPaginator
from matching.services import listings
from taxonomy.holidays import (
    HOLIDAY_REGION_LABELS,
    HOLIDAY_REGIONS,
    Holiday,
    all_holidays,
    holiday_region_for_place,
    holidays_for_region,
    holidays_overlapping,
)
from taxonomy.levels import Level
from taxonomy.places import haversine_km
from taxonomy.subjects import Subject

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


# Helpers ------------------------------------------------------------------------------------


def _add_service_errors(form: ListingForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (accounts.views pattern)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def _own_organisation(user: User, kind: str) -> Organisation | None:
    """The active organisation when it is of this kind (accounts.access)."""
    active = access.active_organisation(user)
    return active if active is not None and active.kind == kind else None


def _viewer_organisation(user: User) -> Organisation | None:
    return access.active_organisation(user)


def _distance_km(origin: Organisation | None, listing: Listing) -> float | None:
    if origin is None or origin.pk == listing.organisation_id:
        return None
    other = listing.organisation
    return haversine_km(origin.latitude, origin.longitude, other.latitude, other.longitude)


def _label(choices: type[Level] | type[Subject], code: str) -> str:
    """The display name of a level or subject; unknown codes (from bulk data) show as they are."""
    return str(choices(code).label) if code in choices.values else code


def _missing_organisation(request: HttpRequest, side: Side) -> HttpResponse:
    """Someone without an organisation of the right kind: send them where they can act."""
    if side.is_offer and _own_organisation(request.user, REQUESTS.org_kind):
        return redirect(REQUESTS.url("mine"))
    if not side.is_offer and _own_organisation(request.user, OFFERS.org_kind):
        return redirect(OFFERS.url("mine"))
    if side.is_offer:
        messages.info(request, _("Offers are made by companies. Create or join a company first."))
    else:
        messages.info(request, _("Requests are made by schools. Create or join a school first."))
    return redirect("accounts:dashboard")


def _next_months() -> tuple[date, date]:
    today = timezone.localdate()
    return today, today + timedelta(days=365)


def _region_holidays(organisation: Organisation) -> dict[str, Any]:
    """A school's holiday region and its holidays in the coming twelve months."""
    region = holiday_region_for_place(organisation)
    return {"region": HOLIDAY_REGION_LABELS[region], "holidays": holidays_for_region(region, *_next_months())}


_SHORT_BREAKS = ("herfstvakantie", "kerstvakantie", "voorjaarsvakantie", "meivakantie")


def _holiday_table() -> list[dict[str, Any]]:
    """The short breaks of the coming twelve months, one row per break with a cell per region:
    companies serve schools in all three holiday regions."""
    start, end = _next_months()
    rows: dict[tuple[str, str], dict[str, Holiday]] = {}
    for holiday in all_holidays():
        if holiday.name in _SHORT_BREAKS and holiday.overlaps(start, end):
            rows.setdefault((holiday.school_year, holiday.name), {})[holiday.region] = holiday
    table = []
    for by_region in sorted(rows.values(), key=lambda r: min(h.start for h in r.values())):
        first = next(iter(by_region.values()))
        table.append({"label": first.label, "cells": [by_region.get(region) for region in HOLIDAY_REGIONS]})
    return table


def _page(request: HttpRequest, rows: QuerySet, params: Any) -> tuple[Any, str]:
    """The requested page, and the query string (without `page`) for the page links."""
    page = LargeListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = params.copy()
    params.pop("page", None)
    return page, params.urlencode()


# My organisation's offers / requests ----------------------------------------------------------


_TAB_LABELS = {
    "": gettext_lazy("All"),
    "draft": gettext_lazy("Drafts"),
    "open": gettext_lazy("Published"),
    "fulfilled": gettext_lazy("Fulfilled"),
    "closed": gettext_lazy("Closed"),
}


def _mine(request: HttpRequest, side: Side) -> HttpResponse:
    organisation = _own_organisation(request.user, side.org_kind)
    if organisation is None:
        return _missing_organisation(request, side)
    rows = side.model.objects.filter(organisation=organisation)
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    status = request.GET.get("status", "")
    if status not in side.model.Status.values:
        status = ""
    tabs = [
        {
            "status": code,
            "label": _TAB_LABELS[code],
            "count": counts.get(code, 0) if code else sum(counts.values()),
        }
        for code in ("", *side.model.Status.values)
    ]
    if status:
        rows = rows.filter(status=status)
    page, query = _page(request, rows.order_by("-created_at", "-id"), request.GET)
    context = {
        "side": side,
        "organisation": organisation,
        "tabs": tabs,
        "status": status,
        "page": page,
        "query": query,
    }
    return render(request, "matching/listing_mine.html", context)


@login_required
def offer_mine(request: HttpRequest) -> HttpResponse:
    return _mine(request, OFFERS)


@login_required
def request_mine(request: HttpRequest) -> HttpResponse:
    return _mine(request, REQUESTS)


# Create and edit ------------------------------------------------------------------------------


def _form_page(request: HttpRequest, side: Side, listing: Listing | None) -> HttpResponse:
    organisation = listing.organisation if listing else _own_organisation(request.user, side.org_kind)
    if organisation is None:
        return _missing_organisation(request, side)
    if listing is not None and listing.status in ("closed", "fulfilled"):
        messages.info(request, _("Reopen it before you change it."))
        return redirect(side.url("detail"), listing.pk)
    initial = (
        side.form_class.initial_for(listing)
        if listing
        else side.form_class.initial_new(organisation, request.user)
    )
    if listing is None and not side.is_offer and request.method == "GET" and request.GET.get("offer"):
        # "Create a request for this offer": prefilled from an offer the teacher may see.
        with contextlib.suppress(Http404, ValueError):
            offer = selectors.offer_get_for(request.user, int(request.GET["offer"]))
            initial = side.form_class.initial_from_offer(offer, organisation, request.user)
    form = side.form_class(
        request.POST or None, organisation=organisation, initial=initial, is_existing=listing is not None
    )
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            if listing is None:
                listing = listings.listing_create(
                    side.model, organisation=organisation, by=request.user, **form.service_data()
                )
            else:
                listing = listings.listing_update(listing, by=request.user, **form.service_data())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if not publish or listing.status == "open":
                messages.success(request, _("Your changes have been saved."))
                return redirect(side.url("detail"), listing.pk)
            try:
                listings.listing_publish(listing, by=request.user)
            except ValidationError as exc:
                # The draft is saved; the form now posts to its edit page, so a retry never
                # creates a second one.
                _add_service_errors(form, exc)
                messages.warning(
                    request,
                    _(
                        "Saved as a draft, but not published yet. Fix what is marked below and "
                        "choose “Save and publish” again."
                    ),
                )
            else:
                messages.success(request, _("Published. The matcher will now look for a match."))
                return redirect(side.url("detail"), listing.pk)
    context = {
        "side": side,
        "form": form,
        "listing": listing,
        "organisation": organisation,
        "holidays": None if side.is_offer else _region_holidays(organisation),
        "holiday_table": _holiday_table() if side.is_offer else None,
        "holiday_regions": [HOLIDAY_REGION_LABELS[r] for r in HOLIDAY_REGIONS],
    }
    return render(request, "matching/listing_form.html", context)


@login_required
def offer_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, OFFERS, None)


@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, OFFERS, selectors.offer_get_for(request.user, pk, write=True))


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, REQUESTS, None)


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, REQUESTS, selectors.request_get_for(request.user, pk, write=True))


# Detail and actions ---------------------------------------------------------------------------


def _detail(request: HttpRequest, side: Side, pk: int) -> HttpResponse:
    listing = side.get_for(request.user, pk)
    is_member = selectors.can_edit(request.user, listing)
    viewer = _viewer_organisation(request.user)
    # The dates matter to a school: show its own holidays in the window.
    school = listing.organisation if not side.is_offer else (viewer if viewer and viewer.is_school else None)
    holidays = None
    if school is not None:
        # A request made for a school location follows that location's holiday region.
        place = listing.location if not side.is_offer and listing.location_id else school
        region = holiday_region_for_place(place)
        holidays = {
            "region": HOLIDAY_REGION_LABELS[region],
            "items": holidays_overlapping(region, listing.date_from, listing.date_until),
        }
    context = {
        "side": side,
        "listing": listing,
        "is_member": is_member,
        "distance": None if is_member else _distance_km(viewer, listing),
        "holidays": holidays,
        "contact_person": listing.contact_person if side.is_offer and is_member else None,
        "level_labels": [_label(Level, code) for code in listing.levels],
        "subject_labels": [_label(Subject, code) for code in listing.subjects],
        "counterparts": _counterparts(request.user, side, listing, is_member),
        # The matches that hold its promised slots, linked from its page.
        "listing_matches": (
            list(listing.matches.filter(status__in=Match.COMMITTING).order_by("-pk")[:20])
            if is_member
            else []
        ),
        "viewer": viewer,
    }
    return render(request, "matching/listing_detail.html", context)


def _counterparts(user, side: Side, listing, is_member: bool) -> list:  # noqa: ANN001
    """The viewer's own open items that could be proposed to this one (self-service)."""
    if is_member or listing.status != "open":
        return []
    from django.db.models import F

    from matching.models import Offer, Request

    own = access.acting_org_ids(user)
    if side.is_offer:
        return list(
            Request.objects.filter(
                organisation_id__in=own, status="open", kind=listing.kind, committed__lt=F("slots")
            ).order_by("title")[:50]
        )
    return list(
        Offer.objects.filter(
            organisation_id__in=own, status="open", kind=listing.kind, committed__lt=F("capacity")
        ).order_by("title")[:50]
    )


@login_required
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, OFFERS, pk)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, REQUESTS, pk)


def _action(request: HttpRequest, side: Side, pk: int, action: str) -> HttpResponse:
    listing = side.get_for(request.user, pk, write=True)
    service, done = {
        "publish": (listings.listing_publish, _("Published. The matcher will now look for a match.")),
        "close": (listings.listing_close, _("Closed. It is no longer matched; you can reopen it later.")),
        "reopen": (listings.listing_reopen, _("Reopened and published again.")),
        "take_over": (listings.listing_take_over, _("You have taken this over from the coordinator.")),
    }[action]
    try:
        service(listing, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        if action == "publish" and hasattr(exc, "error_dict"):
            messages.info(request, _("Edit it to fix this, then publish again."))
    else:
        messages.success(request, done)
    return redirect(side.url("detail"), listing.pk)


@login_required
@require_POST
def offer_take_over(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, OFFERS, pk, "take_over")


@login_required
@require_POST
def request_take_over(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, REQUESTS, pk, "take_over")


@login_required
@require_POST
def offer_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, OFFERS, pk, "publish")


@login_required
@require_POST
def offer_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, OFFERS, pk, "close")


@login_required
@require_POST
def offer_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, OFFERS, pk, "reopen")


@login_required
@require_POST
def request_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, REQUESTS, pk, "publish")


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, REQUESTS, pk, "close")


@login_required
@require_POST
def request_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, REQUESTS, pk, "reopen")


# Browse ---------------------------------------------------------------------------------------


def _browse(request: HttpRequest, side: Side) -> HttpResponse:
    viewer = _viewer_organisation(request.user)
    params = request.GET.copy()
    if not side.is_offer and "landsdeel" not in params and viewer is not None and viewer.is_company:
        # Companies mostly serve their own region; the filter shows, so they can clear it.
        params["landsdeel"] = viewer.landsdeel
    form = BrowseForm(params, is_offer=side.is_offer, origin=viewer)
    rows = form.filter_queryset(side.visible_to(request.user).filter(status="open"))
    page, query = _page(request, rows, params)
    items = [(listing, _distance_km(viewer, listing)) for listing in page.object_list]
    context = {"side": side, "form": form, "page": page, "items": items, "query": query, "viewer": viewer}
    return render(request, "matching/listing_browse.html", context)


@login_required
def offer_browse(request: HttpRequest) -> HttpResponse:
    return _browse(request, OFFERS)


@login_required
def request_browse(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or user.is_coordinator or selectors.is_company_staff(user)):
        raise PermissionDenied  # schools see each other's requests only through a coordinator
    return _browse(request, REQUESTS)
