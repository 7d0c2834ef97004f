"""Create, update, publish, close and reopen offers and requests: the only writers of both.

Offers and requests share their lifecycle (draft → open → closed, reopen), so one set of
functions serves both; `offers.py` and `requests.py` expose the named entry points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from accounts.validators import CREBO_RE, DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, clean_text
from matching.models import ContractType, Listing, Offer, Request
from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_ORDER, levels_mask, sort_levels
from taxonomy.subjects import SUBJECT_ORDER, subjects_mask

log = structlog.get_logger(__name__)

# Called after commit with (landsdeel, offer_id=… or request_id=…) whenever an open listing
# appears or changes, or (landsdeel,) when capacity is released; the matcher registers itself here
# (matching.services.runs) so this module does not import the engine.
on_listing_changed: list[Callable[..., None]] = []

COMMON_FIELDS = ("kind", "title", "description", "levels", "subjects", "max_travel_km", "crebo")
OFFER_FIELDS = COMMON_FIELDS + (
    "capacity",
    "online",
    "available_from",
    "available_until",
    "language",
    "contact_person",
    "contract_type",
    "sbb_recognised",
    "vog_date",
)
REQUEST_FIELDS = COMMON_FIELDS + (
    "slots",
    "online_ok",
    "wanted_from",
    "wanted_until",
    "preferred_dates",
    "vog_required",
    "contract_type",
)


def _fields_for(model: type[Listing]) -> tuple[str, ...]:
    return OFFER_FIELDS if model is Offer else REQUEST_FIELDS


def _expected_kind(model: type[Listing]) -> str:
    return Organisation.Kind.COMPANY if model is Offer else Organisation.Kind.SCHOOL


def _check_member(user: User | None, organisation: Organisation) -> None:
    if user is None:  # system callers (bulk load, tests of services) pass no user
        return
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise PermissionDenied


def _codes(values: Iterable[str] | None, allowed: Iterable[str], field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError({field: _("Unknown value(s): %(codes)s.") % {"codes": ", ".join(unknown)}})
    return values


def _apply(listing: Listing, data: dict[str, Any]) -> None:
    allowed = _fields_for(type(listing))
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    for name, value in data.items():
        if name == "levels":
            value = sort_levels(_codes(value, LEVEL_ORDER, "levels"))
            listing.levels_mask = levels_mask(value)
        elif name == "subjects":
            value = _codes(value, SUBJECT_ORDER, "subjects")
            listing.subjects_mask = subjects_mask(value)
        elif name == "crebo":
            value = sorted(set(value or []))
            bad = [code for code in value if not CREBO_RE.match(str(code))]
            if bad:
                raise ValidationError(
                    {"crebo": _("A crebo qualification code has five digits, for example 25604.")}
                )
        elif name in ("title", "description", "preferred_dates"):
            value = clean_text(value)
        elif name == "contract_type":
            value = value or ""
        setattr(listing, name, value)


def _validate(listing: Listing) -> None:
    errors: dict[str, list[str]] = {}
    if listing.kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of activity."))
    if not listing.title:
        errors.setdefault("title", []).append(_("Give it a short title."))
    elif len(listing.title) > TITLE_MAX_LENGTH:
        errors.setdefault("title", []).append(_("At most %(n)s characters.") % {"n": TITLE_MAX_LENGTH})
    if len(listing.description or "") > DESCRIPTION_MAX_LENGTH:
        errors.setdefault("description", []).append(
            _("At most %(n)s characters.") % {"n": DESCRIPTION_MAX_LENGTH}
        )
    if not listing.levels:
        errors.setdefault("levels", []).append(_("Choose at least one level."))
    for message in listing_window_errors(listing.date_from, listing.date_until):
        errors.setdefault(_until_field(listing), []).append(message)
    amount_field = "capacity" if isinstance(listing, Offer) else "slots"
    amount = getattr(listing, amount_field)
    if amount is None or amount < 1:
        errors.setdefault(amount_field, []).append(_("At least 1."))
    elif amount < listing.committed:
        errors.setdefault(amount_field, []).append(
            _("%(n)s slots are already promised in matches; you cannot go below that.")
            % {"n": listing.committed}
        )
    if listing.max_travel_km is not None and listing.max_travel_km <= 0:
        errors.setdefault("max_travel_km", []).append(
            _("Leave empty for no limit, or give a positive distance.")
        )
    if listing.contract_type and listing.contract_type not in ContractType.values:
        errors.setdefault("contract_type", []).append(_("Choose BOL, BBL or both."))
    if isinstance(listing, Offer) and listing.online and listing.kind not in (Kind.GUEST_LESSON,):
        errors.setdefault("online", []).append(_("Only guest lessons can be given online."))
    if errors:
        raise ValidationError(errors)


def listing_window_errors(start: date | None, end: date | None, *, past_ok: bool = True) -> list[str]:
    """What is wrong with a period from `start` to `end` (the form asks this too, so that every
    error shows at once). A new or edited item may not lie wholly in the past (`past_ok=False`)."""
    if start and end and start > end:
        return [_("The end date must be on or after the start date.")]
    if not past_ok and end and end < timezone.localdate():
        return [_("This period has already passed: choose dates from today on.")]
    return []


def _until_field(listing: Listing) -> str:
    return "available_until" if isinstance(listing, Offer) else "wanted_until"


def _notify_changed(listing: Listing) -> None:
    if listing.status != "open":
        return
    landsdeel = listing.organisation.landsdeel
    target = {"offer_id" if isinstance(listing, Offer) else "request_id": listing.pk}
    for hook in on_listing_changed:
        transaction.on_commit(lambda hook=hook: hook(landsdeel, **target), robust=True)


@transaction.atomic
def listing_create[L: (Offer, Request)](
    model: type[L], *, organisation: Organisation, by: User | None, **data: Any
) -> L:
    """A new draft for the organisation; schools make requests, companies make offers."""
    if organisation.kind != _expected_kind(model):
        raise ValidationError(
            _("Only companies publish offers.") if model is Offer else _("Only schools publish requests.")
        )
    _check_member(by, organisation)
    listing = model(organisation=organisation, created_by=by, status="draft")
    if model is Offer and "contact_person" not in data and by is not None:
        data["contact_person"] = by
    _apply(listing, data)
    _validate(listing)
    # A person (not a bulk load) makes no new items for a period that has wholly passed.
    errors = listing_window_errors(listing.date_from, listing.date_until, past_ok=by is None)
    if errors:
        raise ValidationError({_until_field(listing): errors})
    listing.save()
    log.info("listing.created", model=model.__name__, id=listing.pk, organisation=organisation.pk)
    return listing


def _locked[L: (Offer, Request)](listing: L) -> L:
    return type(listing).objects.select_for_update().select_related("organisation").get(pk=listing.pk)


@transaction.atomic
def listing_update[L: (Offer, Request)](listing: L, *, by: User | None, **data: Any) -> L:
    listing = _locked(listing)
    _check_member(by, listing.organisation)
    if listing.status == "closed" or listing.status == "fulfilled":
        raise ValidationError(_("Reopen it before you change it."))
    if "kind" in data and data["kind"] != listing.kind and listing.committed:
        raise ValidationError({"kind": _("The kind cannot change while there are matches.")})
    _apply(listing, data)
    _validate(listing)
    listing.save()
    _notify_changed(listing)
    return listing


def _check_publishable(listing: Listing) -> None:
    if not listing.organisation.is_verified:
        raise ValidationError(
            _(
                "Your organisation is not verified yet. A coordinator of your province will verify it; "
                "until then you can keep this as a draft."
            )
        )
    errors: dict[str, list[str]] = {}
    if listing.date_until < timezone.localdate():
        errors[_until_field(listing)] = [_("This date has passed. Choose dates in the future.")]
    if listing.kind == Kind.INTERNSHIP:
        internship_levels = {c for c in LEVEL_ORDER if c.startswith(("vmbo", "mbo", "hbo"))}
        if not set(listing.levels) & internship_levels:
            errors["levels"] = [_("Internships are for vmbo, mbo or hbo students.")]
    if not listing.description and listing.external_id is None:
        errors["description"] = [_("Describe what it is about, so the other side knows what to expect.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def listing_publish[L: (Offer, Request)](listing: L, *, by: User | None) -> L:
    """Draft (or closed) → open, after the completeness checks; queues matching for its region."""
    listing = _locked(listing)
    _check_member(by, listing.organisation)
    if listing.status == "open":
        return listing
    _validate(listing)
    _check_publishable(listing)
    listing.status = "open"
    listing.published_at = listing.published_at or timezone.now()
    listing.closed_at = None
    listing.save(update_fields=["status", "published_at", "closed_at", "updated_at"])
    log.info("listing.published", model=type(listing).__name__, id=listing.pk)
    _notify_changed(listing)
    return listing


@transaction.atomic
def listing_close[L: (Offer, Request)](listing: L, *, by: User | None, status: str = "closed") -> L:
    listing = _locked(listing)
    _check_member(by, listing.organisation)
    if listing.status in ("closed", "fulfilled"):
        return listing
    listing.status = status
    listing.closed_at = timezone.now()
    listing.save(update_fields=["status", "closed_at", "updated_at"])
    return listing


@transaction.atomic
def listing_reopen[L: (Offer, Request)](listing: L, *, by: User | None) -> L:
    listing = _locked(listing)
    _check_member(by, listing.organisation)
    if listing.status not in ("closed", "fulfilled"):
        raise ValidationError(_("Only closed items can be reopened."))
    if listing.free <= 0:
        raise ValidationError(_("Everything is already taken. Raise the number first."))
    listing.status = "draft"
    listing.save(update_fields=["status", "updated_at"])
    return listing_publish(listing, by=by)


def is_past(listing: Listing, today: date | None = None) -> bool:
    return listing.date_until < (today or timezone.localdate())


def listings_close_past(*, today: date | None = None) -> int:
    """Beat: open offers and requests whose window has passed are closed (DESIGN §3)."""
    today = today or timezone.localdate()
    now = timezone.now()
    closed = Offer.objects.filter(status="open", available_until__lt=today).update(
        status="closed", closed_at=now
    )
    closed += Request.objects.filter(status="open", wanted_until__lt=today).update(
        status="closed", closed_at=now
    )
    return closed
