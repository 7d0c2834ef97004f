"""The figures of the coordinator dashboard, the monitor and the reports API, made of the
per-province figures (oversight/selectors/province_figures.py) of a scope
(oversight/selectors/scope.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, F, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from oversight.figures_cache import cached
from oversight.schoolyear import happened_in, school_year_bounds, school_year_label, school_year_of
from oversight.selectors.monitor import held_by_province, province_targets, region_extras
from oversight.selectors.province_figures import UNSPECIFIED, Figures, province_figures, total, without_jit
from oversight.selectors.scope import Scope
from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_BIT, Level
from taxonomy.subjects import SUBJECT_BIT, Subject

MONITOR_YEARS = 3  # the monitor compares the selected year with the two before it
SMALL_CELL = 5  # gender counts 1..SMALL_CELL-1 are never shown (RELIABILITY: they identify minors)


def _codes_of(mask: int | None, bits: dict[str, int]) -> list[str]:
    return [code for code, bit in bits.items() if (mask or 0) & bit]


# --- presentation -----------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    return round(100.0 * part / whole, 1) if whole else None


def gender_cells(girls: int, boys: int, other: int) -> dict[str, Any]:
    """Gender counts with small cells suppressed (None).

    A count of 1–4 is never shown (listed in "small_cells", displayed as "<5"); when only one
    cell would be hidden, the smallest other one is hidden too, so that the small one cannot be
    worked out from the recorded total or the places filled."""
    cells: dict[str, int | None] = {"girls": girls, "boys": boys, "other_or_unknown": other}
    recorded = girls + boys + other
    small = [name for name, value in cells.items() if value and value < SMALL_CELL]
    hidden = list(small)
    if len(hidden) == 1:
        others = sorted((value or 0, name) for name, value in cells.items() if name not in hidden)
        hidden.append(others[0][1])
    for name in hidden:
        cells[name] = None
    if 0 < recorded < SMALL_CELL:
        small.append("recorded")
    return {"recorded": None if "recorded" in small else recorded, **cells, "small_cells": small}


def year_summary(figures: Figures, year: int) -> dict[str, Any]:
    schools, reached = figures[("schools",)], figures[("reached", year)]
    return {
        "year": year,
        "year_label": school_year_label(year),
        # Only completed activities count as held (Match.HELD_STATUSES); the others beside them.
        "confirmed": figures[("confirmed", year)],
        "completed": figures[("completed", year)],
        "completed_automatically": figures[("automatic", year)],
        "activities": figures[("completed", year)],
        "unconfirmed": figures[("unconfirmed", year)],
        "not_held": figures[("not_held", year)],
        "disputed": figures[("disputed", year)],
        "schools_total": schools,
        "schools_reached": reached,
        "schools_reached_share": share(reached, schools),
        "active_companies": figures[("active_companies", year)],
        "internship_places_offered": figures[("places_offered", year)],
        "internship_places_filled": figures[("places_filled", year)],
        "internship_gender": gender_cells(
            figures[("girls", year)], figures[("boys", year)], figures[("other_or_unknown", year)]
        ),
    }


def _breakdown(
    choices: Iterable[tuple[str, str]],
    figures: Figures,
    years: Sequence[int],
    *,
    count_key: str,
    total_key: str | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for code, label in choices:
        whole = figures[(total_key, code)] if total_key else None
        per_year = [
            {
                "year": year,
                "count": figures[(count_key, code, year)],
                "share": share(figures[(count_key, code, year)], whole) if whole is not None else None,
            }
            for year in years
        ]
        if whole or any(cell["count"] for cell in per_year):
            rows.append({"code": code, "label": str(label), "total": whole, "per_year": per_year})
    return rows


SECTOR_CHOICES = [*Subject.choices, (UNSPECIFIED, _("No sector given"))]


def _kind_rows(figures: Figures, years: Sequence[int]) -> list[dict[str, Any]]:
    return _breakdown(Kind.choices, figures, years, count_key="activities_kind")


# --- dashboard --------------------------------------------------------------------------------


def _trends(provinces: Sequence[str], year: int) -> list[dict[str, Any]]:
    """Per month of the school year: proposals created, and activities that took place by the
    month they took place (without a date: the month they were confirmed)."""
    first, last = school_year_bounds(year)
    months = [(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1) for i in range(12)]
    proposals: Counter = Counter()
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    rows = (
        Match.objects.filter(school__province__in=provinces, created_at__gte=start, created_at__lt=end)
        .values(y=ExtractYear("created_at"), m=ExtractMonth("created_at"))
        .annotate(n=Count("id"))
    )
    for row in rows:
        proposals[(row["y"], row["m"])] += row["n"]
    activities: Counter = Counter()
    rows = (
        Match.objects.filter(happened_in(year), school__province__in=provinces)
        .values(
            ay=ExtractYear("activity_date"),
            am=ExtractMonth("activity_date"),
            cy=ExtractYear("confirmed_at"),
            cm=ExtractMonth("confirmed_at"),
        )
        .annotate(n=Count("id"))
    )
    for row in rows:
        key = (row["ay"], row["am"]) if row["ay"] else (row["cy"], row["cm"])
        activities[key] += row["n"]
    return [
        {
            "month": f"{y:04d}-{m:02d}",
            "label": date(y, m, 1),
            "proposals": proposals[(y, m)],
            "activities": activities[(y, m)],
        }
        for y, m in months
    ]


def _code_counts(
    provinces: Sequence[str], year: int, expression: Any, bits: dict[str, int], choices: Iterable
) -> list[dict[str, Any]]:
    """Activities of the year that took place, per level or subject code, grouped in SQL by bit mask (a
    few dozen distinct masks) and unfolded in Python: an activity counts once for each code."""
    counts: Counter = Counter()
    rows = (
        Match.objects.filter(happened_in(year), school__province__in=provinces)
        .values(mask=expression)
        .annotate(n=Count("id"))
    )
    for row in rows:
        codes = _codes_of(row["mask"], bits) or [UNSPECIFIED]
        for code in codes:
            counts[code] += row["n"]
    return [
        {"code": code, "label": str(label), "count": counts[code]} for code, label in choices if counts[code]
    ]


# The pupils' levels: those both sides named.
LEVELS_OF_ACTIVITY = F("request__levels_mask").bitand(F("offer__levels_mask"))
# The subjects both sides named; an empty list on one side means "any", so the other side's.
SUBJECTS_OF_ACTIVITY = Case(
    When(request__subjects_mask=0, then=F("offer__subjects_mask")),
    When(offer__subjects_mask=0, then=F("request__subjects_mask")),
    default=F("request__subjects_mask").bitand(F("offer__subjects_mask")),
)


def dashboard_figures(provinces: Sequence[str], year: int, *, today: date | None = None) -> dict[str, Any]:
    """Everything the dashboard and the KPI endpoint show for a scope and school year
    (about a dozen queries, whatever the data; cached briefly, see oversight/figures_cache.py)."""
    if today is not None:
        return _dashboard_figures(provinces, year, today=today)
    return cached(
        "dashboard", [",".join(sorted(provinces)), year], lambda: _dashboard_figures(provinces, year)
    )


@without_jit()
def _dashboard_figures(provinces: Sequence[str], year: int, *, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    figures = total(province_figures(provinces, [year], today=today), provinces)
    summary = year_summary(figures, year)
    summary.update(
        open_requests=figures[("open_requests",)],
        stale_requests=figures[("stale_requests",)],
        awaiting_answer=figures[("awaiting",)],
    )
    if not provinces:
        trends: list[dict[str, Any]] = []
        by_level: list[dict[str, Any]] = []
        by_subject: list[dict[str, Any]] = []
    else:
        trends = _trends(provinces, year)
        by_level = _code_counts(provinces, year, LEVELS_OF_ACTIVITY, LEVEL_BIT, Level.choices)
        by_subject = _code_counts(
            provinces,
            year,
            SUBJECTS_OF_ACTIVITY,
            SUBJECT_BIT,
            [*Subject.choices, (UNSPECIFIED, _("Any subject"))],
        )
    by_kind = [
        {"code": row["code"], "label": row["label"], "count": row["per_year"][0]["count"]}
        for row in _kind_rows(figures, [year])
    ]
    return {
        "year": year,
        "year_label": school_year_label(year),
        "kpis": summary,
        "trends": trends,
        "by_kind": by_kind,
        "by_level": by_level,
        "by_subject": by_subject,
    }


# --- monitor ----------------------------------------------------------------------------------


def monitor_figures(regions: Sequence[Scope], year: int) -> dict[str, Any]:
    """Per region, the selected school year and the ones before it: schools reached (per level
    offered), companies active (per sector), activities per kind, internship places offered and
    filled (with gender where recorded). Five grouped queries for all regions together; cached
    briefly (oversight/figures_cache.py)."""
    key = ";".join(f"{r.key}={','.join(sorted(r.provinces))}" for r in regions)
    return cached("monitor", [key, year], lambda: _monitor_figures(regions, year))


@without_jit()
def _monitor_figures(regions: Sequence[Scope], year: int) -> dict[str, Any]:
    years = [year - i for i in range(MONITOR_YEARS - 1, -1, -1)]
    provinces = sorted({p for region in regions for p in region.provinces})
    per_province = province_figures(provinces, years, current=False)
    held, targets = held_by_province(provinces, years), province_targets(provinces)
    result = []
    for region in regions:
        figures = total(per_province, region.provinces)
        summaries = [year_summary(figures, y) for y in years]
        result.append(
            {
                "key": region.key,
                "label": region.label,
                "provinces": list(region.provinces),
                "years": summaries,
                "schools_by_level": _breakdown(
                    Level.choices, figures, years, count_key="reached_level", total_key="schools_level"
                ),
                "companies_by_sector": _breakdown(
                    SECTOR_CHOICES, figures, years, count_key="active_sector", total_key="companies_sector"
                ),
                "activities_by_kind": _kind_rows(figures, years),
                "teacher_internships": teachers_reached(region.provinces, years),
                # Held activities, the target and the trend (oversight/selectors/monitor.py).
                **region_extras(region.provinces, years, per_province, held, targets, summaries),
            }
        )
    return {
        "years": years,
        "year_labels": [school_year_label(y) for y in years],
        "regions": result,
    }


def teachers_reached(provinces: Iterable[str], years: Sequence[int]) -> dict[str, Any]:
    """Docentstages (goal 7): teachers who wrote a reflection after a teacher internship of a
    school in `provinces`, per school year, and per subject for the last of `years`."""
    from matching.models import TeacherReflection

    first, _last = school_year_bounds(years[0])
    rows = TeacherReflection.objects.filter(
        match__school__province__in=list(provinces), match__offer__kind=Kind.TEACHER_INTERNSHIP
    ).values_list(
        "match__activity_date", "match__confirmed_at", "teacher_id", "match__request__teacher_subject"
    )
    per_year: dict[int, set] = {y: set() for y in years}
    subjects: Counter[str] = Counter()
    for day, confirmed_at, teacher, subject in rows:
        when = day or (confirmed_at.date() if confirmed_at else None)
        if when is None or when < first:
            continue
        year = school_year_of(when)
        if year in per_year:
            per_year[year].add(teacher)
            if year == years[-1]:
                subjects[subject or ""] += 1
    labels = dict(Subject.choices)
    return {
        "teachers": [len(per_year[y]) for y in years],
        "by_subject": [
            {"subject": code, "label": str(labels.get(code, code) or _("Subject unknown")), "count": n}
            for code, n in sorted(subjects.items(), key=lambda item: (-item[1], item[0]))
        ],
    }
