"""Names of the school holidays and of the Ministry's holiday regions.

Constants only, so that both the holiday table (``taxonomy/holidays.py``) and the model of the
admins' additions (``taxonomy/models.py``) can import them without importing each other.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NOORD = "noord"
MIDDEN = "midden"
ZUID = "zuid"
HOLIDAY_REGIONS: tuple[str, ...] = (NOORD, MIDDEN, ZUID)

HOLIDAY_REGION_LABELS: dict[str, Promise] = {
    NOORD: _("North"),
    MIDDEN: _("Central"),
    ZUID: _("South"),
}

# In school-year order.
HOLIDAY_NAMES: dict[str, Promise] = {
    "herfstvakantie": _("Autumn break"),
    "kerstvakantie": _("Christmas break"),
    "voorjaarsvakantie": _("Spring break"),
    "meivakantie": _("May break"),
    "zomervakantie": _("Summer break"),
}
