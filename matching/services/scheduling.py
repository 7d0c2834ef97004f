"""Activity dates (DESIGN §3 "Dates"): the suggested date of a proposal, the date picker's
choices and the checks on a date one side proposes.

Pure functions of the two windows, the kind, the school's holiday region and `today`: no writes,
no queries beyond the organisation already loaded. The suggestion is the first weekday at least
the kind's lead time (settings.MATCH_LEAD_DAYS) away, inside both windows and outside the school
holidays of the school's region; only when the overlap holds no such day it is the first weekday
from tomorrow on, flagged "in the school holidays". Never a past day, never a weekend.
Internships and teacher internships get a period: that day until the end of the overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from taxonomy.holidays import HolidayTable, holiday_region_of, table_snapshot
from taxonomy.kinds import Kind

if TYPE_CHECKING:
    from accounts.models import Organisation
    from matching.models import Match, Offer, Request

PERIOD_KINDS = (Kind.INTERNSHIP, Kind.TEACHER_INTERNSHIP)
DEFAULT_LEAD_DAYS = 10
MAX_HOURS_PER_WEEK = 40
PICKER_DAYS = 60  # how many days the date picker offers


@dataclass(frozen=True)
class Suggestion:
    day: date
    until: date | None
    in_holidays: bool  # no weekday outside the holidays (after the lead time): agree another date


def lead_days(kind: str) -> int:
    return int(getattr(settings, "MATCH_LEAD_DAYS", {}).get(kind, DEFAULT_LEAD_DAYS))


def is_period(kind: str) -> bool:
    return kind in PERIOD_KINDS


def holiday_region(organisation: Organisation) -> str | None:
    return region_of(organisation.province, organisation.municipality)


@lru_cache(maxsize=4096)
def region_of(province: str | None, municipality: str | None) -> str | None:
    """The holiday region of an organisation's province and municipality columns (the matcher's
    bulk proposals read the columns, not organisations); None for no or an unknown province."""
    try:
        return holiday_region_of(province or "", municipality or "")
    except KeyError:
        return None


def is_weekday(day: date) -> bool:
    return day.weekday() < 5


def is_holiday(region: str | None, day: date, holidays: HolidayTable | None = None) -> bool:
    """A school holiday of the region. 24 December – 1 January is always one (the Christmas break
    of every region), also in years the holiday table does not cover yet. Pass ``holidays`` (one
    :func:`~taxonomy.holidays.table_snapshot`) when asking about many days."""
    if (day.month, day.day) >= (12, 24) or (day.month, day.day) <= (1, 1):
        return True
    if region is None:
        return False
    return (holidays or table_snapshot()).holiday_on(region, day) is not None


def latest_date(today: date | None = None) -> date:
    """Windows and dates end at most two school years ahead: the end of next school year."""
    today = today or timezone.localdate()
    start_year = today.year if today.month >= 8 else today.year - 1
    return date(start_year + 2, 7, 31)


def overlap(offer: Offer, request: Request) -> tuple[date, date]:
    return (
        max(offer.available_from, request.wanted_from),
        min(offer.available_until, request.wanted_until),
    )


def _weekdays(first: date, last: date):  # noqa: ANN202 (a generator of dates)
    day = first
    while day <= last:
        if is_weekday(day):
            yield day
        day += timedelta(days=1)


def _next_weekday(day: date) -> date:
    while not is_weekday(day):
        day += timedelta(days=1)
    return day


def suggest(
    *,
    kind: str,
    window: tuple[date, date],
    region: str | None,
    today: date | None = None,
    holidays: HolidayTable | None = None,
) -> Suggestion:
    """The suggested date (and, for periods, end date) inside `window` (the overlap of both).
    A caller dating many pairs passes one ``holidays`` snapshot for all of them."""
    today = today or timezone.localdate()
    holidays = holidays or table_snapshot()
    tomorrow = today + timedelta(days=1)
    first, last = window
    last = min(last, latest_date(today))
    earliest = max(first, today + timedelta(days=lead_days(kind)))
    day = next((d for d in _weekdays(earliest, last) if not is_holiday(region, d, holidays)), None)
    in_holidays = day is None
    if day is None:
        # No such day: the first weekday from tomorrow on — inside the overlap when it has one
        # (outside the holidays if it can be, only then not the full lead time away).
        soon = list(_weekdays(max(first, tomorrow), last))
        day = next((d for d in soon if not is_holiday(region, d, holidays)), None) or (
            soon[0] if soon else _next_weekday(tomorrow)
        )
    until = None
    if is_period(kind):
        until = last if last >= day else day
    return Suggestion(day=day, until=until, in_holidays=in_holidays)


def in_holidays(match: Match, holidays: HolidayTable | None = None) -> bool:
    """Whether the match's date (or any weekday of its period's first week) is in the holidays:
    the page then says "in the school holidays — agree another date". Pass ``holidays`` (one
    snapshot) for a list of matches."""
    if match.activity_date is None:
        return False
    return is_holiday(holiday_region(match.request.organisation), match.activity_date, holidays)


def picker_choices(match: Match, today: date | None = None) -> tuple[list[date], list[date]]:
    """The date picker's weekdays from tomorrow inside both windows: outside the holidays first,
    then those in the holidays."""
    today = today or timezone.localdate()
    first, last = overlap(match.offer, match.request)
    first = max(first, today + timedelta(days=1))
    last = min(last, first + timedelta(days=PICKER_DAYS), latest_date(today))
    region = holiday_region(match.request.organisation)
    table = table_snapshot()
    free, holidays = [], []
    for day in _weekdays(first, last):
        (holidays if is_holiday(region, day, table) else free).append(day)
    return free, holidays


def validate_dates(
    *,
    match: Match,
    activity_date: date,
    activity_until: date | None = None,
    hours_per_week: int | None = None,
    start: time | None = None,
    end: time | None = None,
    today: date | None = None,
) -> None:
    """A date one side proposes: from tomorrow, a weekday, inside both windows, at most two school
    years ahead; for periods an end on or after the start. Errors name the field."""
    today = today or timezone.localdate()
    first, last = overlap(match.offer, match.request)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if activity_date <= today:
        add("activity_date", _("Choose a date after today."))
    elif not is_weekday(activity_date):
        add("activity_date", _("Choose a weekday, not a Saturday or Sunday."))
    elif activity_date > latest_date(today):
        add("activity_date", _("Choose a date at most two school years ahead."))
    elif not first <= activity_date <= last:
        add(
            "activity_date",
            _("Choose a date between %(start)s and %(end)s, when both sides are available.")
            % {
                "start": date_format(first, "SHORT_DATE_FORMAT"),
                "end": date_format(last, "SHORT_DATE_FORMAT"),
            },
        )
    if activity_until is not None:
        if not is_period(match.offer.kind):
            add("activity_until", _("Only internships and teacher internships have an end date."))
        elif activity_until < activity_date:
            add("activity_until", _("The end date must be on or after the start date."))
        elif activity_until > last:
            add(
                "activity_until",
                _("Choose an end date on or before %(end)s.")
                % {"end": date_format(last, "SHORT_DATE_FORMAT")},
            )
    if hours_per_week is not None:
        if match.offer.kind != Kind.INTERNSHIP:
            add("hours_per_week", _("Only internships have hours per week."))
        elif not 1 <= hours_per_week <= MAX_HOURS_PER_WEEK:
            add("hours_per_week", _("Give 1 to 40 hours per week."))
    if end is not None and start is None:
        add("start", _("Give a start time with the end time."))
    if start is not None and end is not None and end <= start:
        add("end", _("The end time must be after the start time."))
    if errors:
        raise ValidationError(errors)


def validate_window(*, field: str, until: date | None, today: date | None = None) -> dict[str, list[str]]:
    """A listing's window ends at most two school years ahead (field errors, empty when fine)."""
    if until is not None and until > latest_date(today):
        return {
            field: [
                _("Choose an end date on or before %(date)s (at most two school years ahead).")
                % {"date": date_format(latest_date(today), "SHORT_DATE_FORMAT")}
            ]
        }
    return {}
