"""Tests for the school holidays (taxonomy/holidays.py and taxonomy/data/school_holidays.csv)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from taxonomy import holidays
from taxonomy.holiday_names import HOLIDAY_NAMES, HOLIDAY_REGIONS
from taxonomy.holidays import (
    HOLIDAY_REGION_OF_PROVINCE,
    Holiday,
    all_holidays,
    holiday_on,
    holiday_region_for_place,
    holiday_region_for_province,
    holidays_for_region,
    holidays_overlapping,
    school_year_label,
    school_year_of,
    school_years,
    table_snapshot,
)
from taxonomy.places import get_place
from taxonomy.regions import Province


def _ensure_settings() -> None:
    """Evaluating a lazy label needs settings; configure minimal ones when run without Django."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)


def _raw_rows() -> list[dict[str, str]]:
    with holidays.DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- the data file ---------------------------------------------------------------------------


def test_csv_columns_and_coverage():
    rows = _raw_rows()
    assert list(rows[0]) == ["school_year", "name", "region", "start", "end"]
    assert school_years() == ["2025-2026", "2026-2027", "2027-2028"]
    # Every holiday for every region in every school year, exactly once.
    combos = {(r["school_year"], r["name"], r["region"]) for r in rows}
    assert len(combos) == len(rows) == 3 * len(HOLIDAY_NAMES) * len(HOLIDAY_REGIONS)


def test_rows_are_valid():
    for h in all_holidays():
        assert h.name in HOLIDAY_NAMES and h.region in HOLIDAY_REGIONS
        assert h.start <= h.end
        assert school_year_label(h.start) == h.school_year
        # Official dates run from a Saturday to a Sunday.
        assert h.start.weekday() == 5 and h.end.weekday() == 6, h
        expected_days = {"kerstvakantie": 16, "zomervakantie": 44}.get(h.name, 9)
        assert h.days == expected_days, h


def test_christmas_and_may_are_the_same_for_all_regions():
    for year in school_years():
        for name in ("kerstvakantie", "meivakantie"):
            periods = {(h.start, h.end) for h in all_holidays() if h.school_year == year and h.name == name}
            assert len(periods) == 1, (year, name)


def test_summer_holidays_are_staggered_by_a_week():
    for year in school_years():
        starts = sorted(
            h.start for h in all_holidays() if h.school_year == year and h.name == "zomervakantie"
        )
        assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == [timedelta(days=7)] * 2


def test_known_official_dates():
    assert holiday_on("noord", date(2026, 8, 16)).name == "zomervakantie"
    assert holiday_on("noord", date(2026, 8, 17)) is None
    assert holiday_on("zuid", date(2025, 10, 11)).name == "herfstvakantie"
    assert holiday_on("midden", date(2025, 10, 11)) is None
    christmas = holiday_on("midden", date(2027, 12, 31))
    assert (christmas.start, christmas.end) == (date(2027, 12, 25), date(2028, 1, 9))
    assert christmas.school_year == "2027-2028"
    summer_2028 = holidays_for_region("zuid", date(2028, 7, 1), date(2028, 9, 30))
    assert [(h.start, h.end) for h in summer_2028] == [(date(2028, 7, 22), date(2028, 9, 3))]


# --- regions ---------------------------------------------------------------------------------


def test_every_province_has_a_holiday_region():
    assert set(HOLIDAY_REGION_OF_PROVINCE) == {str(p.value) for p in Province}
    assert set(HOLIDAY_REGION_OF_PROVINCE.values()) == set(HOLIDAY_REGIONS)


@pytest.mark.parametrize(
    ("province", "region"),
    [
        ("groningen", "noord"),
        ("fryslan", "noord"),
        ("drenthe", "noord"),
        ("noord-holland", "noord"),
        ("overijssel", "noord"),
        ("flevoland", "noord"),
        ("utrecht", "midden"),
        ("zuid-holland", "midden"),
        ("gelderland", "midden"),
        ("noord-brabant", "zuid"),
        ("limburg", "zuid"),
        ("zeeland", "zuid"),
    ],
)
def test_holiday_region_for_province(province, region):
    assert holiday_region_for_province(province) == region


