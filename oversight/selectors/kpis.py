"""The figures of the coordinator dashboard, the monitor and the reports API.

Every figure is computed *per province* by a fixed number of grouped queries (conditional
counts and sums, one column per school year), then summed in Python over the provinces of a
scope. So the dashboard (one scope), the monitor (a row per landsdeel) and the API agree by
construction, and the number of queries does not grow with the data.

Which province a figure belongs to:

- school side — requests, proposals, activities, schools reached, trends and the breakdowns by
  kind, level and subject — the province of the *school*;
- company side — active companies, internship places offered and filled, and their gender —
  the province of the *company*.

"Reached" and the school year come from oversight.schoolyear.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from matching.models import Match, Offer, Request
from oversight.access import scope_provinces
from oversight.figures_cache import cached
from oversight.schoolyear import happened_in, school_year_bounds, school_year_label, school_year_of
from oversight.selectors.monitor import held_by_province, province_targets, region_extras
from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_BIT, Level
from taxonomy.regions import Landsdeel, Province, provinces_of
from taxonomy.subjects import SUBJECT_BIT, Subject

MINE = "mine"
NATIONAL = "national"
STALE_AFTER_DAYS = 14
YEARS_SELECTABLE = 5  # the current school year and four before it
MONITOR_YEARS = 3  # the monitor compares the selected year with the two before it
SMALL_CELL = 5  # gender counts 1..SMALL_CELL-1 are never shown (RELIABILITY: they identify minors)
UNSPECIFIED = "unspecified"

Figures = Counter  # keys are tuples: (figure,) or (figure, year) or (figure, code, year)


# --- scope and year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    key: str
    label: str
    provinces: tuple[str, ...]


class ScopeError(ValueError):
    """A scope or year that does not exist (as opposed to one the person may not see)."""


def scope_options(user: User) -> list[Scope]:
    """What the person may look at: their own provinces, every landsdeel they cover completely
    (all of them for platform admins) and, for platform admins, the whole country."""
    mine = set(scope_provinces(user))
    options = [Scope(MINE, str(_("My provinces")), tuple(p for p in Province.values if p in mine))]
    for landsdeel in Landsdeel:
        provinces = provinces_of(landsdeel)
        if user.is_superuser or (mine and set(provinces) <= mine):
            options.append(Scope(landsdeel.value, str(landsdeel.label), provinces))
    if user.is_superuser:
        options.append(Scope(NATIONAL, str(_("The Netherlands")), tuple(Province.values)))
    return options


def scope_resolve(user: User, key: str | None) -> Scope:
    """The scope named `key` (default: the person's provinces).

    Raises PermissionDenied for a real scope the person may not see, ScopeError for nonsense."""
    key = key or MINE
    for option in scope_options(user):
        if option.key == key:
            return option
    if key == NATIONAL or key in Landsdeel.values:
        raise PermissionDenied
    raise ScopeError(_("Choose one of the scopes offered."))


def year_choices(today: date | None = None) -> list[int]:
    """Selectable school years (their starting calendar year), newest first."""
    current = school_year_of(today)
    return [current - i for i in range(YEARS_SELECTABLE)]


def year_resolve(value: object, today: date | None = None) -> int:
    choices = year_choices(today)
    if value in (None, ""):
        return choices[0]
    try:
        year = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ScopeError(_("Choose one of the school years offered.")) from None
    if year not in choices:
        raise ScopeError(_("Choose one of the school years offered."))
    return year


# --- shared conditions ------------------------------------------------------------------------


def offer_open_during(year: int, prefix: str = "") -> Q:
    """Offers that were published and open at some point of the school year, with an
    availability window that overlaps it."""
    first, last = school_year_bounds(year)
    return Q(
        **{
            f"{prefix}status__in": (Offer.Status.OPEN, Offer.Status.CLOSED),
            f"{prefix}published_at__date__lte": last,
            f"{prefix}available_from__lte": last,
            f"{prefix}available_until__gte": first,
        }
    ) & (Q(**{f"{prefix}closed_at__isnull": True}) | Q(**{f"{prefix}closed_at__date__gte": first}))


def _any(conditions: Iterable[Q]) -> Q:
    result = Q(pk__in=[])
    for condition in conditions:
        result |= condition
    return result


def _tuple(codes: object) -> tuple[str, ...]:
    return tuple(codes) if isinstance(codes, list | tuple) else ()


def _codes_of(mask: int | None, bits: dict[str, int]) -> list[str]:
    return [code for code, bit in bits.items() if (mask or 0) & bit]


# --- per-province figures ---------------------------------------------------------------------


def _request_figures(provinces: Sequence[str], today: date, out: dict[str, Figures]) -> None:
    """Open requests now, and those open for more than 14 days without any live or happening match."""
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=STALE_AFTER_DAYS), time.min))
    has_match = Exists(Match.objects.filter(request=OuterRef("pk"), status__in=Match.COMMITTING))
    rows = (
        Request.objects.filter(organisation__province__in=provinces, status=Request.Status.OPEN)
        .annotate(since=Coalesce("published_at", "created_at"))
        .values("organisation__province")
        .annotate(
            open=Count("id"),
            stale=Count("id", filter=Q(since__lt=cutoff) & ~has_match),
        )
    )
    for row in rows:
        figures = out[row["organisation__province"]]
        figures[("open_requests",)] += row["open"]
        figures[("stale_requests",)] += row["stale"]


def _activity_figures(
    provinces: Sequence[str], years: Sequence[int], out: dict[str, Figures], today: date
) -> None:
    """Proposals awaiting an answer (now) and, per year and kind, the activities that took place
    (completed: `Match.HELD_STATUSES`), beside them the confirmed ones not (yet) said to have taken
    place — of which "unconfirmed": 14 days after the date without an answer —, those that did
    not take place and the disputed ones."""
    annotations: dict[str, Any] = {"awaiting": Count("id", filter=Q(status=Match.Status.PROPOSED))}
    stale = today - timedelta(days=Match.UNCONFIRMED_AFTER_DAYS)
    unanswered = Q(activity_until__lt=stale) | Q(activity_until__isnull=True, activity_date__lt=stale)
    others = {
        "confirmed": (Match.Status.CONFIRMED,),
        "not_held": (Match.Status.NOT_HELD,),
        "disputed": (Match.Status.DISPUTED,),
    }
    for year in years:
        annotations[f"completed_{year}"] = Count("id", filter=happened_in(year))
        for name, statuses in others.items():
            annotations[f"{name}_{year}"] = Count("id", filter=happened_in(year, statuses=statuses))
        annotations[f"unconfirmed_{year}"] = Count(
            "id", filter=happened_in(year, statuses=(Match.Status.CONFIRMED,)) & unanswered
        )
        annotations[f"automatic_{year}"] = Count(
            "id", filter=happened_in(year) & Q(completed_automatically=True)
        )
    every_status = (*Match.HELD_STATUSES, *(s for statuses in others.values() for s in statuses))
    rows = (
        Match.objects.filter(request__organisation__province__in=provinces)
        .filter(Q(status=Match.Status.PROPOSED) | _any(happened_in(y, statuses=every_status) for y in years))
        .values("request__organisation__province", "request__kind")
        .annotate(**annotations)
    )
    for row in rows:
        figures = out[row["request__organisation__province"]]
        kind = row["request__kind"]
        figures[("awaiting",)] += row["awaiting"]
        for year in years:
            for name in ("completed", *others, "unconfirmed", "automatic"):
                figures[(name, year)] += row[f"{name}_{year}"]
            figures[("activities_kind", kind, year)] += row[f"completed_{year}"]


def _school_figures(provinces: Sequence[str], years: Sequence[int], out: dict[str, Figures]) -> None:
    """Verified schools, and those reached per year, in total and per level they offer."""
    schools = Organisation.objects.filter(
        kind=Organisation.Kind.SCHOOL, verified_at__isnull=False, province__in=provinces
    )
    for row in schools.values("province", "levels").annotate(n=Count("id")):
        figures = out[row["province"]]
        figures[("schools",)] += row["n"]
        for level in set(_tuple(row["levels"])):
            figures[("schools_level", level)] += row["n"]
    rows = (
        Match.objects.filter(request__organisation__in=schools)
        .filter(_any(happened_in(y) for y in years))
        .values("request__organisation__province", "request__organisation__levels")
        .annotate(
            **{
                f"reached_{y}": Count("request__organisation", distinct=True, filter=happened_in(y))
                for y in years
            }
        )
    )
    for row in rows:
        figures = out[row["request__organisation__province"]]
        levels = set(_tuple(row["request__organisation__levels"]))
        for year in years:
            figures[("reached", year)] += row[f"reached_{year}"]
            for level in levels:
                figures[("reached_level", level, year)] += row[f"reached_{year}"]


def _company_figures(provinces: Sequence[str], years: Sequence[int], out: dict[str, Figures]) -> None:
    """Companies, and per year those active (an offer open during the year or a happening match),
    in total and per sector."""
    annotations: dict[str, Any] = {"n": Count("id")}
    for year in years:
        offering = Offer.objects.filter(offer_open_during(year)).values("organisation_id")
        matched = Match.objects.filter(happened_in(year)).values("offer__organisation_id")
        annotations[f"active_{year}"] = Count("id", filter=Q(pk__in=offering) | Q(pk__in=matched))
    rows = (
        Organisation.objects.filter(kind=Organisation.Kind.COMPANY, province__in=provinces)
        .values("province", "sectors")
        .annotate(**annotations)
    )
    for row in rows:
        figures = out[row["province"]]
        sectors = set(_tuple(row["sectors"])) or {UNSPECIFIED}
        figures[("companies",)] += row["n"]
        for sector in sectors:
            figures[("companies_sector", sector)] += row["n"]
        for year in years:
            figures[("active_companies", year)] += row[f"active_{year}"]
            for sector in sectors:
                figures[("active_sector", sector, year)] += row[f"active_{year}"]


def _internship_figures(provinces: Sequence[str], years: Sequence[int], out: dict[str, Figures]) -> None:
    """Internship places offered and filled per year, and the gender of the filled places where
    the school or company recorded it."""
    offered = (
        Offer.objects.filter(kind=Kind.INTERNSHIP, organisation__province__in=provinces)
        .filter(_any(offer_open_during(y) for y in years))
        .values("organisation__province")
        .annotate(**{f"offered_{y}": Sum("capacity", filter=offer_open_during(y)) for y in years})
    )
    for row in offered:
        for year in years:
            out[row["organisation__province"]][("places_offered", year)] += row[f"offered_{year}"] or 0
    annotations: dict[str, Any] = {}
    for year in years:
        annotations[f"filled_{year}"] = Sum("slots", filter=happened_in(year))
        for field in ("girls", "boys", "other_or_unknown"):
            annotations[f"{field}_{year}"] = Sum(f"placement_record__{field}", filter=happened_in(year))
    filled = (
        Match.objects.filter(offer__kind=Kind.INTERNSHIP, offer__organisation__province__in=provinces)
        .filter(_any(happened_in(y) for y in years))
        .values("offer__organisation__province")
        .annotate(**annotations)
    )
    for row in filled:
        figures = out[row["offer__organisation__province"]]
        for year in years:
            figures[("places_filled", year)] += row[f"filled_{year}"] or 0
            for field in ("girls", "boys", "other_or_unknown"):
                figures[(field, year)] += row[f"{field}_{year}"] or 0


def province_figures(
    provinces: Sequence[str], years: Sequence[int], *, today: date | None = None, current: bool = True
) -> dict[str, Figures]:
    """Every per-year figure of every province in `provinces` (5–6 queries, whatever the data)."""
    out: dict[str, Figures] = {province: Counter() for province in provinces}
    if not provinces:
        return out
    if current:
        _request_figures(provinces, today or timezone.localdate(), out)
    _activity_figures(provinces, years, out, today or timezone.localdate())
    _school_figures(provinces, years, out)
    _company_figures(provinces, years, out)
    _internship_figures(provinces, years, out)
    return out


def total(figures: dict[str, Figures], provinces: Iterable[str]) -> Figures:
    result: Figures = Counter()
    for province in provinces:
        result.update(figures.get(province, Counter()))
    return result


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
        Match.objects.filter(
            request__organisation__province__in=provinces, created_at__gte=start, created_at__lt=end
        )
        .values(y=ExtractYear("created_at"), m=ExtractMonth("created_at"))
        .annotate(n=Count("id"))
    )
    for row in rows:
        proposals[(row["y"], row["m"])] += row["n"]
    activities: Counter = Counter()
    rows = (
        Match.objects.filter(happened_in(year), request__organisation__province__in=provinces)
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
        Match.objects.filter(happened_in(year), request__organisation__province__in=provinces)
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


def monitor_regions(user: User) -> list[Scope]:
    """The monitor's rows: each landsdeel the person covers completely (every one for platform
    admins) and the country for platform admins; a coordinator who covers no landsdeel
    completely gets their own provinces."""
    options = scope_options(user)
    regions = [o for o in options if o.key != MINE]
    if not user.is_superuser:
        mine = options[0]
        if {p for r in regions for p in r.provinces} != set(mine.provinces):
            regions.insert(0, mine)
    return regions


def monitor_figures(regions: Sequence[Scope], year: int) -> dict[str, Any]:
    """Per region, the selected school year and the ones before it: schools reached (per level
    offered), companies active (per sector), activities per kind, internship places offered and
    filled (with gender where recorded). Five grouped queries for all regions together; cached
    briefly (oversight/figures_cache.py)."""
    key = ";".join(f"{r.key}={','.join(sorted(r.provinces))}" for r in regions)
    return cached("monitor", [key, year], lambda: _monitor_figures(regions, year))


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
                # Held activities, the target and the trend (issue 21, oversight/selectors/monitor.py).
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
