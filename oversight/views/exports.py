"""Exports of requests, offers and matches in the coordinator's provinces (streamed), as
machine-readable CSV (`?format=csv`, the default), CSV for Dutch Excel (`?format=excel`) or XLSX
(`?format=xlsx`); the files are written by oversight/csv_files.py."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.services.audit import audit_record
from matching.models import Match, Offer, Request
from oversight.access import coordinator_required, scope_provinces
from oversight.csv_files import FORMATS, export_response
from oversight.selectors.exports import DATASET_COLUMNS, DATASETS, ExportFilters, export_counts, export_rows
from taxonomy.kinds import Kind
from taxonomy.regions import Province


def _status_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for model in (Request, Offer, Match):
        for value, label in model.Status.choices:
            seen.setdefault(value, label)
    return [("", gettext_lazy("Any status")), *seen.items()]


class ExportFilterForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("Any kind")), *Kind.choices]
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=_status_choices)
    created_from = forms.DateField(
        label=gettext_lazy("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_until = forms.DateField(
        label=gettext_lazy("Created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, provinces: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.scope = provinces
        names = dict(Province.choices)
        self.fields["province"].choices = [("", gettext_lazy("All my provinces"))] + [
            (p, names[p]) for p in provinces
        ]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_until")
        if start and end and start > end:
            self.add_error("created_until", gettext_lazy("The end date is before the start date."))
        return data

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(
            provinces=[data["province"]] if data.get("province") else list(self.scope),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            created_from=data.get("created_from"),
            created_until=data.get("created_until"),
        )


@coordinator_required
def exports(request: HttpRequest) -> HttpResponse:
    # Every filter is optional, so the page opens with the totals of all the coordinator's provinces.
    form = ExportFilterForm(request.GET, provinces=scope_provinces(request.user))
    counts = export_counts(form.filters()) if form.is_valid() else None
    query = request.GET.urlencode()
    return render(
        request,
        "oversight/exports.html",
        {"form": form, "counts": counts, "datasets": DATASETS, "query": query},
    )


@coordinator_required
def export_download(request: HttpRequest, dataset: str) -> HttpResponse:
    if dataset not in DATASETS:
        raise Http404
    form = ExportFilterForm(request.GET, provinces=scope_provinces(request.user))
    fmt = request.GET.get("format") or "csv"
    if fmt not in FORMATS:
        form.is_valid()
        form.add_error(None, gettext_lazy("Choose CSV, CSV for Excel or XLSX."))
    if not form.is_valid():
        return render(
            request,
            "oversight/exports.html",
            {"form": form, "counts": None, "datasets": DATASETS, "query": request.GET.urlencode()},
            status=400,
        )
    filters = form.filters()
    # Who took which data out is recorded before the first byte leaves.
    audit_record(
        actor=request.user,
        action=f"export.{dataset}",
        object_type="export",
        province=filters.provinces[0] if len(filters.provinces) == 1 else "",
        data={**filters.as_data(), "format": fmt},
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return export_response(
        fmt=fmt,
        columns=DATASET_COLUMNS[dataset],
        rows=export_rows(dataset, filters),
        filename=f"{dataset}-{timezone.localdate():%Y%m%d}",
        title=dataset,
    )
