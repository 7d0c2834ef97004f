"""The page where the school, the company (or a coordinator) records how many girls, boys and
others fill an internship match's places: /coordinator/placements/<match>/.

Not coordinator-only: the people of the match's school and company are its main users."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.selectors.placements import placement_can_record, placement_match_get_for, placement_record_of
from oversight.services.placements import placement_record_set


class PlacementRecordForm(forms.Form):
    girls = forms.IntegerField(label=gettext_lazy("Girls"), min_value=0, max_value=999, initial=0)
    boys = forms.IntegerField(label=gettext_lazy("Boys"), min_value=0, max_value=999, initial=0)
    other_or_unknown = forms.IntegerField(
        label=gettext_lazy("Other or unknown"), min_value=0, max_value=999, initial=0
    )


@login_required
def placement_record(request: HttpRequest, match_pk: int) -> HttpResponse:
    match = placement_match_get_for(request.user, match_pk)
    record = placement_record_of(match)
    can_record = placement_can_record(request.user, match)
    initial = (
        {"girls": record.girls, "boys": record.boys, "other_or_unknown": record.other_or_unknown}
        if record
        else None
    )
    form = PlacementRecordForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and can_record:
        if form.is_valid():
            try:
                placement_record_set(match=match, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Thank you: the students of this internship are recorded."))
                return redirect(reverse("matches:detail", args=[match.pk]))
        status = 400
    context = {"match": match, "record": record, "form": form, "can_record": can_record}
    return render(request, "oversight/placement_record.html", context, status=status)