def test_holiday_region_for_unknown_province():
    with pytest.raises(KeyError):
        holiday_region_for_province("atlantis")


def test_holiday_region_for_place_applies_municipal_exceptions():
    assert holiday_region_for_place(get_place("Arnhem")) == "zuid"
    assert holiday_region_for_place(get_place("Nijmegen")) == "zuid"
    assert holiday_region_for_place(get_place("Hattem")) == "noord"
    assert holiday_region_for_place(get_place("Zeewolde")) == "midden"
    assert holiday_region_for_place(get_place("Apeldoorn")) == "midden"
    assert holiday_region_for_place(get_place("Lelystad")) == "noord"
    assert holiday_region_for_place(get_place("Eindhoven")) == "zuid"


# --- Holiday and queries -----------------------------------------------------------------------


def test_holiday_label_and_helpers():
    _ensure_settings()
    from django.utils import translation

    # Labels are lazy: assert them in English, whatever language an earlier test left active.
    with translation.override("en"):
        h = Holiday("2026-2027", "herfstvakantie", "noord", date(2026, 10, 10), date(2026, 10, 18))
        assert str(h.label) == "Autumn break"
        assert {k: str(v) for k, v in HOLIDAY_NAMES.items()} == {
            "herfstvakantie": "Autumn break",
            "kerstvakantie": "Christmas break",
            "voorjaarsvakantie": "Spring break",
            "meivakantie": "May break",
            "zomervakantie": "Summer break",
        }
        assert h.days == 9
        assert h.contains(date(2026, 10, 10)) and h.contains(date(2026, 10, 18))
        assert not h.contains(date(2026, 10, 19))
        assert h.overlaps(date(2026, 10, 18), date(2026, 10, 30))
        assert not h.overlaps(date(2026, 10, 19), None)
        assert h.overlaps(None, None)
        with pytest.raises(AttributeError):
            h.name = "x"  # type: ignore[misc]


def test_holidays_for_region_without_window_returns_all_of_the_region_sorted():
    result = holidays_for_region("midden")
    assert len(result) == 3 * len(HOLIDAY_NAMES)
    assert {h.region for h in result} == {"midden"}
    assert [h.start for h in result] == sorted(h.start for h in result)


def test_holidays_for_region_open_ended_windows():
    after = holidays_for_region("noord", start=date(2027, 8, 1))
    assert after and all(h.end >= date(2027, 8, 1) for h in after)
    assert after[0].name == "zomervakantie"  # the summer of 2027 still runs on 1 August
    before = holidays_for_region("noord", end=date(2025, 10, 18))
    assert [h.name for h in before] == ["herfstvakantie"]


def test_holidays_overlapping_is_inclusive():
    # Window ending on the first day of the holiday, and starting on its last day.
    assert [h.name for h in holidays_overlapping("zuid", date(2025, 10, 1), date(2025, 10, 11))] == [
        "herfstvakantie"
    ]
    assert [h.name for h in holidays_overlapping("zuid", date(2025, 10, 19), date(2025, 10, 25))] == [
        "herfstvakantie"
    ]
    assert holidays_overlapping("zuid", date(2025, 10, 20), date(2025, 12, 19)) == []


def test_holidays_overlapping_differs_per_region():
    window = (date(2026, 2, 14), date(2026, 2, 20))
    assert [h.region for h in holidays_overlapping("midden", *window)] == ["midden"]
    assert holidays_overlapping("noord", *window) == []


def test_holidays_overlapping_over_a_school_year():
    start, end = school_year_of(date(2026, 11, 28))
    result = holidays_overlapping("noord", start, end)
    # The summer of 2026 reaches into the school year 2026-2027 (until 16 August).
    assert [h.name for h in result] == [
        "zomervakantie",
        "herfstvakantie",
        "kerstvakantie",
        "voorjaarsvakantie",
        "meivakantie",
        "zomervakantie",
    ]


