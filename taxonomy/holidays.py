"""Dutch school holidays per holiday region, and the school year (DESIGN §2).

Data: ``taxonomy/data/school_holidays.csv`` (Rijksoverheid / Ministerie van OCW, see
``taxonomy/data/README.md``), read lazily on first use and cached.  Dates are inclusive and
run, as in the official table, from the first Saturday to the last Sunday.  That CSV is the
base; a database model for admin-added years will extend it later.

Holiday regions (``noord``, ``midden``, ``zuid``) are the Ministry's; they are not the
Techniekpact landsdelen.  ``holiday_region_for_province`` works at province level (the
official division is by municipality, see the README for the simplification), and
``holiday_region_for_place`` applies the municipal exceptions we know of.

The school year runs from 1 August to 31 July.  A holiday belongs to the school year in which
it starts, so the summer holiday of 2026 belongs to 2025-2026 even where it ends in August.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol

from django.utils.functional import Promise

from taxonomy.holiday_names import HOLIDAY_NAMES, HOLIDAY_REGIONS, MIDDEN, NOORD, ZUID

DATA_FILE = Path(__file__).resolve().parent / "data" / "school_holidays.csv"

# Province level.  Gelderland is split between midden and zuid (and Hattem is noord);
# it is counted as midden here.  See taxonomy/data/README.md.
HOLIDAY_REGION_OF_PROVINCE: dict[str, str] = {
    "groningen": NOORD,
    "fryslan": NOORD,
    "drenthe": NOORD,
    "noord-holland": NOORD,
    "overijssel": NOORD,
    "flevoland": NOORD,
    "utrecht": MIDDEN,
    "zuid-holland": MIDDEN,
    "gelderland": MIDDEN,
    "noord-brabant": ZUID,
    "limburg": ZUID,
    "zeeland": ZUID,
}

# (province, municipality) -> region where a municipality differs from its province's region.
# Only the exceptions we are sure of; the official list has more (see the README).
HOLIDAY_REGION_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("gelderland", "hattem"): NOORD,
    ("utrecht", "eemnes"): NOORD,
    ("flevoland", "zeewolde"): MIDDEN,
    ("gelderland", "arnhem"): ZUID,
    ("gelderland", "nijmegen"): ZUID,
}

_SCHOOL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")


class _HasProvince(Protocol):
    @property
    def province(self) -> str: ...

    @property
    def municipality(self) -> str: ...


def holiday_region_for_province(province_slug: str) -> str:
    """``noord``, ``midden`` or ``zuid`` for a province slug; KeyError for an unknown slug."""
    return HOLIDAY_REGION_OF_PROVINCE[province_slug]


def holiday_region_for_place(place: _HasProvince) -> str:
    """The holiday region of a place (anything with ``province`` and ``municipality``).

    Like ``holiday_region_for_province`` but with the known municipal exceptions (Hattem and
    Eemnes are noord, Zeewolde midden, Arnhem and Nijmegen zuid).
    """
    return holiday_region_of(place.province, place.municipality)


def holiday_region_of(province: str, municipality: str) -> str:
    """:func:`holiday_region_for_place` for a province slug and a municipality name."""
    key = (province, municipality.strip().casefold())
    return HOLIDAY_REGION_EXCEPTIONS.get(key) or holiday_region_for_province(province)


@dataclass(frozen=True)
class Holiday:
    school_year: str
    name: str
    region: str
    start: date
    end: date

    @property
    def label(self) -> Promise:
        """Translatable display name, e.g. "Autumn break" (a lazy string)."""
        return HOLIDAY_NAMES[self.name]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: date | None, end: date | None) -> bool:
        """True if the holiday shares a day with [start, end] (a None bound is open)."""
        return (end is None or self.start <= end) and (start is None or self.end >= start)


def school_year_of(d: date) -> tuple[date, date]:
    """First and last day of the school year containing ``d`` (1 August – 31 July)."""
    first_year = d.year if d.month >= 8 else d.year - 1
    return date(first_year, 8, 1), date(first_year + 1, 7, 31)


def school_year_label(d: date) -> str:
    """The school year containing ``d`` as "2026-2027"."""
    start, end = school_year_of(d)
    return f"{start.year}-{end.year}"


def _check_region(region: str) -> None:
    if region not in HOLIDAY_REGIONS:
        raise ValueError(f"unknown holiday region {region!r}; expected one of {HOLIDAY_REGIONS}")


def _parse(row: dict[str, str], path: Path) -> Holiday:
    holiday = Holiday(
        school_year=row["school_year"].strip(),
        name=row["name"].strip(),
        region=row["region"].strip(),
        start=date.fromisoformat(row["start"].strip()),
        end=date.fromisoformat(row["end"].strip()),
    )
    problem = None
    match = _SCHOOL_YEAR_RE.match(holiday.school_year)
    if holiday.name not in HOLIDAY_NAMES:
        problem = f"unknown holiday name {holiday.name!r}"
    elif holiday.region not in HOLIDAY_REGIONS:
        problem = f"unknown region {holiday.region!r}"
    elif holiday.end < holiday.start:
        problem = "end before start"
    elif not match or int(match[2]) != int(match[1]) + 1:
        problem = f"bad school year {holiday.school_year!r}"
    elif school_year_label(holiday.start) != holiday.school_year:
        problem = f"starts outside school year {holiday.school_year}"
    if problem:
        raise ValueError(f"{path}: {problem}: {row}")
    return holiday


@cache
def _holidays() -> tuple[Holiday, ...]:
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        holidays = [_parse(row, DATA_FILE) for row in csv.DictReader(fh)]
    seen: set[tuple[str, str, str]] = set()
    for h in holidays:
        key = (h.school_year, h.name, h.region)
        if key in seen:
            raise ValueError(f"{DATA_FILE}: duplicate row {key}")
        seen.add(key)
    return tuple(sorted(holidays, key=lambda h: (h.start, h.region, h.name)))


def _merged() -> tuple[Holiday, ...]:
    """The committed table with the admins' additions and corrections (SchoolHoliday rows) applied."""
    rows = {(h.school_year, h.name, h.region): h for h in _holidays()}
    try:
        from taxonomy.models import SchoolHoliday

        for extra in SchoolHoliday.objects.all():
            rows[(extra.school_year, extra.name, extra.region)] = Holiday(
                extra.school_year, extra.name, extra.region, extra.start, extra.end
            )
    except Exception:  # noqa: BLE001,S110 (no database yet, e.g. during migrate: the table alone serves)
        pass
    return tuple(sorted(rows.values(), key=lambda h: (h.start, h.region, h.name)))


