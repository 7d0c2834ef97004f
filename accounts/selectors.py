"""Reads and access checks for organisations. Other people's objects answer 404, never 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Invitation, Membership, Organisation, User
from accounts.validators import normalise_brin, normalise_kvk


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


def identity_changes_queue(user: User) -> QuerySet[Organisation]:
    """Verified organisations whose identity change awaits a coordinator of the old or the new
    province (accounts.services.organisations.organisation_identity_decide)."""
    provinces = user.coordinator_provinces
    return (
        Organisation.objects.exclude(pending_identity={})
        .filter(Q(province__in=provinces) | Q(pending_identity__province__in=provinces))
        .order_by("updated_at")
    )


def verification_queue(user: User) -> QuerySet[Organisation]:
    """Unverified organisations in the coordinator's provinces, oldest first."""
    return Organisation.objects.filter(
        province__in=user.coordinator_provinces, verified_at__isnull=True
    ).order_by("rejected_at", "created_at")


def invitations_open_for(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.select_related("organisation").filter(
        email__iexact=user.email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def organisations_search(query: str, *, limit: int = 20) -> QuerySet[Organisation]:
    """Existing organisations by name, place, BRIN code or KvK number (at least 2 characters),
    for someone signing up who may find their school or company already there."""
    query = (query or "").strip()
    if len(query) < 2:
        return Organisation.objects.none()
    registry = query.upper().replace(" ", "")
    return Organisation.objects.filter(
        Q(name__icontains=query) | Q(place__iexact=query) | Q(brin=registry) | Q(kvk=registry)
    ).order_by("-verified_at", "name")[:limit]


def organisation_by_registry(*, kind: str, brin: str | None, kvk: str | None) -> Organisation | None:
    """The organisation already registered with this BRIN code (schools) or KvK number."""
    if kind == Organisation.Kind.SCHOOL and brin:
        return Organisation.objects.filter(brin=normalise_brin(brin)).first()
    if kind == Organisation.Kind.COMPANY and kvk:
        return Organisation.objects.filter(kvk=normalise_kvk(kvk)).first()
    return None
