"""Education levels, ordered from primary to university (DESIGN §2)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Level(TextChoices):
    PO = "po", _("Primary school (po)")
    VMBO_B = "vmbo-b", "vmbo-b"
    VMBO_K = "vmbo-k", "vmbo-k"
    VMBO_G = "vmbo-g", "vmbo-g"
    VMBO_T = "vmbo-t", "vmbo-t"
    HAVO = "havo", "havo"
    VWO = "vwo", "vwo"
    MBO_1 = "mbo-1", _("mbo level 1")
    MBO_2 = "mbo-2", _("mbo level 2")
    MBO_3 = "mbo-3", _("mbo level 3")
    MBO_4 = "mbo-4", _("mbo level 4")
    HBO = "hbo", _("hbo (university of applied sciences)")
    WO = "wo", _("wo (university)")


LEVEL_ORDER: tuple[str, ...] = tuple(Level.values)
LEVEL_BIT: dict[str, int] = {code: 1 << i for i, code in enumerate(LEVEL_ORDER)}

# Levels where pupils do internships (stage / leerwerkplek): vmbo, mbo and hbo (DESIGN §3).
INTERNSHIP_LEVELS: frozenset[str] = frozenset(
    code for code in LEVEL_ORDER if code.startswith(("vmbo", "mbo", "hbo"))
)


def levels_mask(codes: Iterable[str]) -> int:
    """Bit mask of the known level codes (used for fast filtering in SQL)."""
    mask = 0
    for code in codes:
        mask |= LEVEL_BIT.get(code, 0)
    return mask


def sort_levels(codes: Iterable[str]) -> list[str]:
    rank = {code: i for i, code in enumerate(LEVEL_ORDER)}
    return sorted(set(codes), key=lambda c: rank.get(c, len(rank)))
