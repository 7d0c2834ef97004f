"""The coordinator dashboard (/coordinator/) and the monitor (/coordinator/monitor/).

Figures come from oversight.selectors.kpis for the chosen scope (oversight.selectors.scope) — never wider than the person's
provinces (landsdelen they cover completely, the country for platform admins)."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors as account_selectors
from accounts.models import User
from oversight.access import coordinator_required
from oversight.charts import Chart, bar_chart, line_chart
from oversight.schoolyear import school_year_label
from oversight.selectors.conduct import conduct_reports_for_coordinator
from oversight.selectors.kpis import dashboard_figures, monitor_figures
from oversight.selectors.outcomes import matches_to_settle
from oversight.selectors.scope import (
    MINE,
    Scope,
    ScopeError,
    monitor_regions,
    scope_options,
    scope_resolve,
    year_choices,
)
from taxonomy.regions import Province


class ReportFilterForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("School year"), coerce=int, required=False)

    def __init__(self, *args: Any, user: User, today: date, with_scope: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = year_choices(today)
        self.fields["year"].choices = [(y, school_year_label(y)) for y in years]
        self.fields["year"].initial = years[0]
        if with_scope:
            self.fields["scope"].choices = [(o.key, o.label) for o in scope_options(user)]
            self.fields["scope"].initial = MINE
        else:
            del self.fields["scope"]


def _filters(request: HttpRequest, *, with_scope: bool = True) -> tuple[ReportFilterForm, Scope, int, int]:
    """The form, the scope and year to show, and the HTTP status (400 when the form is invalid:
    the defaults are shown under the errors). A real region the person does not cover is 403."""
    today = timezone.localdate()
    key = request.GET.get("scope") or MINE
    if with_scope:
        with contextlib.suppress(ScopeError):  # the form reports nonsense; 403 passes through
            scope_resolve(request.user, key)
    form = ReportFilterForm(request.GET or None, user=request.user, today=today, with_scope=with_scope)
    scope, year, status = scope_resolve(request.user, MINE), year_choices(today)[0], 200
    if form.is_bound:
        if form.is_valid():
            if with_scope and form.cleaned_data["scope"]:
                scope = scope_resolve(request.user, form.cleaned_data["scope"])
            year = form.cleaned_data["year"] or year
        else:
            status = 400
    return form, scope, year, status


def _share(value: float | None) -> str:
    # Localised like every other number (9,1% in Dutch, 9.1% in English), no ".0".
    return "–" if value is None else f"{floatformat(value, -1)}%"


def _gender(cells: dict[str, Any]) -> dict[str, str]:
    """Display strings: "<5" for a small count, "–" for a cell hidden so a small one can't be
    worked out."""
    shown = {}
    for name in ("recorded", "girls", "boys", "other_or_unknown"):
        value = cells[name]
        shown[name] = str(value) if value is not None else ("<5" if name in cells["small_cells"] else "–")
    return shown


def _counts_chart(title: str, description: str, header: str, rows: list[dict[str, Any]]) -> Chart:
    return Chart(
        svg=bar_chart(
            title=title,
            description=description,
            categories=[r["label"] for r in rows],
            series=[(_("Activities"), [r["count"] for r in rows])],
        ),
        caption=title,
        headers=[header, _("Activities")],
        rows=[[r["label"], r["count"]] for r in rows],
    )


def _dashboard_charts(figures: dict[str, Any]) -> dict[str, Chart]:
    trends = figures["trends"]
    months = [date_format(t["label"], "M") for t in trends]
    title = _("Proposals and activities per month, %(year)s") % {"year": figures["year_label"]}
    charts = {
        "trends": Chart(
            svg=line_chart(
                title=title,
                description=_(
                    "Proposals made per month, and activities (confirmed or done) per month they take place."
                ),
                labels=months,
                series=[
                    (_("Proposals"), [t["proposals"] for t in trends]),
                    (_("Activities"), [t["activities"] for t in trends]),
                ],
            ),
            caption=title,
            headers=[_("Month"), _("Proposals"), _("Activities")],
            rows=[[date_format(t["label"], "F Y"), t["proposals"], t["activities"]] for t in trends],
        )
    }
    for key, title, header, description in (
        (
            "by_kind",
            _("Activities per kind"),
            _("Kind"),
            _("Confirmed and completed activities of the school year per kind."),
        ),
        (
            "by_level",
            _("Activities per level"),
            _("Level"),
            _("Activities per education level; an activity for several levels counts for each."),
        ),
        (
            "by_subject",
            _("Activities per subject"),
            _("Subject"),
            _("Activities per subject; an activity for several subjects counts for each."),
        ),
    ):
        if figures[key]:
            charts[key] = _counts_chart(title, description, header, figures[key])
    return charts


@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, scope, year, status = _filters(request)
    figures = dashboard_figures(scope.provinces, year)
    to_settle = list(matches_to_settle(scope.provinces))
    context = {
        "form": form,
        "scope": scope,
        "province_labels": [Province(p).label for p in scope.provinces],
        "figures": figures,
        "kpis": figures["kpis"],
        "reached_share": _share(figures["kpis"]["schools_reached_share"]),
        "gender": _gender(figures["kpis"]["internship_gender"]),
        "charts": _dashboard_charts(figures),
        "to_settle": to_settle,
        # The coordinator's to-do: what waits in their provinces, with a link to each queue.
        "todo": {
            "verify": account_selectors.verification_queue(request.user).count(),
            "unmatched": figures["kpis"]["stale_requests"],
            "concerns": conduct_reports_for_coordinator(request.user, status="open").count(),
            "settle": len(to_settle),
        },
    }
    return render(request, "oversight/dashboard.html", context, status=status)


def _region_charts(region: dict[str, Any], labels: list[str]) -> dict[str, Chart]:
    charts: dict[str, Chart] = {}
    name = region["label"]
    levels = region["schools_by_level"]
    if levels:
        title = _("%(region)s: share of schools reached per level they offer") % {"region": name}
        charts["levels"] = Chart(
            svg=bar_chart(
                title=title,
                description=_(
                    "Per education level, the share of schools offering it that were reached, per school year."
                ),
                categories=[r["label"] for r in levels],
                series=[
                    (label, [r["per_year"][i]["share"] or 0 for r in levels])
                    for i, label in enumerate(labels)
                ],
                unit=" %",
                max_value=100,
            ),
            caption=title,
            headers=[_("Level"), _("Schools"), *labels],
            rows=[
                [r["label"], r["total"], *(f"{c['count']} ({_share(c['share'])})" for c in r["per_year"])]
                for r in levels
            ],
        )
    sectors = region["companies_by_sector"]
    if sectors:
        title = _("%(region)s: active companies per sector") % {"region": name}
        charts["sectors"] = Chart(
            svg=bar_chart(
                title=title,
                description=_(
                    "Per sector, the companies with an open offer or an activity, per school year."
                ),
                categories=[r["label"] for r in sectors],
                series=[
                    (label, [r["per_year"][i]["count"] for r in sectors]) for i, label in enumerate(labels)
                ],
            ),
            caption=title,
            headers=[_("Sector"), _("Companies"), *labels],
            rows=[[r["label"], r["total"], *(c["count"] for c in r["per_year"])] for r in sectors],
        )
    kinds = region["activities_by_kind"]
    if kinds:
        title = _("%(region)s: activities per kind") % {"region": name}
        charts["kinds"] = Chart(
            svg=bar_chart(
                title=title,
                description=_("Confirmed and completed activities per kind, per school year."),
                categories=[r["label"] for r in kinds],
                series=[
                    (label, [r["per_year"][i]["count"] for r in kinds]) for i, label in enumerate(labels)
                ],
            ),
            caption=title,
            headers=[_("Kind"), *labels],
            rows=[[r["label"], *(c["count"] for c in r["per_year"])] for r in kinds],
        )
    years = region["years"]
    if not any(y["internship_places_offered"] or y["internship_places_filled"] for y in years):
        return charts
    title = _("%(region)s: internship places offered and filled") % {"region": name}
    charts["internships"] = Chart(
        svg=bar_chart(
            title=title,
            description=_("Internship places offered by companies and filled, per school year."),
            categories=labels,
            series=[
                (_("Offered"), [y["internship_places_offered"] for y in years]),
                (_("Filled"), [y["internship_places_filled"] for y in years]),
            ],
        ),
        caption=title,
        headers=[_("School year"), _("Offered"), _("Filled")],
        rows=[
            [y["year_label"], y["internship_places_offered"], y["internship_places_filled"]] for y in years
        ],
    )
    return charts


def _trend_rows(trend: dict[str, Any]) -> list[tuple[str, str]]:
    labels = {
        "schools_reached": _("Schools reached"),
        "active_companies": _("Active companies"),
        "held_activities": _("Activities held"),
        "held_guest_lessons": _("Guest lessons held"),
        "held_company_visits": _("Company visits held"),
        "held_teacher_internships": _("Teacher internships held"),
        "internship_places_offered": _("Internship places offered"),
        "internship_places_filled": _("Internship places filled"),
    }
    rows = []
    for key, label in labels.items():
        cell = trend.get(key)
        if cell is None or cell["change"] is None:
            continue
        text = f"{cell['change']:+d}"
        if cell["percent"] is not None:
            text += f" ({cell['percent']:+.1f} %)"
        rows.append((label, text))
    return rows


@coordinator_required
def monitor(request: HttpRequest) -> HttpResponse:
    form, _scope, year, status = _filters(request, with_scope=False)
    options = monitor_regions(request.user)
    # One landsdeel alone (?region=oost): the printable report of that region and school year.
    chosen = request.GET.get("region", "")
    if chosen and any(option.key == chosen for option in options):
        options = [option for option in options if option.key == chosen]
    else:
        chosen = ""
    figures = monitor_figures(options, year)
    regions = []
    for region in figures["regions"]:
        years = region["years"]
        held = region["held"]
        genders = [_gender(y["internship_gender"]) for y in years]
        yoy = [
            (
                _("Schools reached"),
                [
                    _("%(reached)s of %(schools)s (%(share)s)")
                    % {
                        "reached": y["schools_reached"],
                        "schools": y["schools_total"],
                        "share": _share(y["schools_reached_share"]),
                    }
                    for y in years
                ],
            ),
            (_("Active companies"), [y["active_companies"] for y in years]),
            (_("Activities (confirmed or done)"), [y["activities"] for y in years]),
            (_("Guest lessons held"), [h["guest_lessons"] for h in held]),
            (_("Company visits held"), [h["company_visits"] for h in held]),
            (_("Teacher internships held"), [h["teacher_internships"] for h in held]),
            (_("Internship places held"), [h["internship_places"] for h in held]),
            (_("Internship places offered"), [y["internship_places_offered"] for y in years]),
            (_("Internship places filled"), [y["internship_places_filled"] for y in years]),
            (_("… students recorded"), [g["recorded"] for g in genders]),
            (_("… girls"), [g["girls"] for g in genders]),
            (_("… boys"), [g["boys"] for g in genders]),
            (_("… other or unknown"), [g["other_or_unknown"] for g in genders]),
            (_("Teachers reached (docentstage reflections)"), region["teacher_internships"]["teachers"]),
        ]
        regions.append(
            {
                **region,
                "charts": _region_charts(region, figures["year_labels"]),
                "yoy": yoy,
                "trend_rows": _trend_rows(region["trend"]),
                "target_labels": [
                    (dict(Province.choices).get(p, p), percent)
                    for p, percent in region["target"]["provinces"].items()
                ],
            }
        )
    context = {
        "form": form,
        "year_labels": figures["year_labels"],
        "regions": regions,
        "chosen": chosen,
        "year": year,
    }
    return render(request, "oversight/monitor.html", context, status=status)
