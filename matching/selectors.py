"""Reads and access checks for offers and requests (and later matches).

Visibility (issue 3): members see everything of their own organisation; every signed-in person
sees open offers; company staff and coordinators see open requests; coordinators see everything
of the organisations in their provinces. Anything else answers 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Organisation, User
from matching.models import Match, MatchMessage, Offer, Request


def _member_org_ids(user: User) -> list[int]:
    cached = getattr(user, "_member_org_ids", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._member_org_ids = cached
    return cached


def is_company_staff(user: User) -> bool:
    return Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.COMPANY).exists()


def offers_public() -> QuerySet[Offer]:
    """What anyone may read without an account: open offers of verified companies (issue 19)."""
    return Offer.objects.select_related("organisation").filter(
        status=Offer.Status.OPEN,
        organisation__verified_at__isnull=False,
        organisation__kind=Organisation.Kind.COMPANY,
    )


def offers_visible_to(user: User) -> QuerySet[Offer]:
    rows = Offer.objects.select_related("organisation")
    if user.is_superuser:
        return rows
    condition = Q(status=Offer.Status.OPEN) | Q(organisation_id__in=_member_org_ids(user))
    if user.is_coordinator:
        condition |= Q(organisation__province__in=user.coordinator_provinces)
    return rows.filter(condition)


def requests_visible_to(user: User) -> QuerySet[Request]:
    rows = Request.objects.select_related("organisation")
    if user.is_superuser:
        return rows
    condition = Q(organisation_id__in=_member_org_ids(user))
    if user.is_coordinator:
        condition |= Q(organisation__province__in=user.coordinator_provinces)
    if user.is_coordinator or is_company_staff(user):
        condition |= Q(status=Request.Status.OPEN)
    return rows.filter(condition)


def requests_unmatched() -> QuerySet[Request]:
    """Open requests of verified schools with no proposed or happening match: what the
    coordinators' queue lists and their weekly digest counts."""
    committing = Match.objects.filter(request=OuterRef("pk"), status__in=Match.COMMITTING)
    return Request.objects.filter(status=Request.Status.OPEN, organisation__verified_at__isnull=False).filter(
        ~Exists(committing)
    )


def can_edit(user: User, listing: Offer | Request) -> bool:
    return listing.organisation_id in _member_org_ids(user)


def offer_get_for(user: User, offer_id: int, *, write: bool = False) -> Offer:
    offer = get_object_or_404(offers_visible_to(user), pk=offer_id)
    if write and not can_edit(user, offer):
        raise PermissionDenied
    return offer


def request_get_for(user: User, request_id: int, *, write: bool = False) -> Request:
    request = get_object_or_404(requests_visible_to(user), pk=request_id)
    if write and not can_edit(user, request):
        raise PermissionDenied
    return request


def matches_visible_to(user: User) -> QuerySet:
    """Matches of the person's organisations (either side), and for coordinators their provinces."""
    from matching.models import Match

    rows = Match.objects.select_related("offer__organisation", "request__organisation")
    if user.is_superuser:
        return rows
    org_ids = _member_org_ids(user)
    # school/company are copies of the request's and offer's organisation (see Match): two index
    # scans OR-ed, instead of joining every match with its offer and request.
    condition = Q(company_id__in=org_ids) | Q(school_id__in=org_ids)
    if user.is_coordinator:
        in_provinces = Organisation.objects.filter(province__in=user.coordinator_provinces).values("pk")
        condition |= Q(school_id__in=in_provinces) | Q(company_id__in=in_provinces)
    return rows.filter(condition)


def match_get_for(user: User, match_id: int, *, write: bool = False):  # noqa: ANN201
    match = get_object_or_404(matches_visible_to(user), pk=match_id)
    if write and not (
        match.offer.organisation_id in _member_org_ids(user)
        or match.request.organisation_id in _member_org_ids(user)
    ):
        raise PermissionDenied
    return match


def match_contacts_visible(user: User, match) -> bool:  # noqa: ANN001
    """E-mail and phone of the other side appear only after confirmation (DESIGN §5)."""
    return match.status in ("confirmed", "completed", "evaluated")


def match_contacts(match) -> dict[str, list[dict[str, str]]]:  # noqa: ANN001
    """The people of both sides, for a confirmed match."""
    result: dict[str, list[dict[str, str]]] = {}
    for side, org_id in (("school", match.request.organisation_id), ("company", match.offer.organisation_id)):
        people = (
            Membership.objects.filter(organisation_id=org_id).select_related("user").order_by("-is_admin")
        )
        result[side] = [{"name": m.user.name, "email": m.user.email, "phone": m.user.phone} for m in people]
    return result


def match_can_post_message(user: User, match: Match) -> bool:
    """Who writes in a match's thread: the people of either side, and the coordinators who can see
    the match (school's or company's province, as in `matches_visible_to`); superusers too."""
    if user.is_superuser:
        return True
    org_ids = _member_org_ids(user)
    if match.request.organisation_id in org_ids or match.offer.organisation_id in org_ids:
        return True
    provinces = set(user.coordinator_provinces)
    return match.request.organisation.province in provinces or match.offer.organisation.province in provinces


def match_messages(match: Match) -> QuerySet[MatchMessage]:
    """The match's conversation thread, oldest first, with the authors in the same query."""
    return MatchMessage.objects.filter(match=match).select_related("author").order_by("created_at", "pk")


def self_service_pair(user: User, *, offer_id: int, request_id: int, source: str) -> tuple[Offer, Request]:
    """The offer and request of a self-service proposal: both visible, and the asking side the user's own."""
    offer = offer_get_for(user, offer_id)
    wanted = request_get_for(user, request_id)
    if not can_edit(user, wanted if source == "school" else offer):
        raise PermissionDenied
    return offer, wanted
