"""Invitations by e-mail: the one rule for who may invite whom, used by the team page, the API
and the coordinators' bulk import."""

from __future__ import annotations

from datetime import timedelta

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import signals
from accounts.models import Invitation, Membership, Organisation, User
from accounts.services.audit import audit_record
from accounts.services.coordinators import coordinator_covers
from accounts.services.memberships import membership_is_admin

log = structlog.get_logger(__name__)


def _may_invite(by: User | None, organisation: Organisation) -> bool:
    """Its admins invite; so do the coordinators of its province (acting for a school or company
    that has no admin yet) and system callers (by=None: a coordinator's bulk import)."""
    return (
        by is None
        or membership_is_admin(user=by, organisation=organisation)
        or coordinator_covers(user=by, organisation=organisation)
    )


def _audit(invitation: Invitation, *, by: User | None, action: str, **data: object) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type="invitation",
        object_id=invitation.pk,
        organisation=invitation.organisation,
        data={"email": invitation.email, **data},
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
    _audit(invitation, by=by, action="invitation.created", is_admin=is_admin)
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
    _audit(invitation, by=by, action="invitation.resent")
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
        _audit(invitation, by=by, action="invitation.revoked")
