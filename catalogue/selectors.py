"""Reads of the catalogue: what is public, and the calendar feed behind its secret link."""

from __future__ import annotations

import hmac

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import Membership, Organisation, User
from catalogue.models import CalendarFeed, SavedSearch
from matching.models import Match, Offer, Request
from matching.selectors import offers_public
from taxonomy.kinds import Kind

HELD = (Match.Status.COMPLETED, Match.Status.EVALUATED)  # activities that took place
IN_FEED = (Match.Status.CONFIRMED, *HELD)


def organisations_public() -> QuerySet[Organisation]:
    """Organisations with a public profile: verified schools and companies."""
    return Organisation.objects.filter(verified_at__isnull=False)


def organisation_public_get(pk: int) -> Organisation:
    organisation = organisations_public().filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def offer_public_get(pk: int) -> Offer:
    offer = offers_public().filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer


def organisation_profile(organisation: Organisation) -> dict:
    """What a profile shows: open offers (companies), what a school asks in kinds only (its
    requests are not public), and the number of activities held."""
    side = Q(company=organisation) if organisation.is_company else Q(school=organisation)
    held = Match.objects.filter(side, status__in=HELD).count()
    if organisation.is_company:
        return {
            "offers": list(offers_public().filter(organisation=organisation).order_by("-published_at")),
            "held": held,
        }
    asks = (
        Request.objects.filter(organisation=organisation, status=Request.Status.OPEN)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    return {"asks": [{"kind": Kind(row["kind"]).label, "n": row["n"]} for row in asks], "held": held}


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def saved_search_get_for(user: User, pk: int) -> SavedSearch:
    saved = saved_searches_of(user).filter(pk=pk).first()
    if saved is None:
        raise Http404
    return saved


_DUMMY_SECRET = "x" * 43


def calendar_feed_by_token(token: str) -> CalendarFeed:
    """The feed of a `<id>-<secret>` token; 404 for a revoked or forged one. The secret is compared
    in constant time, and against a dummy when the id is unknown, so timing tells nothing."""
    feed_id, _sep, secret = (token or "").partition("-")
    feed = (
        CalendarFeed.objects.select_related("user").filter(pk=int(feed_id)).first()
        if feed_id.isdigit() and len(feed_id) < 16
        else None
    )
    expected = feed.secret if feed is not None else _DUMMY_SECRET
    if not hmac.compare_digest(expected.encode(), secret.encode()) or feed is None or not feed.user.is_active:
        raise Http404
    return feed


def feed_matches(user: User) -> QuerySet[Match]:
    """The dated, confirmed (and held) activities of the person's organisations."""
    org_ids = Membership.objects.filter(user=user).values("organisation_id")
    return (
        Match.objects.filter(Q(school_id__in=org_ids) | Q(company_id__in=org_ids))
        .filter(status__in=IN_FEED, activity_date__isnull=False)
        .select_related("offer__organisation", "request__organisation")
        .order_by("activity_date", "pk")
    )
