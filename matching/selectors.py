"""Reads and access checks for offers, requests and matches.

Visibility: members see everything of their own organisation; every signed-in person
sees open offers; company staff and coordinators see open requests; coordinators see everything
of the organisations in their provinces. Anything else answers 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import access
from accounts.models import Membership, Organisation, User
from matching.models import Feedback, Match, MatchMessage, Offer, Request


def is_company_staff(user: User) -> bool:
    active = access.active_organisation(user)
    return active is not None and active.kind == Organisation.Kind.COMPANY


def offers_public() -> QuerySet[Offer]:
    """What anyone may read without an account: open offers of verified companies."""
    return Offer.objects.select_related("organisation").filter(
        status=Offer.Status.OPEN,
        organisation__verified_at__isnull=False,
        organisation__kind=Organisation.Kind.COMPANY,
    )


def offers_visible_to(user: User) -> QuerySet[Offer]:
    rows = Offer.objects.select_related("organisation")
    if user.is_superuser:
        return rows
    condition = Q(status=Offer.Status.OPEN) | Q(organisation_id__in=access.acting_org_ids(user))
    if user.is_coordinator:
        condition |= Q(organisation__province__in=user.coordinator_provinces)
    return rows.filter(condition)


def requests_visible_to(user: User) -> QuerySet[Request]:
    rows = Request.objects.select_related("organisation")
    if user.is_superuser:
        return rows
    condition = Q(organisation_id__in=access.acting_org_ids(user))
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
    return listing.organisation_id in access.acting_org_ids(user)


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
    rows = Match.objects.select_related(
        "offer__organisation",
        "request__organisation",
        "offer__contact_person",
        "request__contact_person",
        "offer__created_by",
        "request__created_by",
    )
    if user.is_superuser:
        return rows
    org_ids = access.acting_org_ids(user)
    # school/company are copies of the request's and offer's organisation (see Match): two index
    # scans OR-ed, instead of joining every match with its offer and request.
    condition = Q(company_id__in=org_ids) | Q(school_id__in=org_ids)
    if user.is_coordinator:
        in_provinces = Organisation.objects.filter(province__in=user.coordinator_provinces).values("pk")
        condition |= Q(school_id__in=in_provinces) | Q(company_id__in=in_provinces)
    return rows.filter(condition)


def match_get_for(user: User, match_id: int, *, write: bool = False):  # noqa: ANN201
    match = get_object_or_404(matches_visible_to(user), pk=match_id)
    if write and not access.side_of(user, match):
        raise PermissionDenied
    return match


def match_contacts_visible(user: User, match) -> bool:  # noqa: ANN001
    """E-mail and phone of the other side appear only after confirmation (DESIGN §5)."""
    return match.status in ("confirmed", "completed", "evaluated", "not_held", "disputed")


def listing_contact(listing: Offer | Request) -> User | None:
    """The one person the other side may contact: the named contact person, else the creator while
    still a member, else the organisation's first admin (DESIGN §3)."""
    for person in (listing.contact_person, listing.created_by):
        if person is not None and person.is_active:
            return person
    membership = (
        Membership.objects.filter(organisation_id=listing.organisation_id, user__is_active=True)
        .select_related("user")
        .order_by("-is_admin", "pk")
        .first()
    )
    return membership.user if membership else None


def match_contacts(match) -> dict[str, list[dict[str, str]]]:  # noqa: ANN001
    """One contact person per side, for a confirmed match: never every member of the organisation."""
    result: dict[str, list[dict[str, str]]] = {}
    for side, listing in (("school", match.request), ("company", match.offer)):
        person = listing_contact(listing)
        result[side] = (
            [] if person is None else [{"name": person.name, "email": person.email, "phone": person.phone}]
        )
    return result


def match_can_post_message(user: User, match: Match) -> bool:
    """Who writes in a match's thread: the people of either side, and the coordinators who can see
    the match (school's or company's province, as in `matches_visible_to`); superusers too."""
    if user.is_superuser:
        return True
    org_ids = access.acting_org_ids(user)
    if match.request.organisation_id in org_ids or match.offer.organisation_id in org_ids:
        return True
    provinces = set(user.coordinator_provinces)
    return match.request.organisation.province in provinces or match.offer.organisation.province in provinces


