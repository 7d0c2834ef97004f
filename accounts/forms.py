from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.validators import DESCRIPTION_MAX_LENGTH, validate_phone
from taxonomy.levels import Level
from taxonomy.places import all_places, get_place
from taxonomy.regions import Province
from taxonomy.subjects import Subject


class SignupForm(AllauthSignupForm):
    name = forms.CharField(label=_("Your name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices, initial="nl")

    def save(self, request: Any) -> User:
        user = super().save(request)
        user.name = self.cleaned_data["name"].strip()
        user.language = self.cleaned_data["language"]
        user.save(update_fields=["name", "language"])
        return user


class OrganisationForm(forms.Form):
    kind = forms.ChoiceField(label=_("We are a"), choices=Organisation.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=200)
    brin = forms.CharField(
        label=_("BRIN code"),
        max_length=6,
        required=False,
        help_text=_("Schools: four characters, e.g. 12AB."),
    )
    kvk = forms.CharField(
        label=_("KvK number"), max_length=10, required=False, help_text=_("Companies: eight digits.")
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "places", "autocomplete": "off"}),
    )
    province = forms.ChoiceField(
        label=_("Province"),
        choices=[("", _("— derived from the place —")), *Province.choices],
        required=False,
        help_text=_("Only needed when a place name exists in more than one province."),
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels your school offers"),
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors of your company"),
        choices=Subject.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("About us"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, fixed_kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_kind:
            self.fields.pop("kind")
            self.fixed_kind = fixed_kind
        else:
            self.fixed_kind = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = self.fixed_kind or data.get("kind")
        if kind == Organisation.Kind.SCHOOL and not data.get("brin"):
            self.add_error("brin", _("Schools fill in their BRIN code."))
        if kind == Organisation.Kind.COMPANY and not data.get("kvk"):
            self.add_error("kvk", _("Companies fill in their KvK number."))
        if data.get("place") and get_place(data["place"], data.get("province") or None) is None:
            if get_place(data["place"], None) is None and any(
                p.name.lower() == data["place"].strip().lower() for p in all_places()
            ):
                self.add_error("province", _("This place name exists in more than one province: choose one."))
            else:
                self.add_error("place", _("Choose a place from the list of Dutch places."))
        return data

    def organisation_fields(self) -> dict[str, Any]:
        """The cleaned form as organisation_create/organisation_update take it: levels for schools
        only, sectors for companies only, no province when the place decides it."""
        data = self.cleaned_data
        kind = self.fixed_kind or data["kind"]
        fields = {name: data[name] for name in ("name", "place", "brin", "kvk", "description", "website")}
        fields["province"] = data["province"] or None
        fields["levels"] = data["levels"] if kind == Organisation.Kind.SCHOOL else []
        fields["sectors"] = data["sectors"] if kind == Organisation.Kind.COMPANY else []
        if not self.fixed_kind:
            fields["kind"] = kind
        return fields


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of your colleague"))
    is_admin = forms.BooleanField(label=_("Also make them an organisation admin"), required=False)


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        validators=[validate_phone],
        help_text=_("Shown to the other side only after a match is confirmed."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("E.g. the script that uses it.")
    )
    read_only = forms.BooleanField(label=_("Read-only"), required=False)
    expires_at = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that does not expire."),
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the admins"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
