"""Writing offers and requests: the create/edit form (with save-and-publish) and the POST
buttons publish, close, reopen and take over."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import selectors
from matching.presenters import holiday_region_labels, holiday_table, region_holidays
from matching.services import listings
from matching.views.sides import (
    OFFERS,
    REQUESTS,
    Listing,
    Side,
    add_service_errors,
    missing_organisation,
    own_organisation,
)


def _form_page(request: HttpRequest, side: Side, listing: Listing | None) -> HttpResponse:
    organisation = listing.organisation if listing else own_organisation(request.user, side.org_kind)
    if organisation is None:
        return missing_organisation(request, side)
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
            add_service_errors(form, exc)
        else:
            if not publish or listing.status == "open":
                messages.success(request, _("Your changes have been saved."))
                return redirect(side.url("detail"), listing.pk)
            try:
                listings.listing_publish(listing, by=request.user)
            except ValidationError as exc:
                # The draft is saved; the form now posts to its edit page, so a retry never
                # creates a second one.
                add_service_errors(form, exc)
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
        "holidays": None if side.is_offer else region_holidays(organisation),
        "holiday_table": holiday_table() if side.is_offer else None,
        "holiday_regions": holiday_region_labels(),
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
