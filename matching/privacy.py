"""matching's part of a person's data export and of deleting their account (accounts/privacy.py);
registered on import, from MatchingConfig.ready().

Offers, requests and matches belong to the organisations and stay when a person leaves; the
export lists what the person did with them. Messages keep their text after deletion, and the
thread then shows the author as "Someone from the school/company" (MatchMessage.author_name).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.privacy import register_anonymiser, register_collector
from matching.models import (
    Attachment,
    BlockedPair,
    Feedback,
    Match,
    MatchMessage,
    Offer,
    Placement,
    Request,
    TeacherReflection,
)


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
        "requests_as_contact_person": list(
            Request.objects.filter(contact_person=user).order_by("pk").values_list("pk", flat=True)
        ),
        "requests_as_participating_teacher": list(
            Request.objects.filter(teacher=user).order_by("pk").values_list("pk", flat=True)
        ),
        "attachments_uploaded": [
            {
                "match": a.match_id,
                "name": a.name,
                "type": a.type,
                "size": a.size,
                "uploaded_at": _iso(a.created_at),
            }
            for a in Attachment.objects.filter(uploaded_by=user).order_by("created_at", "pk")
        ],
        "placements_recorded": [
            {
                "match": p.match_id,
                "label": p.label,
                "from": _iso(p.starts_on),
                "until": _iso(p.ends_on),
                "hours_per_week": p.hours_per_week,
            }
            for p in Placement.objects.filter(created_by=user).order_by("pk")
        ],
        "teacher_reflections": [
            {"match": r.match_id, "text": r.text, "written_at": _iso(r.created_at)}
            for r in TeacherReflection.objects.filter(teacher=user).order_by("pk")
        ],
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
    pointing at the nameless account. Only the offers' and requests' contact person (and participating teacher) is cleared, so nobody is
    sent to a person who is gone."""
    Offer.objects.filter(contact_person=user).update(contact_person=None)
    Request.objects.filter(contact_person=user).update(contact_person=None)
    Request.objects.filter(teacher=user).update(teacher=None)


def purge(*, now: datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """matching's part of the retention purge (DESIGN §6), called by the beat task: attachments
    past ATTACHMENT_RETENTION_DAYS are removed, files included."""
    from matching.services.documents import attachments_purge

    return {"attachments": attachments_purge(now=now, limit=limit)}


register_collector("matching", collect)
register_anonymiser(anonymise)
