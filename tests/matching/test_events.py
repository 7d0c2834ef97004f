from __future__ import annotations

import pytest
from django.core import mail

from matching.matcher import runs
from matching.services import deadlines, matches, outcomes
from notifications.ics import parse_first_event
from notifications.models import Notification
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request, weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(cast):
    org = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    hr = MembershipFactory(organisation=org, is_admin=True, user__email="hr@zwolle.nl").user
    return org, hr


def _events(user):
    return list(Notification.objects.filter(recipient=user).values_list("event", flat=True))


def test_matcher_proposal_reaches_both_sides_and_nobody_else(cast, company):
    org, hr = company
    open_offer(org, hr)
    open_request(cast.school, cast.teacher)
    runs.run_now(scope="oost")
    assert _events(cast.teacher) == ["match.proposed"]
    assert _events(cast.school_admin) == ["match.proposed"]
    assert _events(hr) == ["match.proposed"]
    assert _events(cast.other_member) == [] and _events(cast.hr) == []


def test_accept_confirm_with_calendar_invitation_and_cancel(
    cast, company, django_capture_on_commit_callbacks
):
    org, hr = company
    match = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    matches.match_accept(match=match, by=cast.teacher)
    assert "match.accepted" in _events(hr) and "match.accepted" not in _events(cast.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        matches.match_accept(match=match, by=hr)
    confirmed = [m for m in mail.outbox if "Confirmed" in m.subject or "Bevestigd" in m.subject]
    assert {m.to[0] for m in confirmed} == {"hr@zwolle.nl", cast.teacher.email, cast.school_admin.email}
    ics = [a for a in confirmed[0].attachments if a[0].endswith(".ics")][0]
    event = parse_first_event(ics[1] if isinstance(ics[1], bytes) else ics[1].encode())
    assert event["method"] == "REQUEST" and event["start"] == match.activity_date
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        matches.match_cancel(match=match, by=hr, reason="Zieke spreker")
    cancels = [m for m in mail.outbox if m.to[0] == cast.teacher.email]
    assert len(cancels) == 1
    ics = [a for a in cancels[0].attachments if a[0].endswith(".ics")][0]
    cancel_event = parse_first_event(ics[1] if isinstance(ics[1], bytes) else ics[1].encode())
    assert cancel_event["method"] == "CANCEL" and cancel_event["uid"] == event["uid"]
    assert "match.cancelled" not in _events(hr)


def test_self_service_ask_notifies_only_the_company(cast, company):
    org, hr = company
    offer = open_offer(org, hr)
    request = open_request(cast.school, cast.teacher)
    matches.match_propose(offer=offer, request=request, source="school", by=cast.teacher)
    assert _events(hr) == ["match.proposed"] and _events(cast.teacher) == []


def test_answer_reminder_on_day_three_once(cast, company):
    from datetime import timedelta

    from django.utils import timezone

    from matching.models import Match

    org, hr = company
    match = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    matches.match_accept(match=match, by=hr)
    assert deadlines.remind_unanswered() == 0
    Match.objects.filter(pk=match.pk).update(created_at=timezone.now() - timedelta(days=3, minutes=1))
    assert deadlines.remind_unanswered() == 1
    assert deadlines.remind_unanswered() == 0
    assert "match.answer_reminder" in _events(cast.teacher) and "match.answer_reminder" not in _events(hr)


def test_activity_reminders_a_week_and_a_day_ahead_once(cast, company):
    from datetime import timedelta

    from django.utils import timezone

    from matching.models import Match

    org, hr = company
    match = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=hr)
    today = timezone.localdate()
    Match.objects.filter(pk=match.pk).update(activity_date=today + timedelta(days=7))
    assert deadlines.remind_activities(today=today) == 1
    deadlines.remind_activities(today=today)
    week = [e for e in _events(cast.teacher) if e.startswith("match.activity_reminder_7d")]
    assert len(week) == 1 and any(e.startswith("match.activity_reminder_7d") for e in _events(hr))
    assert deadlines.remind_activities(today=today + timedelta(days=6)) == 1
    assert any(e.startswith("match.activity_reminder_1d") for e in _events(cast.teacher))
    assert _events(cast.other_member) == []


