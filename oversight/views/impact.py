"""The impact page and printable certificate of a school or company (its members, the
coordinators of its province, platform admins), per school year."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import active_membership
from oversight.access import organisation_for_figures
from oversight.charts import Chart, bar_chart
from oversight.schoolyear import (
    SchoolYearError,
    school_year_label,
    school_year_of,
    school_year_parse,
    school_year_slug,
)
from oversight.selectors.impact import organisation_impact
from taxonomy.kinds import Kind
from taxonomy.levels import Level
from taxonomy.subjects import Subject

YEARS_OFFERED = 5


def _year(request: HttpRequest) -> tuple[int, str]:
    """The chosen school year and an error message ("" when fine); a bad value shows the current year."""
    try:
        return school_year_parse(request.GET.get("school_year")), ""
    except SchoolYearError:
        return school_year_of(), _('Choose a school year such as "2026-2027".')


def _context(request: HttpRequest, pk: int) -> tuple[dict[str, Any], int]:
    organisation = organisation_for_figures(request.user, pk)
    year, error = _year(request)
    figures = organisation_impact(organisation, year)
    kinds = dict(Kind.choices)
    kind_rows = [(str(kinds[code]), n) for code, n in figures["activities_by_kind"].items()]
    title = _("Activities held per kind, %(year)s") % {"year": school_year_label(year)}
    chart = Chart(
        svg=bar_chart(
            title=title,
            description=_("Completed activities of %(name)s in the school year, per kind.")
            % {"name": organisation.name},
            categories=[label for label, _n in kind_rows],
            series=[(_("Held"), [n for _label, n in kind_rows])],
        ),
        caption=title,
        headers=[_("Kind"), _("Held")],
        rows=[[label, n] for label, n in kind_rows],
    )
    current = school_year_of()
    context = {
        "organisation": organisation,
        "figures": figures,
        "year": year,
        "year_slug": school_year_slug(year),
        "year_label": school_year_label(year),
        "years": [
            (school_year_slug(y), school_year_label(y)) for y in range(current, current - YEARS_OFFERED, -1)
        ],
        "kind_rows": kind_rows,
        "levels": [label for code, label in Level.choices if code in figures["levels"]],
        "subjects": [label for code, label in Subject.choices if code in figures["subjects"]],
        "chart": chart,
        "error": error,
    }
    return context, 400 if error else 200


@login_required
def impact_mine(request: HttpRequest) -> HttpResponse:
    """The impact page of the organisation the person works for."""
    membership = active_membership(request.user)
    if membership is None:
        raise Http404
    return redirect("impact:page", pk=membership.organisation_id)


@login_required
def impact_page(request: HttpRequest, pk: int) -> HttpResponse:
    context, status = _context(request, pk)
    return render(request, "impact/page.html", context, status=status)


@login_required
def impact_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    context, status = _context(request, pk)
    return render(request, "impact/certificate.html", context, status=status)
