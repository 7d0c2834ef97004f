"""The coordinators' weekly digest of unmatched requests in their provinces (DESIGN §5).

Unmatched: an open request of a verified school with no live or happening match. Each
coordinator gets one notification per ISO week (the dedupe key makes a re-run of the task a
no-op), with the oldest requests listed in the e-mail and a link to the unmatched queue.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import CoordinatorRegion, User
from matching.selectors import requests_unmatched
from notifications.services import notify

LISTED = 15  # requests named in one mail; the queue page has the rest


def coordinator_digests_send(*, today: date | None = None) -> int:
    """Write this week's digest for every coordinator who has unmatched requests. Returns how many."""
    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
    provinces_of: dict[int, set[str]] = defaultdict(set)
    for user_id, province in CoordinatorRegion.objects.values_list("user_id", "province"):
        provinces_of[user_id].add(province)
    if not provinces_of:
        return 0
    people = {u.pk: u for u in User.objects.filter(pk__in=provinces_of, is_active=True)}
    link = reverse("oversight:queue")
    sent = 0
    for user_id, provinces in provinces_of.items():
        person = people.get(user_id)
        if person is None:
            continue
        rows = (
            requests_unmatched().filter(organisation__province__in=provinces).select_related("organisation")
        )
        total = rows.count()
        if not total:
            continue
        oldest = list(rows.order_by("published_at", "created_at", "pk")[:LISTED])
        with translation.override(person.language or None):
            items = [
                {
                    "title": r.title,
                    "school": r.organisation.name,
                    "place": r.organisation.place,
                    "kind": str(r.get_kind_display()),
                    "days": (today - timezone.localdate(r.published_at or r.created_at)).days,
                    "url": reverse("matching:request_detail", args=[r.pk]),
                }
                for r in oldest
            ]
        with transaction.atomic():
            created = notify(
                event="coordinator.weekly_digest",
                group="digests",
                recipients=[person],
                title=lambda total=total: (
                    ngettext(
                        "Weekly overview: %(count)s unmatched request",
                        "Weekly overview: %(count)s unmatched requests",
                        total,
                    )
                    % {"count": total}
                ),
                body=lambda total=total, days=items[0]["days"]: (
                    ngettext(
                        "%(count)s open request in your provinces has no proposal yet. The oldest is "
                        "waiting %(days)s days.",
                        "%(count)s open requests in your provinces have no proposal yet. The oldest is "
                        "waiting %(days)s days.",
                        total,
                    )
                    % {"count": total, "days": days}
                ),
                link=link,
                object_type="week",
                object_id=f"{year}-W{week:02d}",
                email_template="emails/notifications/weekly_digest",
                context={"items": items, "total": total, "more": max(total - len(items), 0)},
            )
        sent += len(created)
    return sent
