"""Reads and access checks for organisations. Other people's objects answer 404, never 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Invitation, Membership, Organisation, User


def user_organisations(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def user_membership(user: User) -> Membership | None:
    """The membership of the person's active organisation (accounts.access)."""
    from accounts import access

    return access.active_membership(user)


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Organisations a person may read in full: their own, and those in a coordinator's provinces."""
    if user.is_superuser:
        return Organisation.objects.all()
    own = Organisation.objects.filter(memberships__user=user)
    if user.is_coordinator:
        return (own | Organisation.objects.filter(province__in=user.coordinator_provinces)).distinct()
    return own


def organisation_get_for(user: User, organisation_id: int, *, admin: bool = False) -> Organisation:
    """An organisation the user may see; with admin=True the user must be one of its admins."""
    org = get_object_or_404(organisations_visible_to(user), pk=organisation_id)
    if admin and not Membership.objects.filter(user=user, organisation=org, is_admin=True).exists():
        raise PermissionDenied
    return org


def verification_queue(user: User) -> QuerySet[Organisation]:
    """Unverified organisations in the coordinator's provinces, oldest first."""
    return Organisation.objects.filter(
        province__in=user.coordinator_provinces, verified_at__isnull=True
    ).order_by("rejected_at", "created_at")


def invitations_open_for(user: User) -> QuerySet[Invitation]:
    from django.utils import timezone

    return Invitation.objects.select_related("organisation").filter(
        email__iexact=user.email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
