"""What the landsdeel monitor adds to the shared per-province figures (oversight/selectors/province_figures.py):
activities *held* per kind (completed only, oversight.schoolyear.happened_in), the region's target
for schools reached (settings per province, overridden by a coordinator's target), and the trend
of the selected school year against the one before it.

Held activities belong to the province of the school, like every school-side figure.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum

from matching.models import Match
from oversight.models import CoverageTarget
from oversight.schoolyear import happened_in
from oversight.selectors.province_figures import any_of
from taxonomy.kinds import Kind

HELD_KEYS = {
    Kind.GUEST_LESSON: "guest_lessons",
    Kind.COMPANY_VISIT: "company_visits",
    Kind.INTERNSHIP: "internship_places",
    Kind.TEACHER_INTERNSHIP: "teacher_internships",
}


def province_targets(provinces: Sequence[str]) -> dict[str, int]:
    """The target (percent of schools reached) per province that has one: the setting
    SCHOOL_REACH_TARGETS, overridden by a target a coordinator set on the coverage page."""
    targets = {p: int(v) for p, v in settings.SCHOOL_REACH_TARGETS.items() if p in provinces}
    targets.update(
        CoverageTarget.objects.filter(province__in=list(provinces)).values_list("province", "percent")
    )
    return targets


def held_by_province(provinces: Sequence[str], years: Sequence[int]) -> dict[str, Counter]:
    """Per province of the school: held activities per kind and year (internships by places)."""
    out: dict[str, Counter] = {p: Counter() for p in provinces}
    if not provinces or not years:
        return out
    annotations: dict[str, Any] = {}
    for year in years:
        annotations[f"n_{year}"] = Count("id", filter=happened_in(year))
        annotations[f"slots_{year}"] = Sum("slots", filter=happened_in(year))
    rows = (
        Match.objects.filter(any_of(happened_in(y) for y in years), school__province__in=list(provinces))
        .values("school__province", "offer__kind")
        .annotate(**annotations)
    )
    for row in rows:
        figures = out[row["school__province"]]
        kind = row["offer__kind"]
        for year in years:
            # An internship match holds several places; every other kind counts its activities.
            value = row[f"slots_{year}"] if kind == Kind.INTERNSHIP else row[f"n_{year}"]
            figures[(kind, year)] += value or 0
    return out


def _trend(now: int | float | None, before: int | float | None) -> dict[str, Any]:
    if now is None or before is None:
        return {"change": None, "percent": None}
    change = now - before
    return {"change": change, "percent": round(100.0 * change / before, 1) if before else None}


def region_extras(
    provinces: Sequence[str],
    years: Sequence[int],
    per_province: dict[str, Counter],
    held: dict[str, Counter],
    targets: dict[str, int],
    summaries: list[dict[str, Any]],
) -> dict[str, Any]:
    """The held figures per year, the target and the trend of one region of the monitor.

    `summaries` are the region's year summaries (kpis.year_summary), oldest first."""
    held_years = []
    for year in years:
        row = {"year": year}
        for kind, key in HELD_KEYS.items():
            row[key] = sum(held.get(p, Counter())[(kind, year)] for p in provinces)
        row["activities"] = sum(row[key] for kind, key in HELD_KEYS.items() if kind != Kind.INTERNSHIP)
        held_years.append(row)
    with_target = [p for p in provinces if p in targets]
    schools = sum(per_province.get(p, Counter())[("schools",)] for p in with_target)
    schools_target = sum(
        math.ceil(targets[p] * per_province.get(p, Counter())[("schools",)] / 100) for p in with_target
    )
    reached_in_target = [
        sum(per_province.get(p, Counter())[("reached", y)] for p in with_target) for y in years
    ]
    target = {
        "provinces": {p: targets[p] for p in with_target},
        "schools": schools if with_target else None,
        "schools_target": schools_target if with_target else None,
        "schools_reached": reached_in_target[-1] if with_target else None,
        "met": (reached_in_target[-1] >= schools_target) if with_target else None,
    }
    trend: dict[str, Any] = {}
    if len(years) >= 2:
        now, before = summaries[-1], summaries[-2]
        for key in (
            "schools_reached",
            "active_companies",
            "internship_places_offered",
            "internship_places_filled",
        ):
            trend[key] = _trend(now[key], before[key])
        for key in ("activities", *HELD_KEYS.values()):
            trend[f"held_{key}"] = _trend(held_years[-1][key], held_years[-2][key])
    return {"held": held_years, "target": target, "trend": trend}
