from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from matching.forms import BrowseForm, SearchTextField
from matching.search import Origin, SearchParams, listings_search, search_params_parse
from notifications.models import Preference


class CatalogueSearchForm(BrowseForm):
    """The browse filters plus words, a place with a distance, and the orderings."""

    text_in_filters = False  # `search()` applies and ranks the words

    ORDERING_CHOICES = [
        ("", _("Best first")),
        ("distance", _("Nearest first")),
        ("date", _("Soonest date first")),
        ("newest", _("Newest first")),
    ]

    q = SearchTextField(label=_("Search"), required=False)
    near = SearchTextField(
        label=_("Near"),
        required=False,
        help_text=_("A town or village."),
        widget=forms.TextInput(attrs={"list": "place-suggestions", "autocomplete": "off", "data-places": ""}),
    )
    within_km = forms.CharField(
        label=_("Within (km)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": "1", "max": "300", "step": "any"}),
    )
    ordering = forms.ChoiceField(label=_("Order"), choices=ORDERING_CHOICES, required=False)

    field_order = ["q", "near", "within_km", "kind", "level", "subject", "province", "ordering"]

    def __init__(
        self, *args: Any, is_offer: bool = True, default_origin: Origin | None = None, **kwargs: Any
    ):
        super().__init__(*args, is_offer=is_offer, origin=None, **kwargs)
        self.default_origin = default_origin
        for name in ("order", "landsdeel", "date_from", "date_until"):
            self.fields.pop(name, None)
        if default_origin is not None:
            self.fields["near"].help_text = _("A town or village; empty: your organisation.")
        self.search_params = SearchParams()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            self.search_params = search_params_parse(
                q=data.get("q"),
                near=data.get("near"),
                within_km=data.get("within_km"),
                ordering=data.get("ordering"),
                default_origin=self.default_origin,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return data

    def search(self, rows: QuerySet) -> QuerySet:
        """The rows filtered and ordered; empty when the search itself is invalid."""
        rows = self.filter_queryset(rows)
        if any(name in self.errors for name in ("near", "within_km")):
            return rows.none()
        p = self.search_params
        return listings_search(rows, text=p.text, origin=p.origin, within_km=p.within_km, ordering=p.ordering)


class SaveSearchForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("E-mail me about new matches"),
        choices=Preference.EmailMode.choices,
        initial=Preference.EmailMode.IMMEDIATELY,
        widget=forms.RadioSelect,
    )
