"""Celery tasks of the coordinators' side: thin wrappers that call services (STYLE §7)."""

from __future__ import annotations

from celery import shared_task

from oversight.services import digests


# The registered name predates the move from matching: the beat schedule and any message still
# queued under it keep working (and it keeps its route to the matching queue).
@shared_task(name="matching.tasks.coordinator_weekly_digest")
def coordinator_weekly_digest() -> int:
    # Idempotent: one notification per coordinator per ISO week, whatever the number of runs.
    return digests.coordinator_digests_send()
