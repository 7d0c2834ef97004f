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
from accounts.validators import CREBO_RE, DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, clean_text
from matching.models import (
    GROUP_SIZE_MAX,
    ContractType,
    LessonFormat,
    ListingLanguage,
    MatchMessage,
    Repeat,
    Weekday,
    WeekOfMonth,
)
from matching.search import listings_search, search_text_clean
from matching.services import listings
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
    contact_person = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody in particular —"),
        help_text=_("Their contact details are shared only once a match is confirmed."),
    )
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