def all_holidays() -> list[Holiday]:
    """Every holiday of every region, by start date."""
    return list(_merged())


def school_years() -> list[str]:
    """The school years the table covers, e.g. ["2025-2026", "2026-2027", "2027-2028"]."""
    return sorted({h.school_year for h in _merged()})


def holidays_for_region(region: str, start: date | None = None, end: date | None = None) -> list[Holiday]:
    """The region's holidays overlapping [start, end] (inclusive; None = unbounded), by start."""
    _check_region(region)
    if start is not None and end is not None and end < start:
        raise ValueError(f"end {end} before start {start}")
    return [h for h in _merged() if h.region == region and h.overlaps(start, end)]


def holidays_overlapping(region: str, start: date, end: date) -> list[Holiday]:
    """The region's holidays sharing at least one day with [start, end] (inclusive)."""
    return holidays_for_region(region, start, end)


@dataclass(frozen=True)
class HolidayTable:
    """Every region's holidays, merged once, by day: a lookup is one dict access.

    Take one with :func:`table_snapshot` for work that asks about many days (a matcher run dates
    tens of thousands of proposals); admins' corrections made meanwhile show in the next one.
    """

    by_day: dict[tuple[str, int], Holiday]

    def holiday_on(self, region: str, day: date) -> Holiday | None:
        """The region's holiday that includes ``day``, if any (the first by start where two overlap)."""
        _check_region(region)
        return self.by_day.get((region, day.toordinal()))


def table_snapshot() -> HolidayTable:
    """The holiday table as it stands now (the CSV with the admins' rows), indexed by day."""
    by_day: dict[tuple[str, int], Holiday] = {}
    for h in _merged():  # by start, so the first holiday holding a day wins, as in holidays_for_region
        for ordinal in range(h.start.toordinal(), h.end.toordinal() + 1):
            by_day.setdefault((h.region, ordinal), h)
    return HolidayTable(by_day)


def holiday_on(region: str, day: date) -> Holiday | None:
    """The region's holiday that includes ``day``, if any (a snapshot per call: for many days take
    one :func:`table_snapshot`)."""
    return table_snapshot().holiday_on(region, day)
