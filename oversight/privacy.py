"""oversight's part of a person's data export (accounts/privacy.py); registered from
OversightConfig.ready(). Nothing to anonymise: reports, targets and placement records point at
the person with SET_NULL keys and hold no other personal data of theirs than what they wrote."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import ngettext

from accounts.models import User
from accounts.personal_data import register_collector
from accounts.privacy import register_retention
from oversight.models import ConductReport, CoverageTarget, PlacementRecord


def collect(user: User) -> dict[str, Any]:
    return {
        "conduct_reports_made": [
            {
                "company": r.company.name,
                "category": r.category,
                "description": r.description,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in ConductReport.objects.filter(reported_by=user).select_related("company").order_by("pk")
        ],
        "conduct_reports_handled": list(
            ConductReport.objects.filter(handled_by=user).order_by("pk").values_list("pk", flat=True)
        ),
        "coverage_targets_set": [
            {"province": t.province, "percent": t.percent, "updated_at": t.updated_at.isoformat()}
            for t in CoverageTarget.objects.filter(set_by=user).order_by("province")
        ],
        "placement_records": [
            {"match": p.match_id, "recorded_at": p.recorded_at.isoformat()}
            for p in PlacementRecord.objects.filter(recorded_by=user).order_by("pk")
        ],
    }


register_collector("oversight", collect)


# --- retention (issue 21; accounts.privacy.register_retention) ---------------------------------

DAYS_PER_YEAR = 365.25


def purge_conduct_reports(now: datetime, limit: int) -> int:
    """Closed conduct reports are deleted RETENTION_CONDUCT_YEARS after closing."""
    cutoff = now - timedelta(days=round(DAYS_PER_YEAR * settings.RETENTION_CONDUCT_YEARS))
    ids = list(
        ConductReport.objects.filter(status=ConductReport.Status.CLOSED, closed_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    ConductReport.objects.filter(pk__in=ids).delete()
    return len(ids)


def _describe_conduct() -> str:
    years = settings.RETENTION_CONDUCT_YEARS
    return ngettext(
        "Conduct reports: deleted %(n)d year after the coordinator closed them.",
        "Conduct reports: deleted %(n)d years after the coordinator closed them.",
        years,
    ) % {"n": years}


register_retention("conduct_reports", purge_conduct_reports, _describe_conduct)
