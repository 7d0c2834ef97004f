"""Forms for the offer and request pages. They parse and label input; the services decide what is
allowed (their ValidationErrors land on the same field names)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.validators import CREBO_RE
from matching.models import ContractType, ListingLanguage, MatchMessage
from matching.search import listings_search, search_text_clean
from taxonomy.holidays import school_year_of
from taxonomy.kinds import KIND_DESCRIPTIONS, Kind
from taxonomy.levels import LEVEL_BIT, Level
from taxonomy.places import EARTH_RADIUS_KM, haversine_km
from taxonomy.regions import Landsdeel, Province
from taxonomy.subjects import SUBJECT_BIT, Subject

_CREBO_SPLIT = re.compile(r"[\s,;]+")


def _date_input() -> forms.DateInput:
    # type=date needs ISO dates in the value attribute, whatever the active locale's format.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def default_window(today: date | None = None) -> tuple[date, date]:
    """From two weeks ahead until the end of that school year (31 July), or of the next school
    year when fewer than 30 days would be left."""
    start = (today or timezone.localdate()) + timedelta(days=14)
    end = school_year_of(start)[1]
    if (end - start).days < 30:
        end = school_year_of(end + timedelta(days=1))[1]
    return start, end


def parse_crebo(raw: str) -> list[str]:
    """ "25604, 25605 25606" → ["25604", "25605", "25606"]; raises ValidationError on a bad code."""
    codes = list(dict.fromkeys(code for code in _CREBO_SPLIT.split(raw or "") if code))
    bad = [code for code in codes if not CREBO_RE.match(code)]
    if bad:
        raise forms.ValidationError(
            _("%(codes)s: a crebo qualification code has five digits, for example 25604."),
            code="invalid_crebo",
            params={"codes": ", ".join(bad)},
        )
    return codes


class ListingForm(forms.Form):
    """What offers and requests share. Field names are the services' field names."""

    kind = forms.ChoiceField(label=_("Kind of activity"), choices=Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
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

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # Built per form so the labels follow the active language.
        self.fields["kind"].choices = [
            (
                kind.value,
                format_html('{} <span class="small muted">— {}</span>', kind.label, KIND_DESCRIPTIONS[kind]),
            )
            for kind in Kind
        ]

    def clean_crebo(self) -> list[str]:
        return parse_crebo(self.cleaned_data.get("crebo", ""))

    @classmethod
    def initial_for(cls, listing: Any) -> dict[str, Any]:
        initial = {name: getattr(listing, name) for name in cls.base_fields if hasattr(listing, name)}
        initial["crebo"] = ", ".join(listing.crebo or [])
        return initial

    @classmethod
    def initial_new(cls, organisation: Organisation, user: User) -> dict[str, Any]:
        """Presets for a new item of this organisation."""
        raise NotImplementedError

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class OfferForm(ListingForm):
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
    available_from = forms.DateField(label=_("Available from"), widget=_date_input())
    available_until = forms.DateField(label=_("Available until"), widget=_date_input())
    language = forms.ChoiceField(label=_("Language"), choices=ListingLanguage.choices)
    contact_person = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody in particular —"),
        help_text=_("Their contact details are shared only once a match is confirmed."),
    )
    sbb_recognised = forms.BooleanField(label=_("SBB-recognised training company"), required=False)
    vog_date = forms.DateField(
        label=_("VOG date"),
        required=False,
        widget=_date_input(),
        help_text=_(
            "Date of the Certificate of Conduct (VOG) of the people who come to the school. "
            "Schools that require a VOG accept one of at most three years old."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["contact_person"].queryset = User.objects.filter(
            memberships__organisation=organisation
        ).order_by("name", "email")

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


class RequestForm(ListingForm):
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
    wanted_from = forms.DateField(label=_("Wanted from"), widget=_date_input())
    wanted_until = forms.DateField(label=_("Wanted until"), widget=_date_input())
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

    @classmethod
    def initial_new(cls, organisation: Organisation, user: User) -> dict[str, Any]:
        start, end = default_window()
        return {"levels": list(organisation.levels), "slots": 1, "wanted_from": start, "wanted_until": end}


class SearchTextField(forms.CharField):
    """Free text as typed, control characters (NUL too) turned into spaces: a hostile string gives
    results or none, never a form error."""

    def to_python(self, value: Any) -> str:
        return search_text_clean(super().to_python(value))


class BrowseForm(forms.Form):
    """GET filters for the lists of open offers or requests. Every field is optional."""

    # The words filter the rows here; a subclass that searches (and ranks) itself turns this off.
    text_in_filters = True

    ORDER_CHOICES = [("newest", _("Newest first")), ("soonest", _("Soonest date first"))]

    q = SearchTextField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Kind.choices], required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("Any level")), *Level.choices], required=False
    )
    subject = forms.ChoiceField(
        label=_("Subject"),
        choices=[("", _("Any subject")), *Subject.choices],
        required=False,
        help_text=_("Also shows items open to any subject."),
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("Any province")), *Province.choices], required=False
    )
    landsdeel = forms.ChoiceField(
        label=_("Landsdeel"), choices=[("", _("Any landsdeel")), *Landsdeel.choices], required=False
    )
    max_km = forms.FloatField(
        label=_("Within (km)"),
        required=False,
        min_value=1,
        max_value=400,
        help_text=_("Distance from your organisation."),
    )
    date_from = forms.DateField(label=_("Dates from"), required=False, widget=_date_input())
    date_until = forms.DateField(label=_("Dates until"), required=False, widget=_date_input())
    online = forms.BooleanField(label=_("Online only"), required=False)
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)

    def __init__(self, *args: Any, is_offer: bool, origin: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_offer = is_offer
        self.origin = origin
        if origin is None:
            del self.fields["max_km"]  # a distance needs a place to measure from
        if not is_offer:
            self.fields["online"].label = _("Online is fine only")

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is ignored (and shown with its error)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}

    def filter_queryset(self, rows: QuerySet) -> QuerySet:
        f = self.filters()
        date_from, date_until = (
            ("available_from", "available_until") if self.is_offer else ("wanted_from", "wanted_until")
        )
        if "kind" in f:
            rows = rows.filter(kind=f["kind"])
        if "level" in f:
            rows = rows.annotate(_level=F("levels_mask").bitand(LEVEL_BIT[f["level"]])).filter(_level__gt=0)
        if "subject" in f:
            # Subjects are "any" when the list is empty (DESIGN §4 rule 3). The mask alone would
            # also match lists holding only codes outside our taxonomy, so test the list itself.
            rows = rows.annotate(_subject=F("subjects_mask").bitand(SUBJECT_BIT[f["subject"]])).filter(
                Q(_subject__gt=0) | Q(subjects=[])
            )
        if "province" in f:
            rows = rows.filter(organisation__province=f["province"])
        if "landsdeel" in f:
            rows = rows.filter(organisation__landsdeel=f["landsdeel"])
        if "date_from" in f:  # windows overlap, inclusive
            rows = rows.filter(**{f"{date_until}__gte": f["date_from"]})
        if "date_until" in f:
            rows = rows.filter(**{f"{date_from}__lte": f["date_until"]})
        if "online" in f:
            rows = rows.filter(**{"online" if self.is_offer else "online_ok": True})
        if "max_km" in f and self.origin is not None:
            rows = within_km(rows, self.origin, f["max_km"])
        if "q" in f and self.text_in_filters:
            rows = listings_search(rows, text=f["q"], ordering="keep")
        if f.get("order") == "soonest":
            return rows.order_by(date_from, "id")
        return rows.order_by("-published_at", "-id")


