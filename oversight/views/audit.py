"""The audit log pages: the whole log of the coordinator's provinces, and per organisation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from oversight.access import coordinator_required, scope_provinces
from oversight.selectors import audit as audit_selectors

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    organisation = forms.CharField(label=gettext_lazy("Organisation name"), required=False, max_length=200)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", gettext_lazy("All actions"))] + [(a, a) for a in actions]


@coordinator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    provinces = scope_provinces(request.user)
    form = AuditFilterForm(request.GET or None, actions=audit_selectors.audit_actions(provinces=provinces))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = audit_selectors.audit_entries(
        provinces=provinces, action=filters.get("action", ""), organisation=filters.get("organisation", "")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/audit.html",
        {
            "form": form,
            "page": page,
            "entries": page.object_list,
            "query": urlencode({k: v for k, v in filters.items() if v}),
        },
    )


@coordinator_required
def organisation_audit(request: HttpRequest, pk: int) -> HttpResponse:
    provinces = scope_provinces(request.user)
    organisation = get_object_or_404(Organisation, pk=pk, province__in=provinces)
    rows = audit_selectors.audit_for_organisation(provinces=provinces, organisation=organisation)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/audit.html",
        {"organisation": organisation, "page": page, "entries": page.object_list, "query": ""},
    )
