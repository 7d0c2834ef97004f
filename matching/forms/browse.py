"""The filters of the lists of open offers and requests (also the public catalogue's base)."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from matching.forms.fields import SearchTextField, date_input
from matching.search import listings_search
from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_BIT, Level
from taxonomy.places import EARTH_RADIUS_KM, haversine_km
from taxonomy.regions import Landsdeel, Province
from taxonomy.subjects import SUBJECT_BIT, Subject


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
    date_from = forms.DateField(label=_("Dates from"), required=False, widget=date_input())
    date_until = forms.DateField(label=_("Dates until"), required=False, widget=date_input())
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
