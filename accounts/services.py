"""Every write to users, organisations, memberships, invitations and coordinator scopes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import signals
from accounts.models import (
    ApiToken,
    AuditEntry,
    Board,
    CoordinatorRegion,
    Invitation,
    JoinRequest,
    Location,
    Membership,
    Organisation,
    User,
)
from accounts.validators import (
    clean_text,
    normalise_brin,
    normalise_kvk,
    normalise_phone,
    validate_brin,
    validate_kvk,
    validate_phone,
)
from taxonomy.levels import LEVEL_ORDER, sort_levels
from taxonomy.places import get_place
from taxonomy.regions import landsdeel_of
from taxonomy.subjects import SUBJECT_ORDER

log = structlog.get_logger(__name__)


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    organisation: Organisation | None = None,
    province: str = "",
    reason: str = "",
    data: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction (so it exists exactly when
    the change does). The province defaults to the organisation's, which scopes who may read it."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "")[:254],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        organisation=organisation,
        province=province or (organisation.province if organisation is not None else ""),
        reason=reason,
        data=data or {},
        ip_address=ip_address,
    )


def codes_clean(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    allowed_set = set(allowed)
    values = list(dict.fromkeys(values))
    unknown = [v for v in values if v not in allowed_set]
    if unknown:
        raise ValidationError({field: _("Unknown value(s): %(codes)s.") % {"codes": ", ".join(unknown)}})
    return values


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
        from taxonomy.places import haversine_km

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
    if org.kind == Organisation.Kind.SCHOOL:
        org.brin = normalise_brin(brin or "")
        org.kvk = None
        try:
            validate_brin(org.brin)
        except ValidationError as exc:
            raise ValidationError({"brin": exc.messages}) from exc
        clash = Organisation.objects.filter(brin=org.brin).exclude(pk=org.pk)
        if clash.exists():
            raise ValidationError({"brin": _registered_message(clash.get(), _("BRIN code"))})
    else:
        org.kvk = normalise_kvk(kvk or "")
        org.brin = None
        try:
            validate_kvk(org.kvk)
        except ValidationError as exc:
            raise ValidationError({"kvk": exc.messages}) from exc
        clash = Organisation.objects.filter(kvk=org.kvk).exclude(pk=org.pk)
        if clash.exists():
            raise ValidationError({"kvk": _registered_message(clash.get(), _("KvK number"))})


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


IDENTITY_FIELDS = (
    "name",
    "place",
    "municipality",
    "province",
    "landsdeel",
    "latitude",
    "longitude",
    "brin",
    "kvk",
)


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


def coordinator_covers(*, user: User, organisation: Organisation) -> bool:
    return organisation.province in user.coordinator_provinces


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


def membership_is_admin(*, user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation, is_admin=True).exists()


def _may_invite(by: User | None, organisation: Organisation) -> bool:
    """Its admins invite; so do the coordinators of its province (acting for a school or company
    that has no admin yet) and system callers (by=None: a coordinator's bulk import)."""
    return (
        by is None
        or membership_is_admin(user=by, organisation=organisation)
        or coordinator_covers(user=by, organisation=organisation)
    )


def invitation_blocker(*, organisation: Organisation, email: str) -> str | None:
    """Why no invitation should go to this address: "member", "invited" (an open one exists),
    or None. The one rule for the invitation form, the API and the bulk import."""
    if organisation.pk is None:
        return None
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        return "member"
    if Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        return "invited"
    return None


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, by: User | None, is_admin: bool = False
) -> Invitation:
    """Invite someone by e-mail; the mail leaves after commit. An address that is already a
    member, or has an open invitation, gets nothing a second time (resend that one instead)."""
    if not _may_invite(by, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    blocker = invitation_blocker(organisation=organisation, email=email)
    if blocker == "member":
        raise ValidationError({"email": _("This person is already a member.")}, code="member")
    if blocker == "invited":
        raise ValidationError(
            {"email": _("This address already has an open invitation. Resend that one instead.")},
            code="invited",
        )
    # An expired invitation for the same address is closed; the new one replaces it.
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        is_admin=is_admin,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    # notifications writes the outbox row in this transaction and sends it after commit.
    signals.invitation_created.send(sender=Invitation, invitation=invitation)
    audit_record(
        actor=by,
        action="invitation.created",
        object_type="invitation",
        object_id=invitation.pk,
        organisation=organisation,
        data={"email": email, "is_admin": is_admin},
    )
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send an open (or expired) invitation again, valid for a fresh period."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not _may_invite(by, invitation.organisation):
        raise PermissionDenied
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was already used or revoked."), code="closed")
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    invitation.save(update_fields=["expires_at"])
    signals.invitation_created.send(sender=Invitation, invitation=invitation)
    audit_record(
        actor=by,
        action="invitation.resent",
        object_type="invitation",
        object_id=invitation.pk,
        organisation=invitation.organisation,
        data={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation is not valid (any more)."), code="invalid")
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired. Ask the organisation for a new one."), code="expired"
        )
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email},
            code="wrong_user",
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"is_admin": invitation.is_admin}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log.info("invitation.accepted", invitation=invitation.pk, user=user.pk, created=created)
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    if not membership_is_admin(user=by, organisation=invitation.organisation):
        raise PermissionDenied
    changed = Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True, accepted_at__isnull=True)
    if changed.update(revoked_at=timezone.now()):
        audit_record(
            actor=by,
            action="invitation.revoked",
            object_type="invitation",
            object_id=invitation.pk,
            organisation=invitation.organisation,
            data={"email": invitation.email},
        )


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """An organisation admin removes a member; the last admin cannot be removed."""
    org = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    if not membership_is_admin(user=by, organisation=org):
        raise PermissionDenied
    membership = Membership.objects.get(pk=membership.pk, organisation=org)
    if membership.is_admin and org.memberships.filter(is_admin=True).count() <= 1:
        raise ValidationError(_("An organisation needs at least one admin. Make someone else admin first."))
    _membership_end(membership, org=org, by=by, action="membership.removed")