def test_invalid_queries():
    with pytest.raises(ValueError, match="region"):
        holidays_for_region("oost")
    with pytest.raises(ValueError, match="before"):
        holidays_overlapping("noord", date(2026, 2, 1), date(2026, 1, 1))


# --- school year -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 7, 31), "2025-2026"),
        (date(2026, 8, 1), "2026-2027"),
        (date(2026, 12, 31), "2026-2027"),
        (date(2027, 1, 1), "2026-2027"),
        (date(2027, 7, 31), "2026-2027"),
        (date(2027, 8, 1), "2027-2028"),
    ],
)
def test_school_year_label(day, label):
    assert school_year_label(day) == label


def test_school_year_of():
    assert school_year_of(date(2026, 11, 28)) == (date(2026, 8, 1), date(2027, 7, 31))
    assert school_year_of(date(2027, 3, 1)) == (date(2026, 8, 1), date(2027, 7, 31))
    assert school_year_of(date(2026, 8, 1)) == (date(2026, 8, 1), date(2027, 7, 31))
    assert school_year_of(date(2026, 7, 31)) == (date(2025, 8, 1), date(2026, 7, 31))
    # Leap years do not matter: the boundaries are 1 August and 31 July.
    assert school_year_of(date(2028, 2, 29)) == (date(2027, 8, 1), date(2028, 7, 31))


@pytest.mark.django_db
def test_admin_rows_extend_and_correct_the_table():
    from taxonomy.holidays import holidays_for_region
    from taxonomy.models import SchoolHoliday

    SchoolHoliday.objects.create(
        school_year="2028-2029",
        name="herfstvakantie",
        region="noord",
        start=date(2028, 10, 14),
        end=date(2028, 10, 22),
    )
    found = holidays_for_region("noord", date(2028, 10, 1), date(2028, 10, 31))
    assert [(h.name, h.start) for h in found] == [("herfstvakantie", date(2028, 10, 14))]
    existing = holidays_for_region("zuid", date(2026, 10, 1), date(2026, 10, 31))[0]
    SchoolHoliday.objects.create(
        school_year=existing.school_year,
        name=existing.name,
        region="zuid",
        start=existing.start,
        end=existing.start,
    )
    corrected = holidays_for_region("zuid", date(2026, 10, 1), date(2026, 10, 31))
    assert len(corrected) == 1 and corrected[0].end == existing.start
    assert table_snapshot().holiday_on("zuid", existing.end) is None


def _every_day(first: date, last: date):  # noqa: ANN202 (a generator of dates)
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@pytest.mark.django_db
def test_the_snapshot_agrees_with_the_table_on_every_day_of_two_school_years_in_every_region():
    from matching.services.scheduling import is_holiday
    from taxonomy.models import SchoolHoliday

    # An admin's row that overlaps the committed autumn break: the first by start wins in both.
    SchoolHoliday.objects.create(
        school_year="2026-2027",
        name="herfstvakantie",
        region="noord",
        start=date(2026, 10, 10),
        end=date(2026, 10, 25),
    )
    table = table_snapshot()
    days = list(_every_day(date(2025, 8, 1), date(2027, 7, 31)))
    for region in HOLIDAY_REGIONS:
        for day in days:
            found = holidays_for_region(region, day, day)
            assert table.holiday_on(region, day) == (found[0] if found else None), (region, day)
            christmas = (day.month, day.day) >= (12, 24) or (day.month, day.day) <= (1, 1)
            assert is_holiday(region, day, table) == (christmas or bool(found)), (region, day)
    assert table.holiday_on("noord", date(2026, 10, 24)).start == date(2026, 10, 10)
    with pytest.raises(ValueError):
        table.holiday_on("oost", date(2026, 10, 24))
