"""The coordinators' weekly digest of unmatched requests in their provinces."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config.celery_app import app
from matching.services import matches
from notifications.models import Notification
from oversight.services.digests import coordinator_digests_send
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


def test_each_coordinator_gets_their_provinces_unmatched_requests_once_a_week(
    cast, django_capture_on_commit_callbacks
):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    waiting = open_request(cast.school, cast.teacher, title="Gastles waterstof")
    other = open_request(cast.other_school, cast.other_member, title="Bedrijfsbezoek gezocht")
    # A request that has a proposal is not unmatched.
    company = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    proposed = open_request(cast.school, cast.teacher, title="Al voorgesteld")
    matches.match_propose(offer=open_offer(company, hr), request=proposed)
    # A school far away, in zuid-holland.
    rotterdam = OrganisationFactory(kind="school", name="Zadkine", at=("Rotterdam", "zuid-holland"))
    far = open_request(rotterdam, MembershipFactory(organisation=rotterdam).user, title="Stage gezocht")
    type(waiting).objects.filter(pk=waiting.pk).update(published_at=timezone.now() - timedelta(days=20))

    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator_digests_send() == 2

    mine = Notification.objects.get(recipient=cast.coordinator, event="coordinator.weekly_digest")
    assert mine.title == "Weekly overview: 2 unmatched requests"
    assert "oldest is waiting 20 days" in mine.body
    elsewhere = Notification.objects.get(recipient=cast.coordinator_elsewhere)
    assert elsewhere.title == "Weekoverzicht: 1 vraag zonder match"  # Dutch, the default language

    [message] = [m for m in mail.outbox if m.to == [cast.coordinator.email]]
    # Oldest first, and nothing from outside the provinces or already proposed.
    assert message.body.index(waiting.title) < message.body.index(other.title)
    assert far.title not in message.body and proposed.title not in message.body
    assert "/coordinator/" in message.body or "/requests/" in message.body
    # Nobody but coordinators hears about it.
    assert not Notification.objects.filter(event="coordinator.weekly_digest").exclude(
        recipient__in=[cast.coordinator, cast.coordinator_elsewhere]
    )

    # The task running twice in a week sends nothing new.
    assert coordinator_digests_send() == 0
    assert Notification.objects.filter(event="coordinator.weekly_digest").count() == 2


def test_no_digest_without_unmatched_requests(cast):
    assert coordinator_digests_send() == 0
    assert not Notification.objects.exists()


def test_the_beat_schedule_still_finds_the_weekly_task(settings, cast):
    app.loader.import_default_modules()  # what a worker does on start: autodiscover the tasks
    entry = settings.CELERY_BEAT_SCHEDULE["matching-coordinator-digest-monday-0700"]
    assert app.amqp.router.route({}, entry["task"])["queue"].name == "matching"
    open_request(cast.school, cast.teacher, title="Gastles waterstof")
    # Eager in tests: the task runs the service and answers how many digests it wrote.
    assert app.tasks[entry["task"]].delay().get() >= 1
