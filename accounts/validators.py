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


def validate_crebo(value: str) -> None:
    if not CREBO_RE.match(value or ""):
        raise ValidationError(
            _("A crebo qualification code has five digits, for example 25604."), code="invalid_crebo"
        )


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
