"""matching's part of a person's data export and of deleting their account (accounts/privacy.py);
registered on import, from MatchingConfig.ready().

Offers, requests and matches belong to the organisations and stay when a person leaves; the
export lists what the person did with them. Messages keep their text after deletion, and the
thread then shows the author as "Someone from the school/company" (MatchMessage.author_name).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.privacy import register_anonymiser, register_collector
from matching.models import BlockedPair, Feedback, Match, MatchMessage, Offer, Request


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _listing(row: Offer | Request) -> dict[str, Any]:
    return {
        "id": row.pk,
        "organisation": row.organisation.name,
        "kind": row.kind,
        "title": row.title,
        "description": row.description,
        "status": row.status,
        "created_at": _iso(row.created_at),
    }


def _your_part(user: User, match: Match) -> list[str]:
    parts = []
    if match.proposed_by_id == user.pk:
        parts.append("proposed")
    if match.school_accepted_by_id == user.pk or match.company_accepted_by_id == user.pk:
        parts.append("accepted")
    if match.ended_by_id == user.pk:
        parts.append("ended")
    return parts


def collect(user: User) -> dict[str, Any]:
    """What the person created, wrote, answered and rated; no other person's name or address."""
    matches = (
        Match.objects.filter(
            Q(proposed_by=user) | Q(school_accepted_by=user) | Q(company_accepted_by=user) | Q(ended_by=user)
        )
        .select_related("offer__organisation", "request__organisation")
        .order_by("created_at", "pk")
    )
    return {
        "offers_created": [
            _listing(o)
            for o in Offer.objects.filter(created_by=user).select_related("organisation").order_by("pk")
        ],
        "offers_as_contact_person": list(
            Offer.objects.filter(contact_person=user).order_by("pk").values_list("pk", flat=True)
        ),
        "requests_created": [
            _listing(r)
            for r in Request.objects.filter(created_by=user).select_related("organisation").order_by("pk")
        ],
        "matches": [
            {
                "id": m.pk,
                "offer": m.offer.title,
                "company": m.offer.organisation.name,
                "request": m.request.title,
                "school": m.request.organisation.name,
                "status": m.status,
                "activity_date": _iso(m.activity_date),
                "your_part": _your_part(user, m),
                "end_reason": m.end_reason if m.ended_by_id == user.pk else "",
            }
            for m in matches
        ],
        "messages_written": [
            {"match": msg.match_id, "written_as": msg.side, "body": msg.body, "sent_at": _iso(msg.created_at)}
            for msg in MatchMessage.objects.filter(author=user).order_by("created_at", "pk")
        ],
        "feedback_given": [
            {
                "match": f.match_id,
                "side": f.side,
                "rating": f.rating,
                "comment": f.comment,
                "given_at": _iso(f.created_at),
            }
            for f in Feedback.objects.filter(given_by=user).order_by("created_at", "pk")
        ],
        "pairs_blocked": [
            {
                "offer": b.offer_id,
                "request": b.request_id,
                "reason": b.reason,
                "blocked_at": _iso(b.created_at),
            }
            for b in BlockedPair.objects.filter(blocked_by=user).order_by("created_at", "pk")
        ],
    }


def anonymise(user: User) -> None:
    """Nothing is deleted: the organisation's offers, requests, matches, messages and feedback stay,
    pointing at the nameless account. Only the offers' contact person is cleared, so nobody is
    sent to a person who is gone."""
    Offer.objects.filter(contact_person=user).update(contact_person=None)


register_collector("matching", collect)
register_anonymiser(anonymise)
