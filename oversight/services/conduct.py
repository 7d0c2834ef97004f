"""Conduct reports: a school's private report about a company, handled by the coordinators of the
school's province (DESIGN §6).

Privacy: the company never learns about a report. Nothing here notifies it, and every audit entry
is written with organisation=the school and object_type="conduct_report", so it shows under the
school (and the province), never under the company.
"""

from __future__ import annotations

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Organisation, User
from accounts.services.audit import audit_record
from matching.models import Match
from notifications.services import notify
from oversight.access import scope_provinces
from oversight.models import ConductReport

log = structlog.get_logger(__name__)

OBJECT_TYPE = "conduct_report"

# Where a report may go from each status; closed is final.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    ConductReport.Status.OPEN: (ConductReport.Status.IN_PROGRESS, ConductReport.Status.CLOSED),
    ConductReport.Status.IN_PROGRESS: (ConductReport.Status.CLOSED,),
    ConductReport.Status.CLOSED: (),
}


def _coordinators_of(province: str) -> list[User]:
    return list(User.objects.filter(coordinator_regions__province=province, is_active=True).distinct())


def _audit(
    report: ConductReport, *, by: User, action: str, reason: str = "", data: dict | None = None
) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=report.pk,
        organisation=report.school,
        province=report.province,
        reason=reason,
        data=data,
    )


@transaction.atomic
def conduct_report_create(
    *,
    by: User,
    school: Organisation,
    company: Organisation,
    category: str,
    description: str,
    match: Match | None = None,
) -> ConductReport:
    """A member of `school` reports `company`; the coordinators of the school's province are told.

    The company must be one the school has a match with, or a verified company; a related match
    must be one between these two organisations."""
    if not school.is_school or not access.is_member(by, school):
        raise PermissionDenied
    if not company.is_company:
        raise ValidationError({"company": _("Choose a company.")})
    school_matches = Match.objects.filter(request__organisation=school, offer__organisation=company)
    if not company.is_verified and not school_matches.exists():
        raise ValidationError(
            {"company": _("Choose a company your school worked with or a verified company.")}
        )
    if match is not None and not school_matches.filter(pk=match.pk).exists():
        raise ValidationError({"match": _("This match is not between your school and this company.")})
    report = ConductReport(
        school=school,
        company=company,
        match=match,
        reported_by=by,
        province=school.province,
        category=category,
        description=description.strip(),
    )
    report.full_clean()
    report.save()
    log.info("conduct.reported", report=report.pk, school=school.pk, by=by.pk)
    _audit(report, by=by, action="conduct.reported", data={"category": report.category})

    company_name = company.name
    # Deliberately without the description: e-mail is not the place for the details.
    notify(
        event="conduct.reported",
        group="account",
        recipients=_coordinators_of(report.province),
        title=lambda: _("Conduct report about %(company)s") % {"company": company_name},
        body=lambda: (
            _("A school reported a concern about %(company)s. Open the report to handle it.")
            % {"company": company_name}
        ),
        link=reverse("oversight:conduct_detail", args=[report.pk]),
        object_type=OBJECT_TYPE,
        object_id=str(report.pk),
    )
    return report


@transaction.atomic
def conduct_report_handle(
    *, report: ConductReport, by: User, status: str, outcome: str = ""
) -> ConductReport:
    """A coordinator of the report's province moves it on and/or writes the outcome.

    Closing needs an outcome; a closed report is final. Each step is audited; the reporter is told
    when the report is closed."""
    report = ConductReport.objects.select_for_update().select_related("school", "company").get(pk=report.pk)
    if report.province not in scope_provinces(by):
        raise PermissionDenied
    if report.status == ConductReport.Status.CLOSED:
        raise ValidationError(_("This report is closed."))
    if status != report.status and status not in NEXT_STATUSES[report.status]:
        raise ValidationError({"status": _("A report cannot go back to this status.")})
    outcome = outcome.strip()
    if status == ConductReport.Status.CLOSED and not outcome:
        raise ValidationError({"outcome": _("Write the outcome before you close the report.")})

    old_status, old_outcome = report.status, report.outcome
    report.status = status
    report.outcome = outcome
    report.handled_by = by
    if status == ConductReport.Status.CLOSED:
        report.closed_at = timezone.now()
    report.full_clean()
    report.save()

    if outcome != old_outcome:
        _audit(report, by=by, action="conduct.outcome_written", reason=outcome)
    if status != old_status:
        _audit(report, by=by, action="conduct.status_changed", data={"from": old_status, "to": status})
        log.info("conduct.status_changed", report=report.pk, status=status, by=by.pk)
    if status == ConductReport.Status.CLOSED and report.reported_by is not None:
        company_name = report.company.name
        notify(
            event="conduct.closed",
            group="account",
            recipients=[report.reported_by],
            title=lambda: _("Your conduct report about %(company)s was closed") % {"company": company_name},
            body=lambda: _("The coordinator has handled your report. Read the outcome on the platform."),
            link=reverse("oversight:conduct_mine"),
            object_type=OBJECT_TYPE,
            object_id=str(report.pk),
        )
    return report
