"""Validators for Dutch registry numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# BRIN: four characters, two digits then two letters or a letter and a digit (e.g. 12AB, 30RV, 04Z1).
BRIN_RE = re.compile(r"^\d{2}[A-Z][A-Z0-9]$")
KVK_RE = re.compile(r"^\d{8}$")
CREBO_RE = re.compile(r"^\d{5}$")


def normalise_brin(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def normalise_kvk(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_brin(value: str) -> None:
    if not BRIN_RE.match(value or ""):
        raise ValidationError(
            _("A BRIN code has four characters: two digits followed by two letters, for example 12AB."),
            code="invalid_brin",
        )


def validate_kvk(value: str) -> None:
    if not KVK_RE.match(value or ""):
        raise ValidationError(
            _("A KvK number has exactly eight digits, for example 12345678."), code="invalid_kvk"
        )
    if value == "00000000":
        raise ValidationError(_("This is not a valid KvK number."), code="invalid_kvk")


SCHOOL_LOCATION_RE = re.compile(r"^\d{2}$")
COMPANY_SITE_RE = re.compile(r"^\d{12}$")


def validate_location_number(value: str, *, school: bool) -> None:
    """A school location's vestigingsnummer has two digits (with the BRIN: 12AB01); a company
    site's KvK vestigingsnummer has twelve."""
    if school and not SCHOOL_LOCATION_RE.match(value or ""):
        raise ValidationError(
            _("A school location number has two digits, for example 01."), code="invalid_location"
        )
    if not school and not COMPANY_SITE_RE.match(value or ""):
        raise ValidationError(
            _("A KvK vestigingsnummer has exactly twelve digits, for example 000012345678."),
            code="invalid_location",
        )


# Invisible and bidirectional control characters: zero-width spaces and joiners, direction marks,
# embeddings/overrides/isolates (the "Trojan source" characters), the BOM and the soft hyphen, and
# the C0/C1 controls except tab and line breaks. They let a title look empty or read backwards.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000


def clean_text(value: str | None) -> str:
    """Free text without invisible or bidirectional control characters, trimmed."""
    return _INVISIBLE_RE.sub("", value or "").strip()


# A Dutch number (0 and nine digits, e.g. 053 123 4567 or 06-12345678) or an international one in
# E.164 form (+ country code, at most 15 digits); spaces, dashes, dots and brackets are allowed.
_PHONE_SEPARATORS_RE = re.compile(r"[\s\-.()]")
_PHONE_DUTCH_RE = re.compile(r"^0[1-9]\d{8}$")
_PHONE_E164_RE = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_phone(value: str | None) -> str:
    """Trimmed, as typed (separators kept for readability); empty stays empty."""
    return clean_text(value)


def validate_phone(value: str | None) -> None:
    digits = _PHONE_SEPARATORS_RE.sub("", value or "")
    if not digits:
        return
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if _PHONE_DUTCH_RE.match(digits) or _PHONE_E164_RE.match(digits):
        return
    raise ValidationError(
        _("Give a Dutch phone number (for example 053 123 4567) or an international one (+31 53 123 4567)."),
        code="invalid_phone",
    )
