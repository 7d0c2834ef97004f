"""Which provinces a coordinator's figures cover, and for which school year.

A coordinator sees their own provinces, every landsdeel they cover completely and (platform
admins) the whole country; the dashboard, the monitor and the reports API choose among these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from oversight.access import scope_provinces
from oversight.schoolyear import school_year_of
from taxonomy.regions import Landsdeel, Province, provinces_of

MINE = "mine"
NATIONAL = "national"
YEARS_SELECTABLE = 5  # the current school year and four before it


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
