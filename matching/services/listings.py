"""Create, update, publish, close and reopen offers and requests: the only writers of both.

Offers and requests share their lifecycle (draft → open → closed, reopen), so one set of
functions serves both, given the model (`listing_create(Offer, …)`); the fields they take are
named in `listing_fields.py`, copies are made in `copies.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Membership, Organisation, User
from accounts.validators import CREBO_RE, DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, clean_text
from matching import signals
from matching.matcher import runs
from matching.models import (
    GROUP_SIZE_MAX,
    ContractType,
    Listing,
    Match,
    Offer,
    Repeat,
    Request,
    WeekOfMonth,
)
from matching.services import events, scheduling
from matching.services.listing_fields import TEXT_FIELDS, fields_for
from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_ORDER, levels_mask, sort_levels
from taxonomy.subjects import SUBJECT_ORDER, subjects_mask

logger = structlog.get_logger(__name__)

SBB_NUMBER_RE = re.compile(r"^\d{9}$")


def _expected_kind(model: type[Listing]) -> str:
    return Organisation.Kind.COMPANY if model is Offer else Organisation.Kind.SCHOOL


def _check_member(user: User | None, organisation: Organisation) -> None:
    if user is None:  # system callers (bulk load, tests of services) pass no user
        return
    if not access.is_member(user, organisation) and not _acts_as_coordinator(user, organisation):
        raise PermissionDenied


def _acts_as_coordinator(user: User | None, organisation: Organisation) -> bool:
    """A coordinator of its province posting for a school or company (never for their own)."""
    return (
        user is not None
        and not access.is_member(user, organisation)
        and access.coordinates(user, organisation.province)
    )


def _codes(values: Iterable[str] | None, allowed: Iterable[str], field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError({field: _("Unknown value(s): %(codes)s.") % {"codes": ", ".join(unknown)}})
    return values


def _apply(listing: Listing, data: dict[str, Any]) -> None:
    allowed = fields_for(type(listing))
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
        elif name in ("crebo", "sbb_crebo"):
            value = sorted(set(value or []))
            bad = [code for code in value if not CREBO_RE.match(str(code))]
            if bad:
                raise ValidationError(
                    {name: _("A crebo qualification code has five digits, for example 25604.")}
                )
        elif name in TEXT_FIELDS:
            value = clean_text(value)
        elif name in ("contract_type", "lesson_format", "repeat"):
            value = value or ""
        elif name == "location" and value is not None and value.organisation_id != listing.organisation_id:
            # One of the organisation's own locations/sites (or none: the organisation's address).
            raise ValidationError({"location": _("Choose one of your organisation's locations.")})
        setattr(listing, name, value)


def _validate(listing: Listing) -> None:
    errors: dict[str, list[str]] = {}
    if isinstance(listing, Offer):
        _validate_repeat(listing, errors)
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
    elif isinstance(listing, Request) and listing.contract_type == ContractType.BOTH:
        # An offer may serve either; the students of a request follow one of the two.
        errors.setdefault("contract_type", []).append(_("Choose BOL or BBL."))
    if isinstance(listing, Offer) and listing.online and listing.kind not in (Kind.GUEST_LESSON,):
        errors.setdefault("online", []).append(_("Only guest lessons can be given online."))
    for name in ("max_group_size", "group_size", "group_count"):
        value = getattr(listing, name, None)
        if value is not None and not 1 <= value <= GROUP_SIZE_MAX:
            errors.setdefault(name, []).append(
                _("Give a number from 1 to %(max)s.") % {"max": GROUP_SIZE_MAX}
            )
    if getattr(listing, "sbb_number", "") and not SBB_NUMBER_RE.match(listing.sbb_number):
        errors.setdefault("sbb_number", []).append(_("An SBB leerbedrijf number has exactly 9 digits."))
    for name in ("contact_person", "teacher"):
        person = getattr(listing, f"{name}_id", None)
        if (
            person is not None
            and not Membership.objects.filter(
                user_id=person, organisation_id=listing.organisation_id
            ).exists()
        ):
            errors.setdefault(name, []).append(_("Choose a member of your organisation."))
    if errors:
        raise ValidationError(errors)


def _validate_repeat(offer: Offer, errors: dict[str, list[str]]) -> None:
    """A repeating offer states its rhythm and its capacity per occurrence; the total capacity
    (what the matcher and the constraints count) is that times the occurrences in its window."""
    if not offer.repeat:
        offer.repeat_weekday = offer.repeat_week = offer.capacity_per_occurrence = None
        return
    if offer.repeat_weekday is None:
        errors.setdefault("repeat_weekday", []).append(_("Choose the weekday it repeats on."))
    if offer.repeat == Repeat.MONTHLY and offer.repeat_week is None:
        errors.setdefault("repeat_week", []).append(_("Choose which week of the month."))
    if not offer.capacity_per_occurrence:
        offer.capacity_per_occurrence = offer.capacity or 1
    if errors or not (offer.available_from and offer.available_until):
        return
    count = len(offer_occurrences(offer))
    if count == 0:
        errors.setdefault("repeat_weekday", []).append(
            _("This rhythm has no day inside the available dates.")
        )
        return
    offer.capacity = offer.capacity_per_occurrence * count


def offer_occurrences(offer: Offer) -> list[date]:
    """The days a repeating offer takes place inside its window ("every first Tuesday")."""
    if not offer.repeat or offer.repeat_weekday is None:
        return []
    day = offer.available_from + timedelta(days=(offer.repeat_weekday - offer.available_from.weekday()) % 7)
    days: list[date] = []
    while day <= offer.available_until:
        if offer.repeat == Repeat.WEEKLY:
            days.append(day)
        else:
            week = (day.day - 1) // 7 + 1
            last = (day + timedelta(days=7)).month != day.month
            if week == offer.repeat_week or (offer.repeat_week == WeekOfMonth.LAST and last):
                days.append(day)
        day += timedelta(days=7)
    return days


def listing_window_errors(start: date | None, end: date | None, *, past_ok: bool = True) -> list[str]:
    """What is wrong with a period from `start` to `end` (the form asks this too, so that every
    error shows at once). A new or edited item may not lie wholly in the past (`past_ok=False`)."""
    if start and end and start > end:
        return [_("The end date must be on or after the start date.")]
    if not past_ok and end and end < timezone.localdate():
        return [_("This period has already passed: choose dates from today on.")]
    # Windows end at most two school years ahead (DESIGN §3).
    return [m for messages in scheduling.validate_window(field="", until=end).values() for m in messages]


def _until_field(listing: Listing) -> str:
    return "available_until" if isinstance(listing, Offer) else "wanted_until"


def _queue_run(listing: Listing) -> None:
    """An open listing appeared or changed: after the commit, the matcher queues a debounced run
    for its landsdeel about it (DESIGN §4 "Triggers")."""
    if listing.status != "open":
        return
    target = {"offer_id" if isinstance(listing, Offer) else "request_id": listing.pk}
    landsdeel, model, pk = listing.organisation.landsdeel, type(listing), listing.pk
    # Lambdas, not functools.partial: Django logs a failing robust callback by its __qualname__,
    # which a partial lacks, so the logging itself would raise after the commit.
    transaction.on_commit(lambda: runs.listing_changed(landsdeel, **target), robust=True)
    transaction.on_commit(lambda: signals.listing_opened.send(sender=model, listing_id=pk), robust=True)


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
    listing.posted_by_coordinator = _acts_as_coordinator(by, organisation)
    if "contact_person" not in data and by is not None and not listing.posted_by_coordinator:
        data["contact_person"] = by
    _apply(listing, data)
    _validate(listing)
    # A person (not a bulk load) makes no new items for a period that has wholly passed.
    errors = listing_window_errors(listing.date_from, listing.date_until, past_ok=by is None)
    if errors:
        raise ValidationError({_until_field(listing): errors})
    listing.save()
    if listing.posted_by_coordinator:
        from accounts.services.audit import audit_record

        audit_record(
            actor=by,
            action=f"{model.__name__.lower()}.posted_for",
            object_type=model.__name__.lower(),
            object_id=listing.pk,
            organisation=organisation,
        )
    logger.info("listing.created", model=model.__name__, id=listing.pk, organisation=organisation.pk)
    return listing


def _locked[L: (Offer, Request)](listing: L) -> L:
    return type(listing).objects.select_for_update().select_related("organisation").get(pk=listing.pk)


@transaction.atomic
def listing_update[L: (Offer, Request)](
    listing: L, *, by: User | None, queue_run: bool = True, **data: Any
) -> L:
    listing = _locked(listing)
    _check_member(by, listing.organisation)
    if listing.status == "closed" or listing.status == "fulfilled":
        raise ValidationError(_("Reopen it before you change it."))
    if "kind" in data and data["kind"] != listing.kind and listing.committed:
        raise ValidationError({"kind": _("The kind cannot change while there are matches.")})
    contact_before = listing.contact_person_id
    _apply(listing, data)
    _validate(listing)
    listing.save()
    if listing.contact_person_id != contact_before:
        _tell_contact_changed(listing)
    if queue_run:
        _queue_run(listing)
    return listing


def _tell_contact_changed(listing: Listing) -> None:
    field = "offer" if isinstance(listing, Offer) else "request"
    live = Match.objects.filter(**{field: listing}, status__in=Match.COMMITTING).select_related(
        "offer__organisation", "request__organisation", "offer__contact_person", "request__contact_person"
    )
    for match in live:
        events.contact_changed(match, side="company" if field == "offer" else "school")


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
        if isinstance(listing, Offer) and not listing.contract_type:
            errors["contract_type"] = [_("Say whether the internship is BOL, BBL or both.")]
    if not listing.description and listing.external_id is None:
        errors["description"] = [_("Describe what it is about, so the other side knows what to expect.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def listing_publish[L: (Offer, Request)](listing: L, *, by: User | None, queue_run: bool = True) -> L:
    """Draft (or closed) → open, after the completeness checks; queues matching for its region
    (``queue_run=False``: the caller runs the matcher itself, as seed_demo does once at the end)."""
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
    logger.info("listing.published", model=type(listing).__name__, id=listing.pk)
    if queue_run:
        _queue_run(listing)
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


@transaction.atomic
def listing_take_over[L: (Offer, Request)](listing: L, *, by: User) -> L:
    """An admin of the organisation takes over what a coordinator posted on its behalf."""
    listing = _locked(listing)
    if not access.is_admin(by, listing.organisation):
        raise PermissionDenied
    if not listing.posted_by_coordinator:
        raise ValidationError(_("This was not posted by a coordinator."))
    listing.posted_by_coordinator = False
    listing.created_by = by
    listing.save(update_fields=["posted_by_coordinator", "created_by", "updated_at"])
    from accounts.services.audit import audit_record

    audit_record(
        actor=by,
        action=f"{type(listing).__name__.lower()}.taken_over",
        object_type=type(listing).__name__.lower(),
        object_id=listing.pk,
        organisation=listing.organisation,
    )
    return listing


@transaction.atomic
def offer_sbb_mark_checked(*, offer: Offer, by: User) -> Offer:
    """A coordinator of the company's province checked the SBB recognition in the SBB register."""
    if not access.coordinates(by, offer.organisation.province) and not by.is_superuser:
        raise PermissionDenied
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    offer.sbb_checked_at = timezone.localdate()
    offer.sbb_checked_by = by
    offer.save(update_fields=["sbb_checked_at", "sbb_checked_by", "updated_at"])
    return offer
