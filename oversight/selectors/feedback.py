"""Feedback for coordinators: the ratings and comments both sides give after an activity, per
company and per school in the coordinator's provinces, low ratings, and feedback still missing.

A rating belongs to the side it is about: a school's rating is about the company (counted in the
company's province), a company's rating about the school (counted in the school's province).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from matching.models import Feedback, Match

LOW_RATING = 2  # a rating of 1 or 2 is low
REPEATED_LOW = 2  # a company with this many low ratings (or more) is flagged
LIST_LIMIT = 100


def _rated(provinces: Sequence[str], *, about: str) -> QuerySet:
    """Companies (about="company") or schools with their received ratings, in the provinces."""
    rater = "school" if about == "company" else "company"
    # Feedback given by `rater` on matches where this organisation is the `about` side.
    return (
        Feedback.objects.filter(side=rater, **{f"match__{about}__province__in": list(provinces)})
        .values(f"match__{about}", f"match__{about}__name", f"match__{about}__province")
        .annotate(
            ratings=Count("id"),
            average=Avg("rating"),
            low=Count("id", filter=Q(rating__lte=LOW_RATING)),
        )
        .order_by(f"match__{about}__name")
    )


def feedback_per_organisation(provinces: Sequence[str], *, about: str) -> list[dict[str, Any]]:
    """Per company (or school) in the provinces: ratings received, average, low ones, flag."""
    result = []
    for row in _rated(provinces, about=about):
        result.append(
            {
                "id": row[f"match__{about}"],
                "name": row[f"match__{about}__name"],
                "province": row[f"match__{about}__province"],
                "ratings": row["ratings"],
                "average": round(row["average"], 1),
                "low": row["low"],
                "flagged": about == "company" and row["low"] >= REPEATED_LOW,
            }
        )
    return result


def _in_scope(provinces: Sequence[str], prefix: str = "") -> Q:
    provinces = list(provinces)
    return Q(**{f"{prefix}school__province__in": provinces}) | Q(
        **{f"{prefix}company__province__in": provinces}
    )


def low_ratings(provinces: Sequence[str]) -> QuerySet[Feedback]:
    """Ratings of 1 or 2 on matches of the provinces (either side), newest first."""
    return (
        Feedback.objects.filter(_in_scope(provinces, "match__"), rating__lte=LOW_RATING)
        .select_related("match__school", "match__company", "match__offer", "match__request")
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )


def recent_comments(provinces: Sequence[str]) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(_in_scope(provinces, "match__"))
        .exclude(comment="")
        .select_related("match__school", "match__company", "match__offer")
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )


def feedback_missing(provinces: Sequence[str]) -> list[dict[str, Any]]:
    """Held matches of the provinces where a side has not given feedback yet (the feedback request
    went unanswered), oldest activity first."""
    school_gave = Exists(Feedback.objects.filter(match=OuterRef("pk"), side=Feedback.Side.SCHOOL))
    company_gave = Exists(Feedback.objects.filter(match=OuterRef("pk"), side=Feedback.Side.COMPANY))
    rows = (
        Match.objects.filter(_in_scope(provinces), status__in=Match.HELD_STATUSES)
        .annotate(school_gave=school_gave, company_gave=company_gave)
        .filter(Q(school_gave=False) | Q(company_gave=False))
        .select_related("school", "company", "offer")
        .order_by("activity_date", "pk")[:LIST_LIMIT]
    )
    return [
        {
            "match": match,
            "missing": [
                side
                for side, gave in (("school", match.school_gave), ("company", match.company_gave))
                if not gave
            ],
        }
        for match in rows
    ]
