"""The audit log as coordinators read it: only entries whose province they oversee."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from accounts.models import AuditEntry, Organisation
from matching.models import Match


def audit_entries(
    *, provinces: Sequence[str], action: str = "", organisation: str = ""
) -> QuerySet[AuditEntry]:
    """Entries in the provinces, newest first; `organisation` filters on (part of) its name."""
    rows = AuditEntry.objects.filter(province__in=list(provinces)).select_related("organisation")
    if action:
        rows = rows.filter(action=action)
    if organisation:
        rows = rows.filter(organisation__name__icontains=organisation)
    return rows.order_by("-created_at", "-id")


def audit_actions(*, provinces: Sequence[str]) -> list[str]:
    """The actions that occur in the provinces' entries (the choices of the filter)."""
    return list(
        AuditEntry.objects.filter(province__in=list(provinces))
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_for_match(*, provinces: Sequence[str], match: Match) -> QuerySet[AuditEntry]:
    return audit_entries(provinces=provinces).filter(object_type="match", object_id=str(match.pk))


def audit_for_organisation(*, provinces: Sequence[str], organisation: Organisation) -> QuerySet[AuditEntry]:
    return audit_entries(provinces=provinces).filter(organisation=organisation)