def match_messages(match: Match) -> QuerySet[MatchMessage]:
    """The match's conversation thread, oldest first, with the authors in the same query."""
    return MatchMessage.objects.filter(match=match).select_related("author").order_by("created_at", "pk")


def self_service_pair(user: User, *, offer_id: int, request_id: int, source: str) -> tuple[Offer, Request]:
    """The offer and request of a self-service proposal: both visible, and the asking side the
    user's own. An offer that was published and is closed since counts as visible, so that the
    rule book answers ``status`` rather than 404 (a draft stays private)."""
    offer = _published_or_visible(offers_visible_to(user), Offer, offer_id)
    wanted = request_get_for(user, request_id)
    if not can_edit(user, wanted if source == "school" else offer):
        raise PermissionDenied
    return offer, wanted


def _published_or_visible(visible: QuerySet[Offer], model: type[Offer], pk: int) -> Offer:
    found = visible.filter(pk=pk).first()
    if found is None:
        found = model.objects.select_related("organisation").filter(pk=pk, published_at__isnull=False).first()
    if found is None:
        raise Http404
    return found


def offers_sbb_unchecked(user: User, *, include_checked: bool = False) -> QuerySet[Offer]:
    """Offers stating an SBB leerbedrijf number, of companies in the coordinator's provinces,
    whose recognition nobody has checked yet (oldest first)."""
    rows = Offer.objects.exclude(sbb_number="").select_related("organisation")
    if not include_checked:
        rows = rows.filter(sbb_checked_at__isnull=True)
    if not user.is_superuser:
        rows = rows.filter(organisation__province__in=user.coordinator_provinces)
    return rows.exclude(status="draft").order_by("created_at", "pk")


# --- What waits for a member (the dashboard's to-do) -------------------------------------------


def awaiting_answer_of(org_ids: list[int]) -> Q:
    """Proposals that one of these organisations has not answered yet."""
    return Q(status=Match.Status.PROPOSED) & (
        Q(school_id__in=org_ids, school_accepted_at__isnull=True)
        | Q(company_id__in=org_ids, company_accepted_at__isnull=True)
    )


def member_todo(user: User, *, today: date | None = None) -> dict[str, Any]:
    """What the person's organisations have to do next, each with the matches it concerns:
    proposals to answer, dates to agree, activities to confirm as held, feedback to give; and the
    coming activities."""
    today = today or timezone.localdate()
    org_ids = access.acting_org_ids(user)
    mine = Match.objects.filter(Q(school_id__in=org_ids) | Q(company_id__in=org_ids)).select_related(
        "offer", "request", "offer__organisation", "request__organisation"
    )
    confirmed = mine.filter(status=Match.Status.CONFIRMED)
    # A new date the other side proposed for a confirmed activity waits for this side's answer.
    date_to_agree = Q(school_id__in=org_ids, pending_side="company") | Q(
        company_id__in=org_ids, pending_side="school"
    )
    # After the (last) day, each side says whether it took place; until this side has answered.
    not_answered = Q(school_id__in=org_ids, school_held__isnull=True) | Q(
        company_id__in=org_ids, company_held__isnull=True
    )
    last_day = Coalesce("activity_until", "activity_date")
    given = Feedback.objects.filter(match=OuterRef("pk"))
    feedback_due = mine.filter(status=Match.Status.COMPLETED).filter(
        Q(school_id__in=org_ids) & ~Exists(given.filter(side=Feedback.Side.SCHOOL))
        | Q(company_id__in=org_ids) & ~Exists(given.filter(side=Feedback.Side.COMPANY))
    )
    return {
        "answer": list(mine.filter(awaiting_answer_of(org_ids)).order_by("expires_at", "pk")[:20]),
        "date": list(confirmed.filter(date_to_agree).order_by("pending_date", "pk")[:20]),
        "complete": list(
            confirmed.alias(last_day=last_day)
            .filter(not_answered, last_day__lt=today)
            .order_by("activity_date", "pk")[:20]
        ),
        "feedback": list(feedback_due.order_by("-activity_date", "-pk")[:20]),
        "upcoming": list(confirmed.filter(activity_date__gte=today).order_by("activity_date", "pk")[:5]),
    }
