"""The production path: publish → Redis → a real Celery worker → a proposal in PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings

from matching.models import Match, MatchingRun
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request
from tests.workers import start_worker, stop

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    proc = start_worker(settings.REDIS_URL)
    yield proc
    stop(proc)


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_publish_reaches_a_proposal_through_the_worker(worker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    company = OrganisationFactory(kind="company", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    school = OrganisationFactory(kind="school", at="Zwolle")
    teacher = MembershipFactory(organisation=school).user
    open_offer(company, hr)
    started = time.monotonic()
    open_request(school, teacher)
    assert _wait_for(lambda: Match.objects.filter(request__organisation=school).exists(), 60), (
        worker.stdout.read1().decode() if worker.poll() is not None else "worker still running, no proposal"
    )
    elapsed = time.monotonic() - started
    # The run row is marked done just after the proposals commit.
    assert _wait_for(lambda: MatchingRun.objects.filter(status="done").exists(), 30)
    assert Match.objects.count() == 1
    print(f"publish → proposal visible in {elapsed:.1f} s")


@pytest.fixture
def smtp_inbox(monkeypatch):
    """A real SMTP server; the worker (started after this fixture) sends its mail there."""
    from tests.smtp import smtp_server

    with smtp_server() as inbox:
        monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{inbox.port}")
        yield inbox


def test_proposal_mails_leave_through_the_worker_after_commit_exactly_once(smtp_inbox, worker, settings):
    """The after-commit path of DESIGN §5 in production shape: the change commits in PostgreSQL,
    the robust on-commit hook puts the delivery on Redis, a separate worker process sends it over
    SMTP and marks it sent; nothing is sent twice."""
    from notifications.models import Delivery

    settings.CELERY_TASK_ALWAYS_EAGER = False
    company = OrganisationFactory(kind="company", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True, user__email="hr@worker.nl").user
    school = OrganisationFactory(kind="school", at="Zwolle")
    teacher = MembershipFactory(organisation=school, user__email="teacher@worker.nl").user
    open_offer(company, hr)
    open_request(school, teacher)
    assert _wait_for(lambda: Match.objects.filter(request__organisation=school).exists(), 60)
    assert _wait_for(lambda: len(smtp_inbox.envelopes) >= 2, 60), (
        f"mails received: {smtp_inbox.recipients()}; deliveries: "
        f"{list(Delivery.objects.values_list('key', 'status', 'last_error'))}"
    )
    assert _wait_for(lambda: not Delivery.objects.exclude(status=Delivery.Status.SENT).exists(), 30), list(
        Delivery.objects.values_list("key", "status", "last_error")
    )
    time.sleep(1.5)  # a duplicate, if any, would arrive now
    assert smtp_inbox.recipients() == ["hr@worker.nl", "teacher@worker.nl"]
    raw = smtp_inbox.envelopes[0].content.decode()
    assert "/matches/" in raw and "List-Unsubscribe" in raw
