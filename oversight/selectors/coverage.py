"""Coverage (DESIGN §6): which schools of the region are reached this school year, and which ones
to reach out to — no activity and no open request. "Reached" is oversight.schoolyear's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Membership, Organisation
from matching.models import Match, Request
from oversight.models import CoverageTarget
from oversight.schoolyear import happened_in, school_year_of
from taxonomy.regions import Province

DEFAULT_TARGET_PERCENT = 50  # Overijssel's regional goal (DESIGN, background)
ORDERINGS = {
    "name": ("name", "pk"),
    "place": ("place", "name", "pk"),
    "province": ("province", "name", "pk"),
}


@dataclass(frozen=True)
class ProvinceCoverage:
    province: str
    label: str
    schools: int
    reached: int
    target: int | None

    @property
    def percent(self) -> float:
        return 100.0 * self.reached / self.schools if self.schools else 0.0

    @property
    def target_or_default(self) -> int:
        return self.target if self.target is not None else DEFAULT_TARGET_PERCENT

    @property
    def on_target(self) -> bool:
        return self.target is not None and self.percent >= self.target


def _schools(provinces: Sequence[str]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=Organisation.Kind.SCHOOL, verified_at__isnull=False, province__in=list(provinces)
    )


def _reached(year: int) -> Exists:
    return Exists(Match.objects.filter(happened_in(year), request__organisation=OuterRef("pk")))


def schools_to_reach(
    *, provinces: Sequence[str], year: int | None = None, order: str = "name"
) -> QuerySet[Organisation]:
    """Verified schools in the provinces with no activity and no open request this school year,
    with their members' e-mail addresses prefetched (admins first)."""
    year = school_year_of() if year is None else year
    open_request = Exists(Request.objects.filter(organisation=OuterRef("pk"), status=Request.Status.OPEN))
    members = Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user").order_by("-is_admin", "user__email"),
    )
    return (
        _schools(provinces)
        .filter(~_reached(year), ~open_request)
        .prefetch_related(members)
        .order_by(*ORDERINGS.get(order, ORDERINGS["name"]))
    )


def schools_reached_map(*, provinces: Sequence[str], year: int | None = None) -> list[dict]:
    """Every verified school in the provinces with its position and whether it was reached this
    school year: the coverage map's points (issue 19)."""
    year = school_year_of() if year is None else year
    rows = (
        _schools(provinces)
        .annotate(is_reached=_reached(year))
        .order_by("name", "pk")
        .values("pk", "name", "place", "province", "latitude", "longitude", "is_reached")
    )
    return list(rows)


def coverage_by_province(*, provinces: Sequence[str], year: int | None = None) -> list[ProvinceCoverage]:
    """Schools and reached schools per province in scope, with the target set for each."""
    year = school_year_of() if year is None else year
    counts = {
        row["province"]: row
        for row in _schools(provinces)
        .annotate(is_reached=_reached(year))
        .values("province")
        .annotate(schools=Count("pk"), reached=Count("pk", filter=Q(is_reached=True)))
        .order_by("province")
    }
    targets = dict(
        CoverageTarget.objects.filter(province__in=list(provinces)).values_list("province", "percent")
    )
    labels = dict(Province.choices)
    return [
        ProvinceCoverage(
            province=province,
            label=str(labels.get(province, province)),
            schools=counts.get(province, {}).get("schools", 0),
            reached=counts.get(province, {}).get("reached", 0),
            target=targets.get(province),
        )
        for province in sorted(provinces, key=lambda p: str(labels.get(p, p)))
    ]


def member_emails(school: Organisation) -> list[str]:
    """Whom to contact: the people of the school (admins first), else its general address."""
    emails = [m.user.email for m in school.memberships.all()]
    return emails or ([school.email] if school.email else [])


def without_contact(schools: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """The schools among these that nobody can be reached at: no member, no general e-mail or
    phone (from the registry import or recorded by a coordinator)."""
    return schools.filter(email="", phone="").filter(
        ~Exists(Membership.objects.filter(organisation=OuterRef("pk")))
    )
