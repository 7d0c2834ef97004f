"""The offer form (companies): capacity, period and each kind's own details."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from matching.forms.fields import contact_person_field, date_input, default_window, parse_crebo
from matching.forms.listings import ListingForm
from matching.models import GROUP_SIZE_MAX, LessonFormat, ListingLanguage, Repeat, Weekday, WeekOfMonth


class OfferForm(ListingForm):
    window_fields = ("available_from", "available_until")
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=1000,
        help_text=_("How many lessons, visits or places you offer in this period."),
    )
    online = forms.BooleanField(
        label=_("Online possible (guest lessons only)"),
        required=False,
        help_text=_("When both sides are fine with online, the distance does not count."),
    )
    available_from = forms.DateField(label=_("Available from"), widget=date_input())
    available_until = forms.DateField(label=_("Available until"), widget=date_input())
    language = forms.ChoiceField(label=_("Language"), choices=ListingLanguage.choices)
    contact_person = contact_person_field()
    sbb_recognised = forms.BooleanField(label=_("SBB-recognised training company"), required=False)
    vog_date = forms.DateField(
        label=_("VOG date"),
        required=False,
        widget=date_input(),
        help_text=_(
            "Date of the Certificate of Conduct (VOG) of the people who come to the school. "
            "Schools that require a VOG accept one of at most three years old."
        ),
    )

    # Guest lessons and company visits.
    max_group_size = forms.IntegerField(
        label=_("Largest group (pupils)"), required=False, min_value=1, max_value=GROUP_SIZE_MAX
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=5, max_value=1440
    )
    lesson_format = forms.ChoiceField(
        label=_("Format"), choices=[("", "—"), *LessonFormat.choices], required=False
    )
    guest_brings = forms.CharField(
        label=_("What the guest brings"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    public_transport = forms.BooleanField(label=_("Reachable by public transport"), required=False)
    wheelchair_accessible = forms.BooleanField(label=_("Wheelchair accessible"), required=False)
    # Internships.
    duration_weeks = forms.IntegerField(
        label=_("Duration (weeks)"), required=False, min_value=1, max_value=104
    )
    hours_per_week = forms.IntegerField(label=_("Hours per week"), required=False, min_value=1, max_value=60)
    allowance_per_month = forms.DecimalField(
        label=_("Internship allowance per month (EUR)"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
    )
    bbl_wage_basis = forms.CharField(
        label=_("BBL wage basis"),
        required=False,
        max_length=200,
        help_text=_("For BBL: the collective agreement or wage scale, for example CAO Metalektro."),
    )
    supervisor_name = forms.CharField(
        label=_("Workplace supervisor (praktijkopleider)"), required=False, max_length=200
    )
    supervisor_email = forms.EmailField(label=_("Workplace supervisor's e-mail"), required=False)
    supervisor_phone = forms.CharField(label=_("Workplace supervisor's phone"), required=False, max_length=30)
    sbb_number = forms.CharField(
        label=_("SBB leerbedrijf number"),
        required=False,
        max_length=20,
        help_text=_("Nine digits, as in the SBB register of recognised training companies."),
    )
    sbb_crebo = forms.CharField(
        label=_("Crebo codes recognised by SBB"),
        required=False,
        max_length=300,
        help_text=_("Five digits each, separated by commas or spaces."),
    )
    # Teacher internships.
    learning_goals = forms.CharField(
        label=_("Learning goals (teacher internships)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the teacher will do and learn."),
    )
    days = forms.IntegerField(label=_("Number of days"), required=False, min_value=1, max_value=60)
    department = forms.CharField(label=_("Department"), required=False, max_length=200)
    # Recurring offers.
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        choices=[("", _("— once —")), *Repeat.choices],
        required=False,
        help_text=_("A repeating offer counts its capacity per occurrence."),
    )
    repeat_week = forms.TypedChoiceField(
        label=_("Week of the month"),
        choices=[("", "—"), *WeekOfMonth.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    repeat_weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    capacity_per_occurrence = forms.IntegerField(
        label=_("Capacity per occurrence"), required=False, min_value=1, max_value=1000
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["contact_person"].queryset = self._members()

    def clean_sbb_crebo(self) -> list[str]:
        return parse_crebo(self.cleaned_data.get("sbb_crebo", ""))

    def clean_vog_date(self) -> date | None:
        value = self.cleaned_data.get("vog_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("A VOG date cannot be in the future."))
        return value

    @classmethod
    def initial_new(cls, organisation: Organisation, user: User) -> dict[str, Any]:
        start, end = default_window()
        return {
            "subjects": list(organisation.sectors),
            "capacity": 1,
            "available_from": start,
            "available_until": end,
            "language": ListingLanguage.NL,
            "contact_person": user.pk,
        }
