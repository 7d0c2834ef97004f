from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.tasks import purge_past_retention
from matching.models import Feedback, MatchMessage
from matching.services.messages import match_message_post
from matching.services.outcomes import match_feedback
from oversight.models import ConductReport
from oversight.services.conduct import conduct_report_create, conduct_report_handle
from taxonomy.holidays import school_year_of
from tests.matching.factories import held_match
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db

FIRST, _LAST = school_year_of(date.today())


@pytest.fixture
def old_and_new(cast):
    offer = open_offer(cast.company, cast.hr, capacity=5)
    ask = open_request(cast.school, cast.teacher, slots=5)
    # Ended three school years ago (purged with the default of 2) and last school year (kept).
    old = held_match(offer, ask, on=FIRST.replace(year=FIRST.year - 2) - timedelta(days=30))
    recent = held_match(offer, ask, on=FIRST - timedelta(days=30))
    for match in (old, recent):
        match_message_post(match=match, author=cast.teacher, body=f"Bericht {match.pk}")
        match_feedback(match=match, by=cast.teacher, rating=4, comment=f"Opmerking {match.pk}")
    closed_long_ago = conduct_report_create(
        by=cast.teacher,
        school=cast.school,
        company=cast.company,
        match=None,
        category="other",
        description="Oud",
    )
    conduct_report_handle(report=closed_long_ago, by=cast.coordinator, status="in_progress", outcome="")
    conduct_report_handle(report=closed_long_ago, by=cast.coordinator, status="closed", outcome="Afgehandeld")
    ConductReport.objects.filter(pk=closed_long_ago.pk).update(
        closed_at=timezone.now() - timedelta(days=6 * 365)
    )
    still_open = conduct_report_create(
        by=cast.teacher,
        school=cast.school,
        company=cast.company,
        match=None,
        category="other",
        description="Nieuw",
    )
    return {"old": old, "recent": recent, "closed": closed_long_ago, "open": still_open}


def test_nightly_purge_removes_what_is_past_retention_and_audits_it(cast, old_and_new):
    done = purge_past_retention()
    assert done == {"attachments": 0, "conduct_reports": 1, "feedback_comments": 1, "match_messages": 1}
    assert list(MatchMessage.objects.values_list("match_id", flat=True)) == [old_and_new["recent"].pk]
    old_feedback = Feedback.objects.get(match=old_and_new["old"])
    assert old_feedback.comment == "" and old_feedback.rating == 4  # the figure stays
    assert Feedback.objects.get(match=old_and_new["recent"]).comment.startswith("Opmerking")
    assert list(ConductReport.objects.values_list("pk", flat=True)) == [old_and_new["open"].pk]
    lines = AuditEntry.objects.filter(action="retention.purged")
    assert {entry.object_type: entry.data["count"] for entry in lines} == {
        "conduct_reports": 1,
        "feedback_comments": 1,
        "match_messages": 1,
    }
    # A second night finds nothing more.
    assert set(purge_past_retention().values()) == {0}


def test_retention_is_configurable_and_listed_on_the_privacy_page(client, settings, old_and_new):
    settings.RETENTION_MESSAGES_SCHOOL_YEARS = 1
    assert purge_past_retention()["match_messages"] == 2
    html = client.get(reverse("accounts:privacy")).content.decode()
    assert "deleted 1 school year after the match ended" in html
    assert "Conduct reports: deleted 5 years after the coordinator closed them" in html
