"""Fields and small parsers the matching forms share."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import CREBO_RE
from matching.search import search_text_clean
from taxonomy.holidays import school_year_of

CREBO_SPLIT = re.compile(r"[\s,;]+")


def date_input() -> forms.DateInput:
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
    codes = list(dict.fromkeys(code for code in CREBO_SPLIT.split(raw or "") if code))
    bad = [code for code in codes if not CREBO_RE.match(code)]
    if bad:
        raise forms.ValidationError(
            _("%(codes)s: a crebo qualification code has five digits, for example 25604."),
            code="invalid_crebo",
            params={"codes": ", ".join(bad)},
        )
    return codes


def contact_person_field() -> forms.ModelChoiceField:
    """One member of the organisation (the form narrows the queryset to its members)."""
    return forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody in particular —"),
        help_text=_("Their contact details are shared only once a match is confirmed."),
    )


class SearchTextField(forms.CharField):
    """Free text as typed, control characters (NUL too) turned into spaces: a hostile string gives
    results or none, never a form error."""

    def to_python(self, value: Any) -> str:
        return search_text_clean(super().to_python(value))
