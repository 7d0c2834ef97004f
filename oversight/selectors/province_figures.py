"""The figures of one or more provinces, by a fixed number of grouped queries.

Every figure is computed *per province* (conditional counts and sums, one column per school
year), then summed in Python over the provinces of a scope. So the dashboard (one scope), the
monitor (a row per landsdeel) and the API agree by construction, and the number of queries does
not grow with the data.

Which province a figure belongs to:

- school side — requests, proposals, activities, schools reached and the breakdowns by kind and
  level — the province of the *school*;
- company side — active companies, internship places offered and filled, and their gender —
  the province of the *company*.

"Reached" and the school year come from oversight.schoolyear.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Organisation
from matching.models import Match, Offer, Request
from oversight.schoolyear import happened_in, school_year_bounds
from taxonomy.kinds import Kind

STALE_AFTER_DAYS = 14
UNSPECIFIED = "unspecified"

Figures = Counter  # keys are tuples: (figure,) or (figure, year) or (figure, code, year)


@contextmanager
def without_jit() -> Iterator[None]:
    """Run the figure queries without PostgreSQL's JIT: it compiles each of these grouped
    queries afresh, 35–100 ms apiece on national data, more than it saves them."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


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


def any_of(conditions: Iterable[Q]) -> Q:
    """The OR of `conditions`; nothing at all when there are none."""
    result = Q(pk__in=[])
    for condition in conditions:
        result |= condition
    return result


def _tuple(codes: object) -> tuple[str, ...]:
    return tuple(codes) if isinstance(codes, list | tuple) else ()


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
        Match.objects.filter(school__province__in=provinces)
        .filter(
            Q(status=Match.Status.PROPOSED) | any_of(happened_in(y, statuses=every_status) for y in years)
        )
        .values("school__province", "request__kind")
        .annotate(**annotations)
    )
    for row in rows:
        figures = out[row["school__province"]]
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
        Match.objects.filter(school__in=schools)
        .filter(any_of(happened_in(y) for y in years))
        .values("school__province", "school__levels")
        .annotate(**{f"reached_{y}": Count("school", distinct=True, filter=happened_in(y)) for y in years})
    )
    for row in rows:
        figures = out[row["school__province"]]
        levels = set(_tuple(row["school__levels"]))
        for year in years:
            figures[("reached", year)] += row[f"reached_{year}"]
            for level in levels:
                figures[("reached_level", level, year)] += row[f"reached_{year}"]


def _company_figures(provinces: Sequence[str], years: Sequence[int], out: dict[str, Figures]) -> None:
    """Companies, and per year those active (an offer open during the year or a happening match),
    in total and per sector."""
    annotations: dict[str, Any] = {"n": Count("id")}
    for year in years:
        # Per company, through the offers' and matches' organisation indexes: an IN (subquery)
        # here read every offer of the country.
        offering = Exists(Offer.objects.filter(offer_open_during(year), organisation=OuterRef("pk")))
        matched = Exists(Match.objects.filter(happened_in(year), company=OuterRef("pk")))
        annotations[f"active_{year}"] = Count("id", filter=Q(offering) | Q(matched))
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
        .filter(any_of(offer_open_during(y) for y in years))
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
        Match.objects.filter(offer__kind=Kind.INTERNSHIP, company__province__in=provinces)
        .filter(any_of(happened_in(y) for y in years))
        .values("company__province")
        .annotate(**annotations)
    )
    for row in filled:
        figures = out[row["company__province"]]
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
