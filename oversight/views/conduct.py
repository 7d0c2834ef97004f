"""Conduct reports: the school's side (report, see our reports) and the coordinator's side (list,
handle). The school pages are for school members, not coordinators; the company has no page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from matching.models import Match
from oversight.access import coordinator_required
from oversight.models import ConductReport
from oversight.selectors import conduct as selectors
from oversight.services.conduct import NEXT_STATUSES, conduct_report_create, conduct_report_handle


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, exc)


class MatchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Match) -> str:
        when = (
            date_format(obj.activity_date, "SHORT_DATE_FORMAT")
            if obj.activity_date
            else obj.get_status_display()
        )
        return f"{obj.offer.organisation.name}: {obj.offer.title} ({when})"


class ConductReportForm(forms.Form):
    company = forms.ModelChoiceField(
        label=gettext_lazy("Company"),
        queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("Choose a company"),
    )
    match = MatchChoiceField(
        label=gettext_lazy("Related match (optional)"),
        queryset=Match.objects.none(),
        required=False,
        empty_label=gettext_lazy("No specific match"),
    )
    category = forms.ChoiceField(label=gettext_lazy("What kind of conduct?"), choices=ConductReport.Category)
    description = forms.CharField(
        label=gettext_lazy("What happened?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        help_text=gettext_lazy(
            "Describe what happened, when and who was involved. Do not name pupils: "
            "the coordinator will contact you if more is needed."
        ),
    )

    def __init__(self, *args: object, school: Organisation, search: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        company = self.fields["company"]
        # Validate against every reportable company, but only list the ones worked with and the
        # search results: the full list of verified companies is far too long for a select.
        company.queryset = selectors.companies_reportable(school)
        shown = list(selectors.companies_worked_with(school))
        shown += [c for c in selectors.companies_search(search) if c not in shown]
        chosen = self.data.get("company") if self.is_bound else None
        if chosen and str(chosen).isdigit() and all(str(c.pk) != str(chosen) for c in shown):
            shown += list(company.queryset.filter(pk=chosen))
        company.widget.choices = [("", company.empty_label)] + [(c.pk, c.name) for c in shown]
        self.fields["match"].queryset = selectors.school_matches(school)


class ConductHandleForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ConductReport.Status)
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
        help_text=gettext_lazy("What was done and concluded. Required to close; the school can read it."),
    )

    def __init__(self, *args: object, report: ConductReport, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        allowed = (report.status, *NEXT_STATUSES[report.status])
        self.fields["status"].choices = [
            (v, label) for v, label in ConductReport.Status.choices if v in allowed
        ]


@login_required
def conduct_new(request: HttpRequest) -> HttpResponse:
    school = selectors.reporting_school_get(
        request.user, request.POST.get("school") or request.GET.get("school")
    )
    search = request.GET.get("q", "")
    initial = {}
    # Opened from an internship match page: the match and its company are filled in.
    prefill = request.GET.get("match", "")
    if prefill.isdigit():
        match = selectors.school_matches(school).filter(pk=prefill).first()
        if match is not None:
            initial = {"match": match.pk, "company": match.offer.organisation_id}
    form = ConductReportForm(request.POST or None, school=school, search=search, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conduct_report_create(
                by=request.user,
                school=school,
                company=data["company"],
                match=data["match"],
                category=data["category"],
                description=data["description"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Your report was sent to the coordinator of your region, not to the company."),
            )
            return redirect("oversight:conduct_mine")
    context = {
        "form": form,
        "school": school,
        "schools": selectors.reporting_schools(request.user),
        "search": search,
        "found": selectors.companies_search(search) if search else None,
    }
    return render(request, "oversight/conduct_new.html", context)


@login_required
def conduct_mine(request: HttpRequest) -> HttpResponse:
    selectors.reporting_school_get(request.user)  # 404 for people without a school
    reports = list(selectors.conduct_reports_of_schools(request.user))
    # The reporter sees what the coordinator did: each step of the report's history.
    for report in reports:
        report.steps = list(selectors.conduct_report_history(report))
    return render(request, "oversight/conduct_mine.html", {"reports": reports})


@coordinator_required
def conduct_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ConductReport.Status.values:
        status = ""
    reports = selectors.conduct_reports_for_coordinator(request.user, status=status)
    return render(
        request,
        "oversight/conduct_list.html",
        {"reports": reports, "status": status, "statuses": ConductReport.Status.choices},
    )


@coordinator_required
def conduct_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.conduct_report_get_for_coordinator(request.user, pk)
    form = None
    if report.status != ConductReport.Status.CLOSED:
        form = ConductHandleForm(
            request.POST or None, report=report, initial={"status": report.status, "outcome": report.outcome}
        )
        if request.method == "POST" and form.is_valid():
            try:
                conduct_report_handle(
                    report=report,
                    by=request.user,
                    status=form.cleaned_data["status"],
                    outcome=form.cleaned_data["outcome"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The report was updated."))
                return redirect("oversight:conduct_detail", report.pk)
    context = {"report": report, "form": form, "history": selectors.conduct_report_history(report)}
    return render(request, "oversight/conduct_detail.html", context)
