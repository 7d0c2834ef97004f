"""The request form (schools): slots, period and each kind's own details."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from matching.forms.fields import contact_person_field, date_input, default_window
from matching.forms.listings import ListingForm
from matching.models import GROUP_SIZE_MAX, ContractType
from taxonomy.subjects import Subject


class RequestForm(ListingForm):
    window_fields = ("wanted_from", "wanted_until")
    slots = forms.IntegerField(
        label=_("Slots wanted"),
        min_value=1,
        max_value=1000,
        help_text=_("How many lessons, visits or places your school wants in this period."),
    )
    online_ok = forms.BooleanField(
        label=_("Online is fine"),
        required=False,
        help_text=_("When both sides are fine with online, the distance does not count."),
    )
    wanted_from = forms.DateField(label=_("Wanted from"), widget=date_input())
    wanted_until = forms.DateField(label=_("Wanted until"), widget=date_input())
    preferred_dates = forms.CharField(
        label=_("Preferred dates and notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: Tuesday mornings, or not in the exam weeks."),
    )
    vog_required = forms.BooleanField(
        label=_("VOG required"),
        required=False,
        help_text=_("Only companies whose people hold a Certificate of Conduct (VOG) will be matched."),
    )
    contact_person = contact_person_field()
    group_size = forms.IntegerField(
        label=_("Group size (pupils)"),
        required=False,
        min_value=1,
        max_value=GROUP_SIZE_MAX,
        help_text=_("Guest lessons and company visits: how many pupils take part."),
    )
    group_count = forms.IntegerField(
        label=_("Number of groups"), required=False, min_value=1, max_value=GROUP_SIZE_MAX
    )
    school_provides = forms.CharField(
        label=_("What the school provides"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a classroom with a projector, a lab."),
    )
    sbb_required = forms.BooleanField(
        label=_("SBB recognition required (internships)"),
        required=False,
        help_text=_("Only companies recognised by SBB for one of your crebo codes will be matched."),
    )
    teacher = forms.ModelChoiceField(
        label=_("Participating teacher (teacher internships)"),
        queryset=User.objects.none(),
        required=False,
        empty_label="—",
    )
    teacher_subject = forms.ChoiceField(
        label=_("The teacher's subject"), choices=[("", "—"), *Subject.choices], required=False
    )
    bring_back = forms.CharField(
        label=_("What the teacher wants to bring back to class"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["contact_person"].queryset = self._members()
        self.fields["teacher"].queryset = self._members()
        # A request's students follow BOL or BBL; "either" is an offer's answer.
        self.fields["contract_type"].choices = [
            choice for choice in self.fields["contract_type"].choices if choice[0] != ContractType.BOTH
        ]

    @classmethod
    def initial_new(cls, organisation: Organisation, user: User) -> dict[str, Any]:
        start, end = default_window()
        return {
            "levels": list(organisation.levels),
            "slots": 1,
            "wanted_from": start,
            "wanted_until": end,
            "contact_person": user.pk,
        }

    @classmethod
    def initial_from_offer(cls, offer: Any, organisation: Organisation, user: User) -> dict[str, Any]:
        """A new request that fits an offer (its page's "create a request for this offer"): its
        kind, the levels both share, its subjects and its period from today on."""
        initial = cls.initial_new(organisation, user)
        shared = [level for level in offer.levels if level in organisation.levels]
        initial.update(
            kind=offer.kind,
            title=offer.title,
            levels=shared or list(organisation.levels),
            subjects=list(offer.subjects),
            wanted_from=max(offer.available_from, timezone.localdate()),
            wanted_until=offer.available_until,
            online_ok=bool(offer.online),
        )
        return initial
