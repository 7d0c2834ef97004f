"""The impact of one school or company in one school year: what it held, with whom, for whom.

Only held activities count (oversight.schoolyear.happened_in: completed or evaluated, dated in the
school year), so every figure here equals a count or a sum over the organisation's held matches.
A handful of grouped queries, whatever the number of matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from matching.models import Feedback, Match
from oversight.csv_files import Column
from oversight.schoolyear import happened_in, school_year_label, school_year_slug
from oversight.selectors.exports import KINDS, LEVELS, MATCH_STATUSES, SUBJECTS
from oversight.selectors.kpis import LEVELS_OF_ACTIVITY, SUBJECTS_OF_ACTIVITY
from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_BIT, Level
from taxonomy.subjects import SUBJECT_BIT, Subject


def held_matches(organisation: Organisation, year: int) -> QuerySet[Match]:
    """The organisation's matches held in the school year (either side of the match)."""
    side = Q(school=organisation) | Q(company=organisation)
    return Match.objects.filter(side, happened_in(year))


def pupils_reached(rows: QuerySet[Match]) -> tuple[int, bool]:
    """Pupils reached by held matches, and whether that figure is complete.

    Internships reach one student per place. Guest lessons and visits reach the request's group
    (its group size); a held lesson or visit whose request states no group size makes the figure
    incomplete (it counts as zero pupils).
    """
    students = rows.filter(offer__kind=Kind.INTERNSHIP).aggregate(n=Sum("slots"))["n"] or 0
    groups = rows.filter(offer__kind__in=(Kind.GUEST_LESSON, Kind.COMPANY_VISIT))
    pupils = groups.aggregate(n=Sum("request__group_size"))["n"] or 0
    complete = not groups.filter(request__group_size__isnull=True).exists()
    return students + pupils, complete


def _weeks(first: date | None, last: date | None) -> float:
    if first is None or last is None or last < first:
        return 0.0
    return ((last - first).days + 1) / 7


def internship_hours(rows: QuerySet[Match]) -> int | None:
    """Hours of internship held: per student placement (its period × hours per week), else the
    match's agreed period × hours per week × places. None when no held internship states hours."""
    total, known = 0.0, False
    internships = rows.filter(offer__kind=Kind.INTERNSHIP).prefetch_related("placements")
    for match in internships.only("pk", "slots", "activity_date", "activity_until", "hours_per_week"):
        placements = list(match.placements.all())
        if placements:
            known = True
            total += sum(_weeks(p.starts_on, p.ends_on) * p.hours_per_week for p in placements)
        elif match.hours_per_week:
            known = True
            total += _weeks(match.activity_date, match.activity_until) * match.hours_per_week * match.slots
    return round(total) if known else None


def _codes(rows: QuerySet[Match], expression: Any, bits: dict[str, int]) -> set[str]:
    """The level or subject codes of the held activities, grouped in SQL by bit mask."""
    found: set[str] = set()
    for row in rows.values(mask=expression).annotate(n=Count("id")):
        found.update(code for code, bit in bits.items() if (row["mask"] or 0) & bit)
    return found


def organisation_impact(organisation: Organisation, year: int) -> dict[str, Any]:
    """Every figure of the impact page, the certificate and GET /organisations/{id}/impact/."""
    rows = held_matches(organisation, year)
    by_kind = dict.fromkeys(Kind.values, 0)
    slots_by_kind = dict.fromkeys(Kind.values, 0)
    for row in rows.values("offer__kind").annotate(n=Count("id"), slots=Sum("slots")):
        by_kind[row["offer__kind"]] = row["n"]
        slots_by_kind[row["offer__kind"]] = row["slots"] or 0
    pupils, pupils_complete = pupils_reached(rows)
    levels = _codes(rows, LEVELS_OF_ACTIVITY, LEVEL_BIT)
    subjects = _codes(rows, SUBJECTS_OF_ACTIVITY, SUBJECT_BIT)
    other_side = "company" if organisation.is_school else "school"
    partners = (
        Organisation.objects.filter(pk__in=rows.values(f"{other_side}_id"))
        .order_by("name")
        .values("id", "name")
    )
    received = Feedback.objects.filter(match__in=rows, side=other_side).aggregate(
        average=Avg("rating"), n=Count("id")
    )
    return {
        "organisation": {"id": organisation.pk, "name": organisation.name, "kind": organisation.kind},
        "year": year,
        "school_year": school_year_slug(year),
        "school_year_label": school_year_label(year),
        "activities_held": sum(by_kind.values()),
        "activities_by_kind": by_kind,
        "pupils_reached": pupils,
        "pupils_reached_complete": pupils_complete,
        "levels": [code for code in Level.values if code in levels],
        "subjects": [code for code in Subject.values if code in subjects],
        "internship_places_filled": slots_by_kind[Kind.INTERNSHIP],
        "internship_hours": internship_hours(rows),
        "teachers_reached": slots_by_kind[Kind.TEACHER_INTERNSHIP],
        "partner_organisations": len(partners_list := list(partners)),
        "partners": partners_list,
        "average_rating": round(received["average"], 1) if received["average"] is not None else None,
        "ratings_received": received["n"],
    }


# --- the organisation's own export ------------------------------------------------------------

EXPORT_COLUMNS = (
    Column(_("id"), "pk"),
    Column(_("activity date"), "activity_date"),
    Column(_("kind"), "offer__kind", labels=KINDS),
    Column(_("status"), "status", labels=MATCH_STATUSES),
    Column(_("school"), "request__organisation__name"),
    Column(_("BRIN code"), "request__organisation__brin"),
    Column(_("company"), "offer__organisation__name"),
    Column(_("KvK number"), "offer__organisation__kvk"),
    Column(_("request"), "request__title"),
    Column(_("offer"), "offer__title"),
    Column(_("slots"), "slots"),
    Column(_("levels"), "request__levels", is_list=True, labels=LEVELS),
    Column(_("subjects"), "request__subjects", is_list=True, labels=SUBJECTS),
    Column(_("girls"), "placement_record__girls"),
    Column(_("boys"), "placement_record__boys"),
    Column(_("other or unknown"), "placement_record__other_or_unknown"),
    Column(_("confirmed"), "confirmed_at"),
)


def organisation_export_rows(organisation: Organisation, year: int) -> Iterator[tuple]:
    """The organisation's held activities of the school year (with the placements' counts of
    internships), oldest first, streamed in chunks."""
    rows = held_matches(organisation, year).order_by("activity_date", "pk")
    yield from rows.values_list(*(column.path for column in EXPORT_COLUMNS)).iterator(chunk_size=2000)