def _membership_end(membership: Membership, *, org: Organisation, by: User, action: str) -> None:
    """Delete the membership and cut off its access at once: the person's tokens acting for the
    organisation are revoked, and their sessions stop acting for it (accounts.access checks the
    session's active organisation against the memberships on every request)."""
    from accounts.tokens import api_tokens_revoke_for

    membership.delete()
    revoked = api_tokens_revoke_for(user_id=membership.user_id, organisation=org)
    log.info(action, organisation=org.pk, user=membership.user_id, by=by.pk, tokens_revoked=revoked)
    audit_record(
        actor=by,
        action=action,
        object_type="user",
        object_id=membership.user_id,
        organisation=org,
        data={"was_admin": membership.is_admin, "tokens_revoked": revoked},
    )


@transaction.atomic
def membership_leave(*, user: User, organisation: Organisation) -> None:
    """A member leaves; the last admin cannot (make someone else admin first)."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    membership = Membership.objects.filter(user=user, organisation=org).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this organisation."), code="not_member")
    if membership.is_admin and org.memberships.filter(is_admin=True).count() <= 1:
        raise ValidationError(
            _("You are the last admin of %(organisation)s. Make someone else admin before you leave.")
            % {"organisation": org.name},
            code="last_admin",
        )
    _membership_end(membership, org=org, by=user, action="membership.left")


@transaction.atomic
def membership_set_admin(*, membership: Membership, by: User, is_admin: bool) -> Membership:
    org = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    if not membership_is_admin(user=by, organisation=org):
        raise PermissionDenied
    membership = Membership.objects.get(pk=membership.pk, organisation=org)
    if not is_admin and membership.is_admin and org.memberships.filter(is_admin=True).count() <= 1:
        raise ValidationError(
            _("An organisation needs at least one admin. Make someone else admin first."), code="last_admin"
        )
    if membership.is_admin != is_admin:
        membership.is_admin = is_admin
        membership.save(update_fields=["is_admin"])
        audit_record(
            actor=by,
            action="membership.admin_granted" if is_admin else "membership.admin_revoked",
            object_type="user",
            object_id=membership.user_id,
            organisation=org,
        )
    return membership


@transaction.atomic
def user_update_profile(
    *, user: User, name: str | None = None, phone: str | None = None, language: str | None = None
) -> User:
    if name is not None:
        user.name = name.strip()
    if phone is not None:
        user.phone = normalise_phone(phone)
        try:
            validate_phone(user.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    if language is not None:
        if language not in User.Language.values:
            raise ValidationError({"language": _("Choose Dutch or English.")})
        user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["name", "phone", "language"])
    return user


@transaction.atomic
def coordinator_set_provinces(*, user: User, provinces: Iterable[str], by: User | None = None) -> None:
    """Replace a coordinator's scope (platform admins do this in the Django admin or seed)."""
    wanted = set(provinces)
    before = set(CoordinatorRegion.objects.filter(user=user).values_list("province", flat=True))
    if before != wanted:
        audit_record(
            actor=by,
            action="coordinator.provinces_changed",
            object_type="user",
            object_id=user.pk,
            data={"before": sorted(before), "after": sorted(wanted)},
        )
    CoordinatorRegion.objects.filter(user=user).exclude(province__in=wanted).delete()
    existing = set(CoordinatorRegion.objects.filter(user=user).values_list("province", flat=True))
    CoordinatorRegion.objects.bulk_create(
        [CoordinatorRegion(user=user, province=p) for p in sorted(wanted - existing)]
    )
    user._coordinator_provinces = None


