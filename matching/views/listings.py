"""Reading offers and requests: my organisation's list (tabs per status), a detail page and
browsing with filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.models import User
from matching import selectors
from matching.forms import BrowseForm
from matching.models import Match, Offer, Request
from matching.presenters import choice_label
from matching.views.sides import (
    OFFERS,
    REQUESTS,
    Listing,
    Side,
    distance_km,
    missing_organisation,
    own_organisation,
    paged,
)
from taxonomy.holiday_names import HOLIDAY_REGION_LABELS
from taxonomy.holidays import holiday_region_for_place, holidays_overlapping
from taxonomy.levels import Level
from taxonomy.subjects import Subject

TAB_LABELS = {
    "": gettext_lazy("All"),
    "draft": gettext_lazy("Drafts"),
    "open": gettext_lazy("Published"),
    "fulfilled": gettext_lazy("Fulfilled"),
    "closed": gettext_lazy("Closed"),
}


def _mine(request: HttpRequest, side: Side) -> HttpResponse:
    organisation = own_organisation(request.user, side.org_kind)
    if organisation is None:
        return missing_organisation(request, side)
    rows = side.model.objects.filter(organisation=organisation)
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    status = request.GET.get("status", "")
    if status not in side.model.Status.values:
        status = ""
    tabs = [
        {
            "status": code,
            "label": TAB_LABELS[code],
            "count": counts.get(code, 0) if code else sum(counts.values()),
        }
        for code in ("", *side.model.Status.values)
    ]
    if status:
        rows = rows.filter(status=status)
    page, query = paged(request, rows.order_by("-created_at", "-id"), request.GET)
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


def _detail(request: HttpRequest, side: Side, pk: int) -> HttpResponse:
    listing = side.get_for(request.user, pk)
    is_member = selectors.can_edit(request.user, listing)
    viewer = access.active_organisation(request.user)
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
        "distance": None if is_member else distance_km(viewer, listing),
        "holidays": holidays,
        "contact_person": listing.contact_person if side.is_offer and is_member else None,
        "level_labels": [choice_label(Level, code) for code in listing.levels],
        "subject_labels": [choice_label(Subject, code) for code in listing.subjects],
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


def _counterparts(user: User, side: Side, listing: Listing, is_member: bool) -> list[Listing]:
    """The viewer's own open items that could be proposed to this one (self-service)."""
    if is_member or listing.status != "open":
        return []
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


def _browse(request: HttpRequest, side: Side) -> HttpResponse:
    viewer = access.active_organisation(request.user)
    params = request.GET.copy()
    if not side.is_offer and "landsdeel" not in params and viewer is not None and viewer.is_company:
        # Companies mostly serve their own region; the filter shows, so they can clear it.
        params["landsdeel"] = viewer.landsdeel
    form = BrowseForm(params, is_offer=side.is_offer, origin=viewer)
    rows = form.filter_queryset(side.visible_to(request.user).filter(status="open"))
    page, query = paged(request, rows, params)
    items = [(listing, distance_km(viewer, listing)) for listing in page.object_list]
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
