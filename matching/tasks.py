"""Celery tasks: thin wrappers that take ids and call services (STYLE §7)."""

from __future__ import annotations

from celery import shared_task

from matching.matcher import runs
from matching.services import deadlines, listings, outcomes


@shared_task(acks_late=True)
def run_matcher_task(run_id: int) -> bool:
    # Idempotent by claim: a redelivered message finds the run no longer pending and does nothing.
    return runs.run_execute(run_id=run_id)


@shared_task
def nightly_full_run() -> int:
    return len(runs.runs_schedule_all())


@shared_task
def sweep_runs() -> int:
    return runs.runs_sweep()


@shared_task
def sweep_matches() -> dict[str, int]:
    # Never completes anything: after the date the sides are asked whether it took place.
    return {
        "reminded": deadlines.remind_unanswered(),
        "expired": deadlines.expire_overdue(),
        "outcome_asked": outcomes.ask_outcomes(),
        "listings_closed": listings.listings_close_past(),
        "feedback_requested": outcomes.request_feedback(),
    }


@shared_task
def activity_reminders() -> int:
    return deadlines.remind_activities()