class MatchMessageForm(forms.Form):
    """A message in a match's thread. Not required here: the service says what an empty one lacks
    (the browser already asks through the `required` attribute)."""

    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=MatchMessage.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
        help_text=_("Everyone in this match reads it: both sides and the coordinator of the region."),
    )


def within_km(rows: QuerySet, origin: Organisation, km: float) -> QuerySet:
    """Rows whose organisation lies within `km` (haversine) of `origin`.

    SQL narrows to the bounding box of the circle; the exact distance is then computed in Python
    for the organisations inside that box, and those in the box's corners (outside the circle)
    are excluded. That keeps the answer exact on every page without database maths functions.
    """
    lat, lon = origin.latitude, origin.longitude
    angle = km / EARTH_RADIUS_KM
    dlat = math.degrees(angle)
    # The widest longitude of a spherical cap is asin(sin d / cos lat), a little more than d / cos lat.
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / max(math.cos(math.radians(lat)), 1e-6))))
    box = {
        "latitude__range": (lat - dlat - 1e-6, lat + dlat + 1e-6),
        "longitude__range": (lon - dlon - 1e-6, lon + dlon + 1e-6),
    }
    org_ids = rows.values("organisation_id")
    in_box = Organisation.objects.filter(pk__in=org_ids, **box).values_list("pk", "latitude", "longitude")
    outside = [pk for pk, la, lo in in_box if haversine_km(lat, lon, la, lo) > km]
    rows = rows.filter(**{f"organisation__{name}": value for name, value in box.items()})
    return rows.exclude(organisation_id__in=outside) if outside else rows
