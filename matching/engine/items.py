"""The engine's items: an offer and a request as the caller describes them, and their scalar facts.

Plain frozen dataclasses (no Django, no numpy): the Django side fills them from rows
(``matching/matcher/load.py``), the benchmarks from files, the tests by hand. The run-wide column
store built from them is :class:`~matching.engine.problem.Problem`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

EARTH_RADIUS_KM = 6371.0
DEFAULT_MAX_TRAVEL_KM = 50.0  # DESIGN §4 rule 4: no limit on either side means 50 km
VOG_VALID_YEARS = 3  # DESIGN §3: a VOG counts when at most three years old
# The crebo and contract_type rules apply to student internships only; teacher internships
# carry no crebo codes and no BOL/BBL.
CREBO_KINDS: frozenset[str] = frozenset({"internship"})
CONTRACT_KINDS: frozenset[str] = CREBO_KINDS
# BOL/BBL as bits: an offer's "both" serves either; "" (not stated) imposes nothing.
CONTRACT_BITS: dict[str, int] = {"": 0, "bol": 1, "bbl": 2, "both": 3}


def _codes(value: Iterable[str] | None) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):  # a bare string is one code, not a set of characters
        return frozenset((value,))
    return frozenset(value)


@dataclass(frozen=True, slots=True)
class Offer:
    """An open offer of a verified company, with what is left of its capacity.

    ``lat``/``lon`` are the organisation's coordinates. ``crebo`` (internships), ``vog_date``,
    ``contract_type`` (``bol``, ``bbl``, ``both`` or empty), ``max_group_size`` (the largest group
    of pupils), ``sbb_number`` (the company's SBB leerbedrijf number) and ``sbb_crebo`` (the crebo
    codes SBB recognises it for) are optional: left out they impose nothing (DESIGN §4). ``is_open``/``verified`` describe the listing and its organisation (a run
    loads only open, verified items; a single pair may be anything). ``landsdeel`` is informational.
    """

    id: str
    org_id: str
    kind: str
    levels: frozenset[str]
    subjects: frozenset[str]
    capacity_left: int
    max_travel_km: float | None
    online: bool
    available_from: date
    available_until: date
    lat: float
    lon: float
    crebo: frozenset[str] = frozenset()
    vog_date: date | None = None
    contract_type: str = ""
    is_open: bool = True
    verified: bool = True
    landsdeel: str = ""
    max_group_size: int | None = None
    sbb_number: str = ""
    sbb_crebo: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Accept lists/sets from callers; store hashable frozensets.
        object.__setattr__(self, "levels", _codes(self.levels))
        object.__setattr__(self, "subjects", _codes(self.subjects))
        object.__setattr__(self, "crebo", _codes(self.crebo))
        object.__setattr__(self, "sbb_crebo", _codes(self.sbb_crebo))
        object.__setattr__(self, "sbb_number", self.sbb_number or "")


@dataclass(frozen=True, slots=True)
class Request:
    """An open request of a verified school (``org_id`` is the school), with the slots still wanted.

    ``created`` orders requests for tie-breaks: smaller = earlier = preferred when everything
    else is equal. Any orderable value works (an int sequence, a datetime, a timestamp).
    ``group_size`` (pupils) and ``sbb_required`` are optional: left out they impose nothing.
    """

    id: str
    org_id: str
    kind: str
    levels: frozenset[str]
    subjects: frozenset[str]
    slots_left: int
    max_travel_km: float | None
    online_ok: bool
    wanted_from: date
    wanted_until: date
    lat: float
    lon: float
    crebo: frozenset[str] = frozenset()
    vog_required: bool = False
    contract_type: str = ""
    is_open: bool = True
    verified: bool = True
    landsdeel: str = ""
    created: object = 0
    group_size: int | None = None
    sbb_required: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", _codes(self.levels))
        object.__setattr__(self, "subjects", _codes(self.subjects))
        object.__setattr__(self, "crebo", _codes(self.crebo))


def add_years(day: date, years: int) -> date:
    """The same calendar date ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def first_day_from(start: date, today: date) -> date:
    """The first weekday from tomorrow on that is not before ``start`` (scalar twin)."""
    day = max(start, date.fromordinal(today.toordinal() + 1))
    weekday = day.weekday()
    return date.fromordinal(day.toordinal() + (7 - weekday if weekday >= 5 else 0))
