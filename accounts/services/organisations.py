"""Registering and editing organisations: place, BRIN/KvK, identity changes, verification,
locations, boards and the coordinator's contact notes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import signals
from accounts.models import Board, Location, Membership, Organisation, User
from accounts.services.audit import audit_record
from accounts.services.coordinators import coordinator_covers
from accounts.services.memberships import membership_is_admin
from accounts.validators import (
    clean_text,
    normalise_brin,
    normalise_kvk,
    validate_brin,
    validate_kvk,
    validate_location_number,
    validate_phone,
)
from taxonomy.levels import LEVEL_ORDER, sort_levels
from taxonomy.places import get_place, haversine_km
from taxonomy.regions import landsdeel_of
from taxonomy.subjects import SUBJECT_ORDER

log = structlog.get_logger(__name__)


def codes_clean(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    allowed_set = set(allowed)
    values = list(dict.fromkeys(values))
    unknown = [v for v in values if v not in allowed_set]
    if unknown:
        raise ValidationError({field: _("Unknown value(s): %(codes)s.") % {"codes": ", ".join(unknown)}})
    return values


# What place_apply sets on an organisation or location.
PLACE_FIELDS = ("place", "municipality", "province", "landsdeel", "latitude", "longitude")


def place_apply(
    org: Organisation | Location,
    *,
    place: str,
    province: str | None,
    latitude: float | None,
    longitude: float | None,
) -> None:
    found = get_place(place, province)
    if found is None:
        raise ValidationError({"place": _("Choose a place from the list of Dutch places.")})
    org.place = found.name
    org.municipality = found.municipality
    org.province = found.province
    org.landsdeel = landsdeel_of(found.province)
    # A refinement of the coordinates is allowed, but only near the chosen place.
    if latitude is not None and longitude is not None:
        if haversine_km(found.lat, found.lon, latitude, longitude) > 25:
            raise ValidationError(
                {"latitude": _("The coordinates are more than 25 km from %(place)s.") % {"place": found.name}}
            )
        org.latitude, org.longitude = latitude, longitude
    else:
        org.latitude, org.longitude = found.lat, found.lon


def _registered_message(existing: Organisation, label: str) -> str:
    if existing.is_verified:
        return _(
            "%(name)s in %(place)s is already registered with this %(label)s. Ask to join it instead."
        ) % {"name": existing.name, "place": existing.place, "label": label}
    return _(
        "An organisation with this %(label)s is already registered. Ask its admin for an invitation."
    ) % {"label": label}


def registry_apply(org: Organisation, *, brin: str | None, kvk: str | None) -> None:
    """Schools are registered by BRIN code, companies by KvK number: one organisation per number."""
    school = org.kind == Organisation.Kind.SCHOOL
    field, other = ("brin", "kvk") if school else ("kvk", "brin")
    normalise, validate = (normalise_brin, validate_brin) if school else (normalise_kvk, validate_kvk)
    label = _("BRIN code") if school else _("KvK number")
    value = brin if school else kvk
    number = normalise(value or "")
    setattr(org, field, number)
    setattr(org, other, None)
    try:
        validate(number)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    clash = Organisation.objects.filter(**{field: number}).exclude(pk=org.pk)
    if clash.exists():
        raise ValidationError({field: _registered_message(clash.get(), label)})


@transaction.atomic
def organisation_create(
    *,
    user: User,
    kind: str,
    name: str,
    place: str,
    province: str | None = None,
    brin: str | None = None,
    kvk: str | None = None,
    levels: Iterable[str] = (),
    sectors: Iterable[str] = (),
    description: str = "",
    website: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    as_coordinator: bool = False,
) -> Organisation:
    """Create an unverified organisation with `user` as its first admin.

    With `as_coordinator` a coordinator of its province creates it for a school or company that
    has no account yet: nobody becomes a member (invite its first admin next), and the audit log
    records it. It stays unverified until a coordinator verifies it."""
    if kind not in Organisation.Kind.values:
        raise ValidationError({"kind": _("Choose school or company.")})
    org = Organisation(kind=kind, name=name.strip(), description=description, website=website)
    place_apply(org, place=place, province=province, latitude=latitude, longitude=longitude)
    if as_coordinator and org.province not in user.coordinator_provinces:
        raise PermissionDenied(_("You do not coordinate this organisation's province."))
    registry_apply(org, brin=brin, kvk=kvk)
    org.levels = sort_levels(codes_clean(levels, LEVEL_ORDER, "levels"))
    org.sectors = codes_clean(sectors, SUBJECT_ORDER, "sectors")
    if org.is_school and not org.levels:
        raise ValidationError({"levels": _("Choose at least one level your school offers.")})
    org.full_clean()
    org.save()
    if as_coordinator:
        audit_record(
            actor=user,
            action="organisation.created_by_coordinator",
            object_type="organisation",
            object_id=org.pk,
            organisation=org,
        )
    else:
        Membership.objects.create(user=user, organisation=org, is_admin=True)
    log.info(
        "organisation.created", organisation=org.pk, kind=kind, user=user.pk, as_coordinator=as_coordinator
    )
    return org


IDENTITY_FIELDS = ("name", *PLACE_FIELDS, "brin", "kvk")


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, **fields: object) -> Organisation:
    """Update the profile (admins only).

    An identity change (name, place/province, BRIN/KvK) of a *verified* organisation is not
    applied: it waits in `pending_identity` for a coordinator of the old or the new province
    (organisation_identity_decide), so a verified name cannot be taken over silently."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not membership_is_admin(user=by, organisation=org):
        raise PermissionDenied
    before = {name: getattr(org, name) for name in IDENTITY_FIELDS}
    for simple in ("name", "description", "website", "email", "phone"):
        if simple in fields:
            setattr(org, simple, clean_text(str(fields[simple] or "")))
    if "phone" in fields:
        try:
            validate_phone(org.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    if "place" in fields:
        place_apply(
            org,
            place=str(fields["place"]),
            province=fields.get("province"),  # type: ignore[arg-type]
            latitude=fields.get("latitude"),
            longitude=fields.get("longitude"),
        )  # type: ignore[arg-type]
    if "brin" in fields or "kvk" in fields:
        registry_apply(org, brin=fields.get("brin"), kvk=fields.get("kvk"))  # type: ignore[arg-type]
    if "levels" in fields:
        org.levels = sort_levels(codes_clean(fields["levels"], LEVEL_ORDER, "levels"))  # type: ignore[arg-type]
        if org.is_school and not org.levels:
            raise ValidationError({"levels": _("Choose at least one level your school offers.")})
    if "sectors" in fields:
        org.sectors = codes_clean(fields["sectors"], SUBJECT_ORDER, "sectors")  # type: ignore[arg-type]
    org.full_clean()
    after = {name: getattr(org, name) for name in IDENTITY_FIELDS}
    changed = {name: after[name] for name in IDENTITY_FIELDS if after[name] != before[name]}
    if changed and org.verified_at is not None:
        for name, value in before.items():
            setattr(org, name, value)
        org.pending_identity = {
            **after,
            "old_province": before["province"],
            "requested_by": by.pk,
            "requested_at": timezone.now().isoformat(),
        }
        for province in dict.fromkeys([before["province"], after["province"]]):
            audit_record(
                actor=by,
                action="organisation.identity_change_requested",
                object_type="organisation",
                object_id=org.pk,
                organisation=org,
                province=province,
                data={"before": {k: before[k] for k in changed}, "after": changed},
            )
    org.save()
    return org


def organisation_identity_covers(*, user: User, organisation: Organisation) -> bool:
    """A coordinator of the old or of the new province decides on an identity change."""
    pending = organisation.pending_identity or {}
    provinces = set(user.coordinator_provinces)
    return organisation.province in provinces or pending.get("province") in provinces


@transaction.atomic
def organisation_identity_decide(*, organisation: Organisation, by: User, approve: bool) -> Organisation:
    """Apply (approve) or drop (refuse) the pending identity change of a verified organisation."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not org.pending_identity:
        raise ValidationError(_("There is no change awaiting approval."), code="none")
    if not organisation_identity_covers(user=by, organisation=org):
        raise PermissionDenied(_("You do not coordinate this organisation's province."))
    pending = dict(org.pending_identity)
    before = {name: getattr(org, name) for name in IDENTITY_FIELDS}
    if approve:
        for name in IDENTITY_FIELDS:
            setattr(org, name, pending.get(name, before[name]))
        # The registry number may have been taken in the meantime.
        registry_apply(org, brin=org.brin, kvk=org.kvk)
    org.pending_identity = {}
    org.full_clean()
    org.save()
    changed = {k: pending.get(k) for k in IDENTITY_FIELDS if pending.get(k) != before[k]}
    for province in dict.fromkeys([before["province"], pending.get("province") or before["province"]]):
        audit_record(
            actor=by,
            action="organisation.identity_change_approved"
            if approve
            else "organisation.identity_change_refused",
            object_type="organisation",
            object_id=org.pk,
            organisation=org,
            province=province,
            data={"before": {k: before[k] for k in changed}, "after": changed},
        )
    return org


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    """A coordinator of the organisation's province marks it verified."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not coordinator_covers(user=by, organisation=org):
        raise PermissionDenied(_("You do not coordinate this organisation's province."))
    if org.verified_at is None:
        org.verified_at = timezone.now()
        org.verified_by = by
        org.rejected_at = None
        org.rejection_reason = ""
        org.save(
            update_fields=["verified_at", "verified_by", "rejected_at", "rejection_reason", "updated_at"]
        )
        log.info("organisation.verified", organisation=org.pk, by=by.pk)
        audit_record(
            actor=by,
            action="organisation.verified",
            object_type="organisation",
            object_id=org.pk,
            organisation=org,
        )
        signals.organisation_verified.send(sender=Organisation, organisation=org, by=by)
    return org


@transaction.atomic
def organisation_reject(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not coordinator_covers(user=by, organisation=org):
        raise PermissionDenied(_("You do not coordinate this organisation's province."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason, so the organisation knows what to fix.")})
    org.verified_at = None
    org.verified_by = None
    org.rejected_at = timezone.now()
    org.rejection_reason = reason.strip()
    org.save(update_fields=["verified_at", "verified_by", "rejected_at", "rejection_reason", "updated_at"])
    log.info("organisation.rejected", organisation=org.pk, by=by.pk)
    audit_record(
        actor=by,
        action="organisation.rejected",
        object_type="organisation",
        object_id=org.pk,
        organisation=org,
        reason=org.rejection_reason,
    )
    signals.organisation_rejected.send(
        sender=Organisation, organisation=org, by=by, reason=org.rejection_reason
    )
    return org


@transaction.atomic
def location_create(
    *,
    organisation: Organisation,
    by: User,
    name: str,
    number: str,
    place: str,
    province: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    levels: Iterable[str] = (),
) -> Location:
    """A school location (BRIN + two-digit number) or company site (12-digit KvK
    vestigingsnummer) of the organisation; its admins add them."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not membership_is_admin(user=by, organisation=org):
        raise PermissionDenied
    number = re.sub(r"\s+", "", number or "")
    try:
        validate_location_number(number, school=org.is_school)
    except ValidationError as exc:
        raise ValidationError({"number": exc.messages}) from exc
    if org.locations.filter(number=number).exists():
        raise ValidationError({"number": _("This organisation already has a location with this number.")})
    location = Location(organisation=org, name=(name or "").strip() or org.name, number=number)
    # The same place rules as the organisation's own address.
    place_apply(location, place=place, province=province, latitude=latitude, longitude=longitude)  # type: ignore[arg-type]
    location.levels = sort_levels(codes_clean(levels, LEVEL_ORDER, "levels")) if org.is_school else []
    if org.is_school and not location.levels:
        location.levels = list(org.levels)
    location.full_clean()
    location.save()
    audit_record(
        actor=by,
        action="location.created",
        object_type="location",
        object_id=location.pk,
        organisation=org,
        data={"number": number, "place": location.place},
    )
    return location


@transaction.atomic
def organisation_set_board(
    *, organisation: Organisation, board_name: str, by: User | None = None
) -> Organisation:
    """Put the organisation under a board (bestuur/concern), made on first use; "" removes it.
    Boards group organisations in figures only (platform admins and coordinators set them)."""
    name = (board_name or "").strip()
    board = Board.objects.get_or_create(name=name)[0] if name else None
    Organisation.objects.filter(pk=organisation.pk).update(board=board)
    organisation.board = board
    return organisation


@transaction.atomic
def organisation_contact_record(
    *,
    organisation: Organisation,
    by: User,
    email: str | None = None,
    phone: str | None = None,
    note: str | None = None,
    contacted_on: date | None = None,
) -> Organisation:
    """A coordinator notes how to reach a school or company (its general e-mail and phone), when
    it was last contacted and a note. Audited."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not coordinator_covers(user=by, organisation=org):
        raise PermissionDenied(_("You do not coordinate this organisation's province."))
    if email is not None:
        org.email = email.strip()
    if phone is not None:
        org.phone = phone.strip()
    if note is not None:
        org.contact_note = note.strip()
    if contacted_on is not None:
        if contacted_on > timezone.localdate():
            raise ValidationError({"contacted_on": _("The date cannot lie in the future.")})
        org.last_contacted_on = contacted_on
    org.full_clean()
    org.save(update_fields=["email", "phone", "contact_note", "last_contacted_on", "updated_at"])
    audit_record(
        actor=by,
        action="organisation.contact_recorded",
        object_type="organisation",
        object_id=org.pk,
        organisation=org,
        data={"contacted_on": contacted_on.isoformat() if contacted_on else None},
    )
    return org
