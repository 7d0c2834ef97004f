"""Who may read which conduct report: the reporting school's people and the coordinators of the
school's province. Nobody else, the reported company least of all, learns that a report exists."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AuditEntry, Organisation, User
from matching.models import Match
from oversight.access import scope_provinces
from oversight.models import ConductReport

COMPANY_SEARCH_LIMIT = 20


def _reports() -> QuerySet[ConductReport]:
    return ConductReport.objects.select_related(
        "school", "company", "reported_by", "handled_by", "match__offer", "match__request"
    )


def conduct_reports_for_coordinator(user: User, *, status: str = "") -> QuerySet[ConductReport]:
    rows = _reports().filter(province__in=scope_provinces(user))
    if status:
        rows = rows.filter(status=status)
    return rows


def conduct_report_get_for_coordinator(user: User, report_id: int) -> ConductReport:
    return get_object_or_404(conduct_reports_for_coordinator(user), pk=report_id)


def conduct_report_history(report: ConductReport) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type="conduct_report", object_id=str(report.pk)).order_by(
        "created_at", "id"
    )


def reporting_schools(user: User) -> QuerySet[Organisation]:
    """The schools a person may report for: the schools they are a member of."""
    return Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, memberships__user=user).order_by("name")


def reporting_school_get(user: User, school_id: str | int | None = None) -> Organisation:
    """The school a person reports for (the chosen one, or their first); 404 if they have none."""
    schools = reporting_schools(user)
    school = schools.filter(pk=school_id).first() if str(school_id or "").isdigit() else schools.first()
    if school is None:
        raise Http404
    return school


def conduct_reports_of_schools(user: User) -> QuerySet[ConductReport]:
    """The reports of the schools a person belongs to, for their "our reports" page."""
    return _reports().filter(school__in=reporting_schools(user))


def companies_worked_with(school: Organisation) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(
            kind=Organisation.Kind.COMPANY, offers__matches__request__organisation=school
        )
        .distinct()
        .order_by("name")
    )


def companies_reportable(school: Organisation) -> QuerySet[Organisation]:
    """Every company a school may report: one it has a match with, or any verified company."""
    return (
        Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
        .filter(Q(verified_at__isnull=False) | Q(pk__in=companies_worked_with(school).values("pk")))
        .order_by("name")
    )


def companies_search(query: str) -> QuerySet[Organisation]:
    query = query.strip()
    if len(query) < 2:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.COMPANY, verified_at__isnull=False, name__icontains=query
    ).order_by("name")[:COMPANY_SEARCH_LIMIT]


def school_matches(school: Organisation) -> QuerySet[Match]:
    return (
        Match.objects.filter(request__organisation=school)
        .select_related("offer__organisation", "request")
        .order_by("-created_at")
    )
