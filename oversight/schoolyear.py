"""The school year and what "reached" means: the shared definitions of every oversight figure.

A Dutch school year runs from 1 August to 31 July. A school is *reached* in a school year when it
has at least one activity that took place — a side confirmed it: `Match.HELD_STATUSES`
(completed, evaluated) — with its activity date in that year (or, without a date, confirmed in
that year). Confirmed activities nobody has said took place do not count as held (DESIGN §3).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from matching.models import Match

# Confirmed or held: a placement can be recorded for it (not a figure of what took place).
HAPPENING = (Match.Status.CONFIRMED, *Match.HELD_STATUSES)


def school_year_of(day: date | None = None) -> int:
    """The starting calendar year of the school year containing `day` (2026 for 2026/27)."""
    day = day or timezone.localdate()
    return day.year if day.month >= 8 else day.year - 1


def school_year_bounds(start_year: int | None = None) -> tuple[date, date]:
    """First and last day (inclusive) of the school year starting in August of `start_year`."""
    start_year = school_year_of() if start_year is None else start_year
    return date(start_year, 8, 1), date(start_year + 1, 7, 31)


def school_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


def happened_in(start_year: int, prefix: str = "", statuses: tuple[str, ...] = Match.HELD_STATUSES) -> Q:
    """Matches (or rows reached through `prefix`, e.g. "matches__") that took place in the school
    year: a held status, and the activity date — or without one the confirmation — in it.
    `statuses` picks other statuses for the figures shown beside them (confirmed, not held)."""
    first, last = school_year_bounds(start_year)
    return Q(**{f"{prefix}status__in": statuses}) & (
        Q(**{f"{prefix}activity_date__range": (first, last)})
        | Q(
            **{
                f"{prefix}activity_date__isnull": True,
                f"{prefix}confirmed_at__date__range": (first, last),
            }
        )
    )


class SchoolYearError(ValueError):
    """A value that is not a school year."""


FIRST_SCHOOL_YEAR = 2000


def school_year_parse(value: str | None, *, today: date | None = None) -> int:
    """The starting year of a school year written as "2026-2027" (also "2026/2027", "2026/27");
    empty means the current school year. Raises SchoolYearError for anything else, and for years
    before 2000 or after the next school year."""
    current = school_year_of(today)
    if value is None or not str(value).strip():
        return current
    text = str(value).strip().replace("/", "-")
    first, sep, second = text.partition("-")
    if not (sep and first.isdigit() and second.isdigit() and len(first) == 4 and len(second) in (2, 4)):
        raise SchoolYearError(value)
    start = int(first)
    end = int(second) if len(second) == 4 else int(first[:2] + second)
    if end != start + 1 or not FIRST_SCHOOL_YEAR <= start <= current + 1:
        raise SchoolYearError(value)
    return start


def school_year_slug(start_year: int) -> str:
    """The school year as the API writes it: "2026-2027"."""
    return f"{start_year}-{start_year + 1}"
