"""matching's part of a person's data export and of deleting their account (accounts/privacy.py);
registered on import, from MatchingConfig.ready().

Offers, requests and matches belong to the organisations and stay when a person leaves; the
export lists what the person did with them. Messages keep their text after deletion, and the
thread then shows the author as "Someone from the school/company" (MatchMessage.author_name).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from accounts.personal_data import register_collector
from accounts.privacy import register_anonymiser, register_retention
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
from taxonomy.holidays import school_year_of

log = structlog.get_logger(__name__)


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


register_collector("matching", collect)
register_anonymiser(anonymise)


# --- Retention (accounts.privacy.register_retention) -------------------------------------------


def school_years_cutoff(today: date, school_years: int) -> date:
    """The first day of the school year `school_years - 1` years before the current one: what
    ended before it ended `school_years` school years ago or longer."""
    first, _last = school_year_of(today)
    return first.replace(year=first.year - max(school_years - 1, 0))


def ended_before(cutoff: date, prefix: str = "") -> Q:
    """Matches (or rows through `prefix`) that ended before `cutoff`: no longer live, and their end
    (a cancellation, decline or expiry) — or else the activity's date — before it."""
    return ~Q(**{f"{prefix}status__in": Match.LIVE}) & (
        Q(**{f"{prefix}ended_at__date__lt": cutoff})
        | Q(**{f"{prefix}ended_at__isnull": True, f"{prefix}activity_date__lt": cutoff})
    )


def purge_messages(now: datetime, limit: int) -> int:
    cutoff = school_years_cutoff(timezone.localdate(now), settings.RETENTION_MESSAGES_SCHOOL_YEARS)
    ids = list(
        MatchMessage.objects.filter(ended_before(cutoff, "match__"))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    MatchMessage.objects.filter(pk__in=ids).delete()
    return len(ids)


def purge_feedback_comments(now: datetime, limit: int) -> int:
    """Comments go; the rating stays (the figures count it)."""
    cutoff = school_years_cutoff(timezone.localdate(now), settings.RETENTION_FEEDBACK_COMMENTS_SCHOOL_YEARS)
    ids = list(
        Feedback.objects.filter(ended_before(cutoff, "match__"))
        .exclude(comment="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return Feedback.objects.filter(pk__in=ids).update(comment="")


def _describe_messages() -> str:
    years = settings.RETENTION_MESSAGES_SCHOOL_YEARS
    return ngettext(
        "Messages about a match: deleted %(n)d school year after the match ended.",
        "Messages about a match: deleted %(n)d school years after the match ended.",
        years,
    ) % {"n": years}


def _describe_feedback() -> str:
    years = settings.RETENTION_FEEDBACK_COMMENTS_SCHOOL_YEARS
    return ngettext(
        "Feedback comments: deleted %(n)d school year after the activity (the rating stays).",
        "Feedback comments: deleted %(n)d school years after the activity (the rating stays).",
        years,
    ) % {"n": years}


def purge_attachments(now: datetime, limit: int) -> int:
    """Documents (the praktijkovereenkomst…) of matches whose activity (or end) is older than
    ATTACHMENT_RETENTION_DAYS are deleted, files included. Returns how many were removed."""
    cutoff = now - timedelta(days=settings.ATTACHMENT_RETENTION_DAYS)
    old = Attachment.objects.filter(
        Q(match__activity_date__lt=cutoff.date())
        | Q(match__activity_date__isnull=True, match__ended_at__lt=cutoff)
        | Q(match__activity_date__isnull=True, match__ended_at__isnull=True, created_at__lt=cutoff)
    ).order_by("pk")[:limit]
    removed = 0
    for attachment in old:
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        storage.delete(name)
        removed += 1
    if removed:
        log.info("attachment.purged", count=removed)
    return removed


def _describe_attachments() -> str:
    days = settings.ATTACHMENT_RETENTION_DAYS
    return ngettext(
        "Documents attached to a match: deleted %(n)d day after the activity.",
        "Documents attached to a match: deleted %(n)d days after the activity.",
        days,
    ) % {"n": days}


register_retention("attachments", purge_attachments, _describe_attachments)
register_retention("match_messages", purge_messages, _describe_messages)
register_retention("feedback_comments", purge_feedback_comments, _describe_feedback)
