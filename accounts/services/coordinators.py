"""Coordinator scopes: which provinces a coordinator covers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from accounts.models import CoordinatorRegion, Organisation, User
from accounts.services.audit import audit_record


def coordinator_covers(*, user: User, organisation: Organisation) -> bool:
    return organisation.province in user.coordinator_provinces


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
