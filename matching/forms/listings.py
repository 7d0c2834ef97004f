"""What the offer and request forms share. They parse and label input; the services decide what
is allowed (their ValidationErrors land on the same field names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.validators import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, clean_text
from matching.forms.fields import parse_crebo
from matching.models import ContractType
from matching.services import listings
from taxonomy.kinds import KIND_DESCRIPTIONS, Kind
from taxonomy.levels import Level
from taxonomy.subjects import Subject


class ListingForm(forms.Form):
    """What offers and requests share. Field names are the services' field names."""

    kind = forms.ChoiceField(label=_("Kind of activity"), choices=Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Needed to publish: what happens, for whom, and what you need from the other side."),
    )
    levels = forms.MultipleChoiceField(
        label=_("Education levels"),
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one level.")},
    )
    subjects = forms.MultipleChoiceField(
        label=_("Subjects"),
        choices=Subject.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to accept any subject: then every subject matches."),
    )
    max_travel_km = forms.FloatField(
        label=_("Maximum travel distance (km)"),
        required=False,
        min_value=1,
        max_value=400,
        help_text=_(
            "Leave empty for no limit of your own. When neither side sets a limit, the matcher uses 50 km."
        ),
    )
    contract_type = forms.ChoiceField(
        label=_("BOL or BBL (internships)"),
        choices=[("", _("— not applicable —")), *ContractType.choices],
        required=False,
    )
    crebo = forms.CharField(
        label=_("Crebo qualification codes (internships)"),
        required=False,
        max_length=300,
        help_text=_("Five digits each, separated by commas or spaces, for example: 25604, 25605."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, is_existing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.is_existing = is_existing
        # Options ticked in advance for a new item are said out loud, never ticked silently.
        if not self.is_bound and not is_existing:
            if self.initial.get("levels"):
                self.fields["levels"].help_text = _(
                    "Ticked in advance from your organisation's levels: untick what does not apply."
                )
            if self.initial.get("subjects"):
                self.fields["subjects"].help_text = _(
                    "Ticked in advance from your company's sectors: untick what does not apply, "
                    "or tick none to accept any subject."
                )
        # Built per form so the labels follow the active language.
        self.fields["kind"].choices = [
            (
                kind.value,
                format_html('{} <span class="small muted">— {}</span>', kind.label, KIND_DESCRIPTIONS[kind]),
            )
            for kind in Kind
        ]

    # The names of the period's fields in the subclass (OfferForm, RequestForm).
    window_fields: tuple[str, str] = ("", "")

    def clean_title(self) -> str:
        title = clean_text(self.cleaned_data.get("title"))
        if not title:  # only invisible characters
            raise forms.ValidationError(self.fields["title"].error_messages["required"], code="required")
        return title

    def clean_description(self) -> str:
        return clean_text(self.cleaned_data.get("description"))

    def clean_crebo(self) -> list[str]:
        return parse_crebo(self.cleaned_data.get("crebo", ""))

    def _members(self) -> QuerySet[User]:
        return User.objects.filter(memberships__organisation=self.organisation).order_by("name", "email")

    def clean(self) -> dict[str, Any]:
        """The period is checked here too, so that it shows together with every other error."""
        data = super().clean()
        start_field, end_field = self.window_fields
        if start_field and end_field not in self.errors:
            # An item that already exists may keep its period; a new one may not lie in the past.
            for message in listings.listing_window_errors(
                data.get(start_field), data.get(end_field), past_ok=self.is_existing
            ):
                self.add_error(end_field, message)
        return data

    @classmethod
    def initial_for(cls, listing: Any) -> dict[str, Any]:
        initial = {name: getattr(listing, name) for name in cls.base_fields if hasattr(listing, name)}
        initial["crebo"] = ", ".join(listing.crebo or [])
        if "sbb_crebo" in cls.base_fields:
            initial["sbb_crebo"] = ", ".join(listing.sbb_crebo or [])
        return initial

    @classmethod
    def initial_new(cls, organisation: Organisation, user: User) -> dict[str, Any]:
        """Presets for a new item of this organisation."""
        raise NotImplementedError

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