# --- Privacy: deletion and the inactivity purge (AVG/GDPR art. 5(1)(e) and 17) ----------------


def _admin_handover_needed(user: User) -> list[Organisation]:
    """Organisations where `user` is the only admin while others are members: they must make
    someone else admin first, or the organisation could no longer be managed."""
    blocked = []
    for membership in user.memberships.filter(is_admin=True).select_related("organisation"):
        org = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        others = org.memberships.exclude(user=user)
        if others.exists() and not others.filter(is_admin=True).exists():
            blocked.append(org)
    return blocked


def _sessions_end(user_id: int) -> None:
    """Delete the person's sessions in a database-backed session store (ASVS 7.4.2). Other stores
    cannot be searched by user; there the unusable password changes the session hash, so every
    session of theirs is refused at its next request anyway. A scan of the live sessions only."""
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    for session_key in theirs:
        store(session_key=session_key).delete()


def user_is_anonymised(user: User) -> bool:
    from accounts.privacy import anonymised_email

    return user.email == anonymised_email(user.pk)


def _anonymise(user: User, *, by: User | None) -> None:
    """Blank the person while the organisation's offers, requests, matches and statistics stay:
    rows that point at them keep pointing at a nameless, inactive account. Caller holds the
    transaction and has checked the admin hand-over."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from accounts import privacy

    old_email = user.email
    label = privacy.anonymised_label(user.pk)
    # Other apps first, while they can still see who this was.
    privacy.run_anonymisers(user)
    Invitation.objects.filter(
        email__iexact=old_email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    Invitation.objects.filter(email__iexact=old_email).update(email=privacy.anonymised_email(user.pk))
    # Failed log-ins recorded the address someone typed: theirs, so it goes too.
    AuditEntry.objects.filter(action="login.failed", data__login=old_email[:100]).update(
        data={"login": label}
    )
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    coordinator_set_provinces(user=user, provinces=[], by=by)
    user.groups.clear()
    user.user_permissions.clear()
    user.name = ""
    user.phone = ""
    user.email = privacy.anonymised_email(user.pk)
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()


def _audit_relabel(user: User) -> None:
    """Entries the person made stay (who did what is the organisation's record too), under a
    label instead of their address and without their IP address."""
    from accounts.privacy import anonymised_label

    AuditEntry.objects.filter(actor=user).update(actor_label=anonymised_label(user.pk), ip_address=None)


@transaction.atomic
def user_delete(*, user: User, by: User) -> None:
    """Delete an account at the person's own request (after re-entering their password) or by a
    platform admin: anonymise it, end its sessions, and keep the organisation's data intact.

    Refused with a ValidationError while they are the only admin of an organisation that has other
    members. An organisation of which they are the only member stays, with no members, so its
    matches and statistics stay too. Deleting an already deleted account does nothing.
    """
    if by.pk != user.pk and not by.is_superuser:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if user_is_anonymised(user):
        return
    blocked = _admin_handover_needed(user)
    if blocked:
        raise ValidationError(
            _(
                "You are the only admin of %(organisations)s. Make another member admin first, "
                "then delete the account."
            )
            % {"organisations": ", ".join(org.name for org in blocked)},
            code="admin_handover",
        )
    by_self = by.pk == user.pk
    _anonymise(user, by=by)
    # No personal data in the entry: the account number only.
    audit_record(
        actor=by,
        action="account.deleted",
        object_type="user",
        object_id=user.pk,
        data={"by": "self" if by_self else "platform_admin"},
    )
    _audit_relabel(user)
    _sessions_end(user.pk)
    log.info("account.deleted", user=user.pk, by_self=by_self)


def users_purge_inactive(*, now: datetime | None = None, limit: int = 500) -> int:
    """Anonymise accounts nobody has logged in to for PRIVACY_INACTIVE_DAYS (date joined when
    never), except staff and superusers. Each account in its own transaction, at most `limit` per
    run; an account that must hand over an admin role first is skipped and logged. Anonymised
    accounts no longer match, so a re-run does nothing. Returns how many were anonymised."""
    from accounts.privacy import ANONYMISED_DOMAIN

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PRIVACY_INACTIVE_DAYS)
    candidates = (
        User.objects.filter(is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(email__iendswith=f"@{ANONYMISED_DOMAIN}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    purged = 0
    # The ids first: the loop writes to the table it would otherwise still be reading.
    for user_id in list(candidates):
        if purged >= limit:
            break
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user_id)
            # They may have logged in since the list was read.
            if (user.last_login or user.date_joined) >= cutoff or user.is_staff or user.is_superuser:
                continue
            if _admin_handover_needed(user):
                log.warning("account.purge_skipped", user=user_id, reason="admin_handover")
                continue
            _anonymise(user, by=None)
            audit_record(
                actor=None,
                action="account.purged",
                object_type="user",
                object_id=user_id,
                data={"inactive_days": settings.PRIVACY_INACTIVE_DAYS},
            )
            _audit_relabel(user)
        purged += 1
    if purged:
        log.info("account.purged", count=purged)
    return purged


# --- Join requests ---------------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, organisation: Organisation, user: User, message: str = "") -> JoinRequest:
    """Ask to join an existing organisation; its admins are told and decide. Only verified
    organisations take join requests (an unverified one could be anybody's)."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not org.is_verified:
        raise ValidationError(
            _(
                "%(organisation)s is not verified yet, so it cannot take join requests. Ask its admin to invite you."
            )
            % {"organisation": org.name},
            code="unverified",
        )
    if Membership.objects.filter(user=user, organisation=org).exists():
        raise ValidationError(_("You are already a member of %(organisation)s.") % {"organisation": org.name})
    if JoinRequest.objects.filter(user=user, organisation=org, status=JoinRequest.Status.PENDING).exists():
        raise ValidationError(
            _("You already asked to join %(organisation)s; its admins will answer.")
            % {"organisation": org.name},
            code="pending",
        )
    join_request = JoinRequest(organisation=org, user=user, message=(message or "").strip()[:2000])
    join_request.full_clean()
    join_request.save()
    audit_record(
        actor=user,
        action="join_request.created",
        object_type="join_request",
        object_id=join_request.pk,
        organisation=org,
    )
    signals.join_requested.send(sender=JoinRequest, join_request=join_request)
    return join_request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, by: User, approve: bool) -> JoinRequest:
    """An admin approves (the person becomes a member) or refuses a pending join request."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if not membership_is_admin(user=by, organisation=join_request.organisation):
        raise PermissionDenied
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This join request was already answered."), code="decided")
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REFUSED
    join_request.decided_by = by
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        Membership.objects.get_or_create(user=join_request.user, organisation=join_request.organisation)
    audit_record(
        actor=by,
        action=f"join_request.{join_request.status}",
        object_type="user",
        object_id=join_request.user_id,
        organisation=join_request.organisation,
    )
    signals.join_request_decided.send(sender=JoinRequest, join_request=join_request, by=by)
    return join_request


# --- Locations and boards --------------------------------------------------------------------


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
    from accounts.validators import validate_location_number

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
