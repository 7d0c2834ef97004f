"""Coverage: the share of schools reached per province against its target, and the schools to
reach out to (sortable, CSV for Excel)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from oversight.access import coordinator_required, scope_provinces
from oversight.csv_files import FORMATS, Column, export_response
from oversight.schoolyear import school_year_label, school_year_of
from oversight.selectors import coverage as coverage_selectors
from oversight.services import actions
from taxonomy.levels import Level
from taxonomy.regions import Province

PAGE_SIZE = 50


class TargetForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"))
    percent = forms.IntegerField(
        label=gettext_lazy("Target: share of schools reached (%)"),
        min_value=1,
        max_value=100,
        initial=coverage_selectors.DEFAULT_TARGET_PERCENT,
        help_text=gettext_lazy("Overijssel's goal was 50%."),
    )

    def __init__(self, *args: Any, provinces: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Province.choices)
        self.fields["province"].choices = [(p, labels.get(p, p)) for p in provinces]


def _order(request: HttpRequest) -> str:
    order = request.GET.get("order", "name")
    return order if order in coverage_selectors.ORDERINGS else "name"


def _levels(codes: list[str]) -> str:
    labels = dict(Level.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)


def _export(schools: Any, fmt: str) -> HttpResponse:
    columns = [
        Column(header)
        for header in (_("Name"), _("BRIN code"), _("Place"), _("Province"), _("Levels"), _("E-mail"))
    ]
    rows = (
        [
            school.name,
            school.brin or "",
            school.place,
            school.get_province_display(),
            _levels(school.levels),
            "; ".join(coverage_selectors.member_emails(school)),
        ]
        for school in schools.iterator(chunk_size=2000)
    )
    return export_response(
        fmt=fmt,
        columns=columns,
        rows=rows,
        filename=f"schools-to-reach-{timezone.localdate().isoformat()}",
        title="schools",
    )


def _page(request: HttpRequest, form: TargetForm, status: int = 200) -> HttpResponse:
    provinces = scope_provinces(request.user)
    order = _order(request)
    schools = coverage_selectors.schools_to_reach(provinces=provinces, order=order)
    if request.method == "GET" and request.GET.get("format") in FORMATS:
        return _export(schools, request.GET["format"])
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"school": s, "levels": _levels(s.levels), "emails": coverage_selectors.member_emails(s)}
        for s in page.object_list
    ]
    context = {
        "provinces": coverage_selectors.coverage_by_province(provinces=provinces),
        "year": school_year_label(school_year_of()),
        "form": form,
        "page": page,
        "rows": rows,
        "no_contact": coverage_selectors.without_contact(schools).count(),
        "order": order,
        "query": f"order={order}",
    }
    return render(request, "oversight/coverage.html", context, status=status)


@coordinator_required
def coverage(request: HttpRequest) -> HttpResponse:
    return _page(request, TargetForm(provinces=scope_provinces(request.user)))


@coordinator_required
@require_POST
def coverage_target(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST, provinces=scope_provinces(request.user))
    if form.is_valid():
        try:
            actions.coverage_target_set(
                by=request.user, province=form.cleaned_data["province"], percent=form.cleaned_data["percent"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The target is saved."))
            return redirect("oversight:coverage")
    return _page(request, form, status=400)
