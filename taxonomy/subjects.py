"""Subjects and sectors (DESIGN §2): one list serves both schools' subjects and companies' sectors."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Subject(TextChoices):
    WETENSCHAP_TECHNOLOGIE = "wetenschap-technologie", _("Science & technology")
    NATUURKUNDE = "natuurkunde", _("Physics")
    SCHEIKUNDE = "scheikunde", _("Chemistry")
    BIOLOGIE = "biologie", _("Biology")
    WISKUNDE = "wiskunde", _("Mathematics")
    ICT = "ict", _("Computer science / ICT / programming")
    ONDERZOEKEN_ONTWERPEN = "onderzoeken-ontwerpen", _("Research & design")
    BOUW = "bouw", _("Construction")
    INSTALLATIE = "installatie", _("Building services")
    ELEKTROTECHNIEK = "elektrotechniek", _("Electrical engineering")
    METAAL_MECHATRONICA = "metaal-mechatronica", _("Metal & mechatronics")
    PROCESTECHNIEK = "procestechniek", _("Process technology")
    MARITIEM_LOGISTIEK = "maritiem-logistiek", _("Maritime & logistics")
    ENERGIE = "energie", _("Energy")
    ZORGTECHNIEK = "zorgtechniek", _("Healthcare technology")
    AGRI_FOOD = "agri-food", _("Agri & food")
    CREATIEVE_TECHNIEK = "creatieve-techniek", _("Creative technology")


SUBJECT_ORDER: tuple[str, ...] = tuple(Subject.values)
SUBJECT_BIT: dict[str, int] = {code: 1 << i for i, code in enumerate(SUBJECT_ORDER)}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


# Spellings seen in exports and spreadsheets, folded to lower-case ASCII with dashes.
_ALIASES: dict[str, str] = {
    "wetenschap-en-technologie": Subject.WETENSCHAP_TECHNOLOGIE,
    "wetenschap---technologie": Subject.WETENSCHAP_TECHNOLOGIE,
    "w-t": Subject.WETENSCHAP_TECHNOLOGIE,
    "wt": Subject.WETENSCHAP_TECHNOLOGIE,
    "science": Subject.WETENSCHAP_TECHNOLOGIE,
    "physics": Subject.NATUURKUNDE,
    "chemistry": Subject.SCHEIKUNDE,
    "biology": Subject.BIOLOGIE,
    "mathematics": Subject.WISKUNDE,
    "maths": Subject.WISKUNDE,
    "math": Subject.WISKUNDE,
    "informatica": Subject.ICT,
    "programmeren": Subject.ICT,
    "it": Subject.ICT,
    "computer-science": Subject.ICT,
    "onderzoeken-en-ontwerpen": Subject.ONDERZOEKEN_ONTWERPEN,
    "o-o": Subject.ONDERZOEKEN_ONTWERPEN,
    "metaal": Subject.METAAL_MECHATRONICA,
    "mechatronica": Subject.METAAL_MECHATRONICA,
    "maritiem": Subject.MARITIEM_LOGISTIEK,
    "logistiek": Subject.MARITIEM_LOGISTIEK,
    "agri": Subject.AGRI_FOOD,
    "food": Subject.AGRI_FOOD,
    "agri-en-food": Subject.AGRI_FOOD,
    "creatief": Subject.CREATIEVE_TECHNIEK,
}


def normalise_subject(code: str) -> str:
    """Map a subject spelling to its canonical slug; unknown codes come back folded, not dropped.

    Matching treats subjects as opaque tags (DESIGN §4 rule 3), so an unknown code still
    matches the same unknown code on the other side.
    """
    folded = _fold(code)
    if folded in SUBJECT_BIT:
        return folded
    return str(_ALIASES.get(folded, folded))


def subjects_mask(codes: Iterable[str]) -> int:
    mask = 0
    for code in codes:
        mask |= SUBJECT_BIT.get(code, 0)
    return mask
