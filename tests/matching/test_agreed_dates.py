"""Issue 15: dates both sides agree to, and "did it take place?" (DESIGN §3)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from matching.models import Match, Request
from matching.services import deadlines, matches, outcomes, scheduling
from matching.services.outcome_links import outcome_token
from notifications.ics import activity_invitation, parse_first_event
from notifications.models import Notification
from taxonomy.holidays import holiday_on
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import LATER, SOON, days_pass, open_offer, open_request, weekday_after

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.default_format = "json"
    client.force_authenticate(user)
    return client


@pytest.fixture
def company(cast):
    org = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    hr = MembershipFactory(organisation=org, is_admin=True, user__email="hr@zwolle.nl").user
    return org, hr


@pytest.fixture
def proposal(cast, company):
    org, hr = company
    match = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    return match, hr


def confirmed(cast, proposal):
    match, hr = proposal
    matches.match_accept(match=match, by=cast.teacher)
    return matches.match_accept(match=match, by=hr)


# --- the suggested date against the real holiday table -----------------------------------------


def test_suggestion_is_a_weekday_after_the_lead_time_outside_the_regions_holidays():
    suggest = scheduling.suggest
    window = (date(2026, 10, 1), date(2027, 3, 1))
    # Autumn break: noord 10–18 October, zuid 17–25 October 2026.
    assert suggest(kind="guest_lesson", window=window, region="zuid", today=date(2026, 10, 1)).day == date(
        2026, 10, 12
    )
    assert suggest(kind="guest_lesson", window=window, region="noord", today=date(2026, 10, 1)).day == date(
        2026, 10, 19
    )
    # Internships need 21 days' notice and get a period: until the end of the overlap.
    internship = suggest(kind="internship", window=window, region="noord", today=date(2026, 10, 1))
    assert internship.day == date(2026, 10, 22) and internship.until == date(2027, 3, 1)


def test_a_window_over_the_christmas_break_never_yields_a_day_in_it():
    window = (date(2026, 12, 1), date(2027, 2, 15))
    for offset in range(40):
        today = date(2026, 11, 20) + timedelta(days=offset)
        for region in ("noord", "midden", "zuid"):
            for kind in ("guest_lesson", "company_visit", "internship", "teacher_internship"):
                s = scheduling.suggest(kind=kind, window=window, region=region, today=today)
                assert not s.in_holidays and s.day > today and s.day.weekday() < 5
                assert holiday_on(region, s.day) is None
                assert not date(2026, 12, 24) <= s.day <= date(2027, 1, 1)
                assert s.day >= today + timedelta(days=scheduling.lead_days(kind))


def test_only_holidays_in_the_overlap_gives_the_first_weekday_from_tomorrow_flagged():
    s = scheduling.suggest(
        kind="guest_lesson",
        window=(date(2026, 12, 21), date(2027, 1, 1)),
        region="noord",
        today=date(2026, 12, 4),
    )
    # Inside the overlap, in the holidays (flagged on the page), never a weekend.
    assert s.in_holidays and s.day == date(2026, 12, 21)
    # No weekday left in the overlap at all: the first weekday from tomorrow.
    s = scheduling.suggest(
        kind="guest_lesson",
        window=(date(2026, 11, 1), date(2026, 12, 1)),
        region="noord",
        today=date(2026, 12, 4),
    )
    assert s.in_holidays and s.day == date(2026, 12, 7)  # Saturday the 5th → Monday the 7th


def test_lead_times_are_settings(settings):
    settings.MATCH_LEAD_DAYS = {"guest_lesson": 3}
    s = scheduling.suggest(
        kind="guest_lesson", window=(date(2026, 9, 1), date(2026, 9, 30)), region=None, today=date(2026, 9, 1)
    )
    assert s.day == date(2026, 9, 4)


def test_every_proposal_carries_a_future_weekday_inside_both_windows(cast, proposal):
    match, _ = proposal
    match.refresh_from_db()
    first, last = scheduling.overlap(match.offer, match.request)
    assert first <= match.activity_date <= last and match.activity_date.weekday() < 5
    assert match.activity_date > timezone.localdate() and not scheduling.in_holidays(match)


# --- agreeing on a date --------------------------------------------------------------------------


def test_a_counter_date_resets_the_other_sides_acceptance_and_both_must_agree(cast, proposal):
    match, hr = proposal
    assert api(cast.teacher).post(f"/api/v1/matches/{match.pk}/accept/").json()["school_accepted_at"]
    other_day = weekday_after(match.activity_date, 2)
    response = api(hr).post(f"/api/v1/matches/{match.pk}/schedule/", {"activity_date": other_day.isoformat()})
    body = response.json()
    assert response.status_code == 200, body
    # The company accepted its own date; the school's acceptance of the old one is gone.
    assert body["status"] == "proposed" and body["company_accepted_at"] and body["school_accepted_at"] is None
    assert Notification.objects.filter(recipient=cast.teacher, event="match.date_proposed").exists()
    body = api(cast.teacher).post(f"/api/v1/matches/{match.pk}/accept/").json()
    assert body["status"] == "confirmed" and body["activity_date"] == other_day.isoformat()


def test_after_confirmation_a_change_is_pending_until_the_other_side_accepts(cast, proposal):
    match, hr = proposal
    match = confirmed(cast, proposal)
    agreed = match.activity_date
    moved = weekday_after(agreed, 1)
    body = (
        api(cast.teacher)
        .post(f"/api/v1/matches/{match.pk}/schedule/", {"activity_date": moved.isoformat()})
        .json()
    )
    assert (
        body["activity_date"] == agreed.isoformat()
        and body["pending_change"]["activity_date"] == moved.isoformat()
    )
    # The proposer cannot accept their own change.
    assert api(cast.teacher).post(f"/api/v1/matches/{match.pk}/accept/").status_code == 409
    mail.outbox.clear()
    body = api(hr).post(f"/api/v1/matches/{match.pk}/accept/").json()
    assert body["activity_date"] == moved.isoformat() and body["pending_change"] is None
    assert Match.objects.get(pk=match.pk).calendar_sequence == 1


def test_the_page_proposes_a_date_and_the_other_side_accepts_it(client, cast, proposal):
    match, hr = proposal
    client.force_login(cast.teacher)
    client.cookies["django_language"] = "nl"
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert 'name="activity_date"' in page and match.activity_date.strftime("%d-%m-%Y") in page
    other_day = weekday_after(match.activity_date, 1)
    client.post(f"/matches/{match.pk}/date/", {"activity_date": other_day.isoformat()})
    match.refresh_from_db()
    assert match.activity_date == other_day and match.school_accepted_at and not match.company_accepted_at
    client.force_login(hr)
    client.post(f"/matches/{match.pk}/accept/")
    assert Match.objects.get(pk=match.pk).status == "confirmed"


@pytest.mark.parametrize(
    ("field", "data"),
    [
        (
            "activity_date",
            lambda m: {"activity_date": (timezone.localdate() - timedelta(days=1)).isoformat()},
        ),
        ("activity_date", lambda m: {"activity_date": _saturday_after(SOON).isoformat()}),
        ("activity_date", lambda m: {"activity_date": weekday_after(LATER, 3).isoformat()}),
        (
            "activity_until",
            lambda m: {"activity_date": m.activity_date.isoformat(), "activity_until": "2026-01-01"},
        ),
    ],
)
def test_bad_dates_are_400_naming_the_field(cast, proposal, field, data):
    match, _ = proposal
    match.refresh_from_db()
    response = api(cast.teacher).post(f"/api/v1/matches/{match.pk}/schedule/", data(match), format="json")
    assert response.status_code == 400 and field in response.json()
    assert Match.objects.get(pk=match.pk).activity_date == match.activity_date


def _saturday_after(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7)


def test_a_confirmed_activity_cannot_be_moved_into_the_past(cast, proposal):
    match = confirmed(cast, proposal)
    yesterday = weekday_after(timezone.localdate() - timedelta(days=8), 0)
    response = api(cast.teacher).post(
        f"/api/v1/matches/{match.pk}/schedule/", {"activity_date": yesterday.isoformat()}
    )
    assert response.status_code == 400 and "activity_date" in response.json()
    match.refresh_from_db()
    assert match.status == "confirmed" and not match.pending_side


def test_accepting_a_proposal_past_its_deadline_is_409_expired_and_expires_it(cast, proposal):
    match, hr = proposal
    Match.objects.filter(pk=match.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = api(cast.teacher).post(f"/api/v1/matches/{match.pk}/accept/")
    assert response.status_code == 409 and response.json()["code"] == "expired"
    match.refresh_from_db()
    assert match.status == "expired" and match.school_accepted_at is None
    assert Request.objects.get(pk=match.request_id).committed == 0


def test_windows_end_at_most_two_school_years_ahead_and_invitations_never_overflow(cast, company):
    org, hr = company
    far = scheduling.latest_date() + timedelta(days=1)
    response = api(hr).post(
        "/api/v1/offers/",
        {
            "kind": "guest_lesson",
            "title": "Ver weg",
            "levels": ["havo"],
            "capacity": 1,
            "available_from": SOON.isoformat(),
            "available_until": "9999-12-31",
        },
        format="json",
    )
    assert response.status_code == 400 and "available_until" in response.json()
    assert far > LATER
    for day in (date(9999, 12, 31), scheduling.latest_date()):
        event = parse_first_event(activity_invitation(uid="x", day=day, summary="Les"))
        assert event["start"] == day


# --- did it take place? ----------------------------------------------------------------------------


def test_held_and_held_completes_once(cast, proposal):
    match, hr = proposal
    match = days_pass(confirmed(cast, proposal))
    assert api(hr).post(f"/api/v1/matches/{match.pk}/outcome/", {"held": True}, format="json").json()[
        "status"
    ] == ("completed")
    body = (
        api(cast.teacher).post(f"/api/v1/matches/{match.pk}/outcome/", {"held": True}, format="json").json()
    )
    assert body["status"] == "completed" and body["outcome"]["school"]["held"] is True
    # A second answer by the same side: 409, the first one kept.
    again = api(hr).post(
        f"/api/v1/matches/{match.pk}/outcome/", {"held": False, "reason": "x"}, format="json"
    )
    assert again.status_code == 409
    assert Match.objects.get(pk=match.pk).company_held is True


def test_held_and_not_held_is_disputed_for_the_coordinator(client, cast, proposal):
    match, hr = proposal
    match = days_pass(confirmed(cast, proposal))
    api(hr).post(f"/api/v1/matches/{match.pk}/outcome/", {"held": True}, format="json")
    body = (
        api(cast.teacher)
        .post(
            f"/api/v1/matches/{match.pk}/outcome/",
            {"held": False, "reason": "Niemand gekomen"},
            format="json",
        )
        .json()
    )
    assert body["status"] == "disputed"
    assert Notification.objects.filter(recipient=cast.coordinator, event="match.outcome_disputed").exists()
    client.force_login(cast.coordinator)
    assert "Disputed or unconfirmed after the date" in client.get("/coordinator/").content.decode()


def test_not_held_reopens_the_request_for_a_new_proposal(cast, proposal, company):
    match, hr = proposal
    match = days_pass(confirmed(cast, proposal))
    assert Request.objects.get(pk=match.request_id).status == "fulfilled"
    missing = api(cast.teacher).post(f"/api/v1/matches/{match.pk}/outcome/", {"held": False}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    body = (
        api(cast.teacher)
        .post(
            f"/api/v1/matches/{match.pk}/outcome/",
            {"held": False, "reason": "Op de dag afgezegd"},
            format="json",
        )
        .json()
    )
    assert body["status"] == "not_held" and body["outcome"]["school"]["reason"] == "Op de dag afgezegd"
    request = Request.objects.get(pk=match.request_id)
    assert request.status == "open" and request.committed == 0
    org, _ = company
    again = matches.match_propose(offer=open_offer(org, hr, title="Tweede poging"), request=request)
    assert again.status == "proposed"


def test_no_answer_stays_confirmed_and_is_listed_as_unconfirmed_after_14_days(cast, proposal):
    from oversight.selectors.outcomes import matches_to_settle

    match = days_pass(confirmed(cast, proposal), days=15)
    for _ in range(2):  # every beat task, twice: nothing completes by itself
        assert deadlines.expire_overdue() == 0
        deadlines.remind_unanswered()
        deadlines.remind_activities()
        outcomes.request_feedback()
        outcomes.ask_outcomes()
        from matching.tasks import activity_reminders, sweep_matches

        sweep_matches()
        activity_reminders()
    match.refresh_from_db()
    assert match.status == "confirmed" and match.outcome_asked_at is not None
    assert Notification.objects.filter(recipient=cast.teacher, event="match.outcome_request").count() == 1
    assert not Notification.objects.filter(event="match.feedback_request").exists()
    assert list(matches_to_settle(["overijssel"])) == [match]
    assert list(matches_to_settle(["overijssel"], today=timezone.localdate() - timedelta(days=2))) == []


def test_outcome_before_the_date_is_too_early_and_outsiders_get_403(cast, proposal):
    match = confirmed(cast, proposal)
    early = api(cast.teacher).post(f"/api/v1/matches/{match.pk}/outcome/", {"held": True}, format="json")
    assert early.status_code == 400 and early.json()["code"] == "too_early"
    days_pass(match)
    assert (
        api(cast.coordinator)
        .post(f"/api/v1/matches/{match.pk}/outcome/", {"held": True}, format="json")
        .status_code
        == 403
    )
    assert (
        api(cast.other_member)
        .post(f"/api/v1/matches/{match.pk}/outcome/", {"held": True}, format="json")
        .status_code
        == 404
    )
    assert Match.objects.get(pk=match.pk).status == "confirmed"


def test_the_one_click_link_records_only_its_answer_without_login(
    client, cast, proposal, django_capture_on_commit_callbacks
):
    match = days_pass(confirmed(cast, proposal))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.ask_outcomes()
    asked = [m for m in mail.outbox if m.to == [cast.teacher.email]]
    assert len(asked) == 1 and "/matches/took-place/" in asked[0].body
    # The first link is "yes, it took place", the second "no" (the mail is in the person's language).
    held_url, not_held_url = re.findall(r"http\S+/matches/took-place/\S+/", asked[0].body)
    assert held_url != not_held_url
    assert (
        client.get(held_url.replace("http://127.0.0.1:8000", "")[:-5] + "xxxxx/").status_code == 400
    )  # forged
    assert Match.objects.get(pk=match.pk).status == "confirmed"
    response = client.get(held_url.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200 and "recorded" in response.content.decode()
    match.refresh_from_db()
    assert match.status == "completed" and match.school_held is True and match.school_held_by == cast.teacher
    assert "_auth_user_id" not in client.session  # no login happened


def test_an_expired_or_foreign_link_records_nothing(client, cast, proposal, settings):
    match, hr = proposal
    match = days_pass(confirmed(cast, proposal))
    token = outcome_token(match_id=match.pk, side="company", user_id=cast.teacher.pk, held=True)
    assert client.get(f"/matches/took-place/{token}/").status_code == 403  # the teacher is no company member
    settings.MATCH_OUTCOME_LINK_DAYS = -1
    token = outcome_token(match_id=match.pk, side="school", user_id=cast.teacher.pk, held=True)
    response = client.get(f"/matches/took-place/{token}/")
    assert response.status_code == 400 and "not valid or has expired" in response.content.decode()
    assert Match.objects.get(pk=match.pk).school_held is None


# --- figures before and after ----------------------------------------------------------------------


def test_kpis_count_an_activity_as_held_only_once_a_side_says_so(cast, proposal):
    from oversight.schoolyear import school_year_of
    from oversight.selectors.kpis import dashboard_figures

    match = days_pass(confirmed(cast, proposal))
    year = school_year_of(match.activity_date)
    before = dashboard_figures(["overijssel"], year, today=timezone.localdate())["kpis"]
    assert (before["activities"], before["schools_reached"], before["confirmed"]) == (0, 0, 1)
    outcomes.match_outcome(match=match, by=cast.teacher, held=True)
    after = dashboard_figures(["overijssel"], year, today=timezone.localdate())["kpis"]
    assert (after["activities"], after["schools_reached"], after["confirmed"]) == (1, 1, 0)


def test_the_data_migration_keeps_old_completed_matches_completed_and_marks_them(cast, proposal):
    import importlib

    from django.apps import apps

    match = days_pass(confirmed(cast, proposal))
    Match.objects.filter(pk=match.pk).update(status="completed")
    migration = importlib.import_module("matching.migrations.0008_match_agreed_dates_and_outcome")
    migration.mark_completed_automatically(apps, None)
    match.refresh_from_db()
    assert match.status == "completed" and match.completed_automatically and match.completed_at


# --- the member's to-do follows the agreement and the outcome ---------------------------------


def test_the_to_do_lists_a_date_to_agree_and_an_activity_to_confirm_until_answered(cast, proposal):
    from matching.selectors import member_todo

    match, hr = proposal
    match = confirmed(cast, proposal)
    assert member_todo(hr)["date"] == [] and member_todo(cast.teacher)["date"] == []
    matches.match_set_date(match=match, by=cast.teacher, activity_date=weekday_after(match.activity_date, 1))
    # The school proposed it: the company has to agree, the school waits.
    assert [m.pk for m in member_todo(hr)["date"]] == [match.pk]
    assert member_todo(cast.teacher)["date"] == []

    match = days_pass(Match.objects.get(pk=match.pk))
    assert [m.pk for m in member_todo(cast.teacher)["complete"]] == [match.pk]
    outcomes.match_outcome(match=match, by=cast.teacher, held=True)
    # The school answered; the company may still say so too, but the school's list is empty.
    assert member_todo(cast.teacher)["complete"] == []