def test_feedback_request_after_the_activity(cast, company):
    from datetime import timedelta

    from django.utils import timezone

    from matching.models import Match

    org, hr = company
    match = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=hr)
    Match.objects.filter(pk=match.pk).update(activity_date=timezone.localdate() - timedelta(days=1))
    # Nothing completes by itself, so nobody is asked for feedback on an unconfirmed activity.
    outcomes.ask_outcomes()
    assert outcomes.request_feedback() == 0
    assert Match.objects.get(pk=match.pk).status == "confirmed"
    outcomes.match_outcome(match=match, by=cast.teacher, held=True)
    outcomes.request_feedback()
    outcomes.request_feedback()
    assert _events(cast.teacher).count("match.feedback_request") == 1
    assert _events(hr).count("match.feedback_request") == 1


def test_moving_a_confirmed_activity_sends_an_updated_invitation_in_amsterdam_time(
    cast, company, django_capture_on_commit_callbacks
):
    from datetime import time
    from zoneinfo import ZoneInfo

    from rest_framework.test import APIClient

    org, hr = company
    match = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=hr)
    match.refresh_from_db()
    new_day = weekday_after(match.activity_date, 3)
    mail.outbox.clear()

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(cast.teacher)
    refused = api.post(
        f"/api/v1/matches/{match.pk}/schedule/",
        {"activity_date": new_day.isoformat(), "start": "11:00", "end": "10:00"},
        format="json",
    )
    assert refused.status_code == 400 and "end" in refused.json()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/matches/{match.pk}/schedule/",
            {"activity_date": new_day.isoformat(), "start": "09:30", "end": "11:00"},
            format="json",
        )
    assert response.status_code == 200, response.json()
    # A change of a confirmed date waits for the other side; the confirmed date stays meanwhile.
    assert response.json()["activity_start"] is None
    assert response.json()["pending_change"]["activity_start"] == "09:30:00"
    assert "match.date_proposed" in _events(hr) and "match.rescheduled" not in _events(hr)
    mail.outbox.clear()
    other = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    other.force_authenticate(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = other.post(f"/api/v1/matches/{match.pk}/accept/")
    assert response.status_code == 200, response.json()
    assert response.json()["activity_start"] == "09:30:00" and response.json()["pending_change"] is None

    moved = [m for m in mail.outbox if m.to[0] == "hr@zwolle.nl"]
    assert len(moved) == 1 and "09:30–11:00" in moved[0].body
    # Every match mail says what it is about, in text and HTML.
    assert f"Gastles gezocht — {cast.school.name}" in moved[0].body
    assert cast.school.name in moved[0].alternatives[0][0]
    ics = [a for a in moved[0].attachments if a[0].endswith(".ics")][0]
    event = parse_first_event(ics[1] if isinstance(ics[1], bytes) else ics[1].encode())
    assert event["starts_at"].tzinfo == ZoneInfo("Europe/Amsterdam")
    assert (event["starts_at"].date(), event["starts_at"].time()) == (new_day, time(9, 30))
    assert event["sequence"] == 1 and event["uid"] == f"match-{match.pk}@techniekpact-match.nl"
    # Both sides hear it (the mover too: it is their calendar as well), nobody else.
    assert "match.rescheduled" in _events(cast.teacher) and "match.rescheduled" in _events(hr)
    assert _events(cast.other_member) == []

    # Saving the same time again changes nothing and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        matches.match_set_date(match=match, by=hr, activity_date=new_day, start=time(9, 30), end=time(11, 0))
    assert mail.outbox == []

    # The cancellation outranks the moved invitation.
    with django_capture_on_commit_callbacks(execute=True):
        matches.match_cancel(match=match, by=hr, reason="Ziek")
    cancel = [m for m in mail.outbox if m.to[0] == cast.teacher.email][0]
    ics = [a for a in cancel.attachments if a[0].endswith(".ics")][0]
    cancelled = parse_first_event(ics[1] if isinstance(ics[1], bytes) else ics[1].encode())
    assert cancelled["method"] == "CANCEL" and cancelled["sequence"] == 2
