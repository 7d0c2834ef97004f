"""Forms of the matching pages, one module per form family; the classes are importable from here."""

from matching.forms.browse import BrowseForm, within_km
from matching.forms.fields import SearchTextField, default_window, parse_crebo
from matching.forms.listings import ListingForm
from matching.forms.messages import MatchMessageForm
from matching.forms.offers import OfferForm
from matching.forms.requests import RequestForm

__all__ = [
    "BrowseForm",
    "ListingForm",
    "MatchMessageForm",
    "OfferForm",
    "RequestForm",
    "SearchTextField",
    "default_window",
    "parse_crebo",
    "within_km",
]
