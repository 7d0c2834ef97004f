"""RELIABILITY §0.2: a broker error after COMMIT is logged, never a 500, when a run is queued.

Runs everywhere (SQLite too): the broker is a closed port, no Redis or worker is needed.
"""

from __future__ import annotations

import pytest

from matching.models import MatchingRun
from oversight.services.actions import matcher_run_for_region


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_coordinator_run_now_with_the_broker_down_queues_the_run_in_the_database(cast, broker_down, caplog):
    # Before the fix the robust on-commit hook was a functools.partial; Django names a failing
    # robust hook by __qualname__, so the broker error became an AttributeError after COMMIT.
    runs = matcher_run_for_region(by=cast.coordinator)

    assert [run.scope for run in runs] == ["oost"]
    assert list(MatchingRun.objects.values_list("scope", "status")) == [("oost", MatchingRun.Status.PENDING)]
    assert "Error calling" in caplog.text and "in on_commit()" in caplog.text
