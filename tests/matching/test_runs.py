"""Scheduling matcher runs: a quiet landsdeel starts at once, and no trigger is ever lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from matching.matcher import runs
from matching.models import MatchingRun
from tests.matching.helpers import open_offer

pytestmark = pytest.mark.django_db


def test_a_trigger_in_a_quiet_landsdeel_starts_at_once_and_one_during_a_run_waits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        quiet = runs.run_schedule(scope="oost", request_id=1)
    assert quiet.not_before <= timezone.now()

    MatchingRun.objects.filter(pk=quiet.pk).update(status="running", started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False):
        busy = runs.run_schedule(scope="oost", request_id=2)
    # Debounced behind the running run, to fold the rest of the burst into one run.
    assert busy.pk != quiet.pk
    assert busy.not_before > timezone.now() + timedelta(seconds=runs.DEBOUNCE_SECONDS - 1)


def test_a_trigger_racing_a_worker_that_claims_the_pending_run_is_not_lost(
    django_capture_on_commit_callbacks,
):
    pending = MatchingRun.objects.create(scope="oost", targets={"offers": [1]})
    steps: list[str] = []

    def worker_claims_after_the_failed_insert(execute, sql, params, many, context):
        # The worker's claim lands between the refused insert and the next read of the pending row.
        if steps == ["insert refused"] and sql.lstrip().upper().startswith("SELECT"):
            steps.append("claimed")
            MatchingRun.objects.filter(pk=pending.pk).update(status="running", started_at=timezone.now())
        try:
            return execute(sql, params, many, context)
        except IntegrityError:
            if not steps:
                steps.append("insert refused")
            raise

    with (
        connection.execute_wrapper(worker_claims_after_the_failed_insert),
        django_capture_on_commit_callbacks(execute=False) as enqueued,
    ):
        run = runs.run_schedule(scope="oost", request_id=7)

    assert steps == ["insert refused", "claimed"]
    # The running run read the data before this change; a new pending run carries it.
    assert run.pk != pending.pk
    assert MatchingRun.objects.get(status="pending").targets == {"requests": [7]}
    assert len(enqueued) == 1


def test_a_trigger_joins_the_pending_run_with_its_targets(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        first = runs.run_schedule(scope="noord", offer_id=3)
        second = runs.run_schedule(scope="noord", request_id=4)
    assert second.pk == first.pk
    assert MatchingRun.objects.get(pk=first.pk).targets == {"offers": [3], "requests": [4]}
    assert len(enqueued) == 1


def test_a_failing_trigger_after_the_commit_never_fails_the_publication(
    near, monkeypatch, django_capture_on_commit_callbacks
):
    """The trigger runs after the commit (robust): when it fails, the offer stays published and the
    caller gets no error — Django logs it, which needs a callback with a __qualname__."""

    def broken(*args, **kwargs):
        raise RuntimeError("scheduler down")

    monkeypatch.setattr(runs, "listing_changed", broken)
    org, hr = near
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        offer = open_offer(org, hr)
    assert callbacks, "the publication queues its trigger after the commit"
    offer.refresh_from_db()
    assert offer.status == "open"
