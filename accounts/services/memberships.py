"""Who belongs to an organisation: admins, leaving and removal, join requests."""

from __future__ import annotations

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import signals
from accounts.models import JoinRequest, Membership, Organisation, User
from accounts.services.audit import audit_record
from accounts.tokens import api_tokens_revoke_for

log = structlog.get_logger(__name__)


def membership_is_admin(*, user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation, is_admin=True).exists()


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
