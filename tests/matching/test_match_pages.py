"""The match pages (issue 4): the list with its tabs, the detail with its actions, self-service.

Matches are made with `matches.match_propose` directly: in these non-transactional tests the
on-commit hooks that would run the matcher after publishing never fire.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching.models import Match
from matching.services import matches
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import SOON, open_offer, open_request, weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(cast):
    """A company near the school (both in Zwolle), with one HR person who has a phone number."""
    org = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    hr = MembershipFactory(
        organisation=org, is_admin=True, user__email="hr@zwolle.nl", user__phone="038-1234567"
    ).user
    return org, hr


@pytest.fixture
def proposal(cast, company):
    org, hr = company
    match = matches.match_propose(
        offer=open_offer(org, hr, title="Gastles robotica"),
        request=open_request(cast.school, cast.teacher, title="Robotica voor havo 4"),
    )
    return match, hr


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_each_side_finds_a_proposal_in_the_right_tab(client, cast, proposal):
    match, hr = proposal
    client.force_login(cast.teacher)
    assert "Zwolle Tech" in page(client, "/matches/")  # "awaiting my answer" is the first tab
    assert "Zwolle Tech" not in page(client, "/matches/?tab=waiting")

    client.post(f"/matches/{match.pk}/accept/")
    assert "Zwolle Tech" not in page(client, "/matches/?tab=todo")
    assert "Zwolle Tech" in page(client, "/matches/?tab=waiting")

    client.force_login(hr)
    todo = page(client, "/matches/?tab=todo")
    assert "Robotica voor havo 4" in todo and cast.school.name in todo
    assert f'action="/matches/{match.pk}/accept/"' in todo  # inline accept
    client.post(f"/matches/{match.pk}/accept/")
    assert cast.school.name in page(client, "/matches/?tab=confirmed")
    assert cast.school.name not in page(client, "/matches/?tab=todo")

    client.force_login(cast.teacher)
    assert "Zwolle Tech" in page(client, "/matches/?tab=confirmed")
    assert "Zwolle Tech" not in page(client, "/matches/?tab=past")


def test_list_row_says_why_and_empty_tabs_say_what_happens_next(client, cast, proposal):
    match, _ = proposal
    client.force_login(cast.teacher)
    row = page(client, "/matches/?tab=todo")
    assert f"{round(match.score * 100)}% fit" in row
    assert "any subject" in row  # the request names no subjects
    assert "km" in row and "answer before" in row
    assert "No past matches yet" in page(client, "/matches/?tab=past")
    client.force_login(cast.other_member)
    assert "The matcher proposes pairs as soon as" in page(client, "/matches/")


def test_both_accept_on_the_pages_then_contacts_appear(client, cast, proposal):
    match, hr = proposal
    client.force_login(cast.teacher)
    before = page(client, f"/matches/{match.pk}/")
    assert "hr@zwolle.nl" not in before and "appear here once both sides have accepted" in before
    assert "Why this match" in before and "Robotica voor havo 4" in before
    assert f'href="/offers/{match.offer_id}/"' in before  # the offer is open, so the teacher may view it
    client.post(f"/matches/{match.pk}/accept/")
    assert "hr@zwolle.nl" not in page(client, f"/matches/{match.pk}/")

    client.force_login(hr)
    response = client.post(f"/matches/{match.pk}/accept/", follow=True)
    assert "Confirmed!" in response.content.decode()
    assert Match.objects.get(pk=match.pk).status == "confirmed"

    client.force_login(cast.teacher)
    after = page(client, f"/matches/{match.pk}/")
    assert "hr@zwolle.nl" in after and "038-1234567" in after
    assert "The school accepted" in after and "The company accepted" in after


def test_decline_on_the_page_keeps_the_reason(client, cast, proposal):
    match, hr = proposal
    client.force_login(hr)
    assert 'id="decline-reason"' in page(client, f"/matches/{match.pk}/")
    client.post(f"/matches/{match.pk}/decline/", {"reason": "Geen tijd dit kwartaal"})
    match.refresh_from_db()
    assert match.status == "declined" and match.end_reason == "Geen tijd dit kwartaal"
    client.force_login(cast.teacher)
    detail = page(client, f"/matches/{match.pk}/")
    assert "Declined by the company" in detail and "Geen tijd dit kwartaal" in detail
    assert "Zwolle Tech" in page(client, "/matches/?tab=past")


def test_cancelling_a_confirmed_match_needs_a_reason(client, cast, proposal):
    match, hr = proposal
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=hr)
    client.force_login(hr)
    response = client.post(f"/matches/{match.pk}/cancel/", {"reason": "  "}, follow=True)
    assert "Give a reason" in response.content.decode()
    assert Match.objects.get(pk=match.pk).status == "confirmed"

    client.post(f"/matches/{match.pk}/cancel/", {"reason": "Spreker ziek"})
    match.refresh_from_db()
    assert match.status == "cancelled" and match.end_reason == "Spreker ziek"


def test_another_school_gets_404_and_the_coordinator_reads_only(client, cast, proposal):
    match, _ = proposal
    client.force_login(cast.other_member)
    assert client.get(f"/matches/{match.pk}/").status_code == 404
    assert client.post(f"/matches/{match.pk}/accept/").status_code == 404
    assert "Robotica voor havo 4" not in page(client, "/matches/?tab=waiting")
    client.force_login(cast.coordinator_elsewhere)
    assert client.get(f"/matches/{match.pk}/").status_code == 404

    client.force_login(cast.coordinator)
    detail = page(client, f"/matches/{match.pk}/")
    assert "coordinator of the province" in detail and 'id="decline-reason"' not in detail
    listing = page(client, "/matches/")
    assert "Awaiting an answer" in listing and "Robotica voor havo 4" in listing
    assert f'action="/matches/{match.pk}/accept/"' not in listing
    assert client.post(f"/matches/{match.pk}/accept/").status_code == 403
    assert client.post(f"/matches/{match.pk}/decline/").status_code == 403
    assert Match.objects.get(pk=match.pk).school_accepted_at is None


def test_the_date_can_be_set_within_the_overlap_only(client, cast, proposal):
    match, _ = proposal
    client.force_login(cast.teacher)
    day = weekday_after(SOON, 3)
    client.post(f"/matches/{match.pk}/date/", {"activity_date": day.isoformat()})
    assert Match.objects.get(pk=match.pk).activity_date == day
    before = weekday_after(SOON - timedelta(days=5), 0)
    response = client.post(f"/matches/{match.pk}/date/", {"activity_date": before.isoformat()}, follow=True)
    assert "Date: Choose a date between" in response.content.decode()
    assert Match.objects.get(pk=match.pk).activity_date == day


def test_feedback_and_completion_only_after_the_date(client, cast, proposal):
    match, hr = proposal
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=hr)
    client.force_login(cast.teacher)
    upcoming = page(client, f"/matches/{match.pk}/")
    assert "How did it go?" not in upcoming and "Yes, it took place" not in upcoming

    Match.objects.filter(pk=match.pk).update(activity_date=timezone.localdate() - timedelta(days=2))
    past = page(client, f"/matches/{match.pk}/")
    # First "did it take place?"; feedback only once a side said it did.
    assert "Yes, it took place" in past and "No, it did not take place" in past
    assert "How did it go?" not in past
    client.post(f"/matches/{match.pk}/outcome/", {"held": "yes"})
    assert Match.objects.get(pk=match.pk).status == "completed"
    past = page(client, f"/matches/{match.pk}/")
    assert "How did it go?" in past and 'type="radio"' in past and "Yes, it took place" not in past
    client.post(f"/matches/{match.pk}/feedback/", {"rating": "4", "comment": "Top les"})
    assert match.feedback.get().rating == 4
    done = page(client, f"/matches/{match.pk}/")
    assert "4 out of 5" in done and "Top les" in done and "How did it go?" not in done

    client.force_login(hr)
    client.post(f"/matches/{match.pk}/feedback/", {"rating": "5"})
    assert Match.objects.get(pk=match.pk).status == "evaluated"


def test_teacher_asks_an_offer_and_the_company_answers(client, cast):
    org = OrganisationFactory(kind="company", name="Online BV", at="Delft")
    hr = MembershipFactory(organisation=org, is_admin=True).user
    offer = open_offer(org, hr, online=True)
    # Far away, but both sides are fine with online: the rule book allows the pair.
    wanted = open_request(cast.school, cast.teacher, title="Online gastles gezocht", online_ok=True)
    client.force_login(cast.teacher)
    assert f'action="/offers/{offer.pk}/ask/"' in page(client, f"/offers/{offer.pk}/")

    response = client.post(f"/offers/{offer.pk}/ask/", {"counterpart": wanted.pk})
    match = Match.objects.get(offer=offer, request=wanted)
    assert response.status_code == 302 and response["Location"] == f"/matches/{match.pk}/"
    assert match.source == "school" and match.school_accepted_at is not None
    assert "Online BV" in page(client, "/matches/?tab=waiting")
    client.force_login(hr)
    assert "Online gastles gezocht" in page(client, "/matches/?tab=todo")

    # Another school's request cannot be used, nor can a company ask on a school's behalf.
    other = open_request(cast.other_school, cast.other_member, online_ok=True)
    client.force_login(cast.teacher)
    assert client.post(f"/offers/{offer.pk}/ask/", {"counterpart": other.pk}).status_code == 404
    client.force_login(hr)
    assert client.post(f"/offers/{offer.pk}/ask/", {"counterpart": wanted.pk}).status_code == 403


def test_company_proposes_an_offer_and_errors_are_shown(client, cast, company):
    org, hr = company
    offer = open_offer(org, hr)
    wanted = open_request(cast.school, cast.teacher)
    visit = open_request(cast.school, cast.teacher, kind="company_visit", title="Bedrijfsbezoek")
    client.force_login(hr)
    response = client.post(f"/requests/{visit.pk}/propose/", {"counterpart": offer.pk}, follow=True)
    assert "another kind than the request" in response.content.decode()
    assert not Match.objects.filter(request=visit).exists()

    client.post(f"/requests/{wanted.pk}/propose/", {"counterpart": offer.pk})
    match = Match.objects.get(offer=offer, request=wanted)
    assert match.source == "company" and match.company_accepted_at is not None
    client.force_login(cast.teacher)
    assert "Zwolle Tech" in page(client, "/matches/?tab=todo")


def test_self_service_partials_render_a_labelled_form(rf, cast, company):
    org, hr = company
    offer = open_offer(org, hr)
    wanted = open_request(cast.school, cast.teacher, title="Robotica voor havo 4")
    request = rf.get("/")
    ask = render_to_string(
        "matching/partials/ask_offer.html", {"listing": offer, "counterparts": [wanted]}, request
    )
    assert f'action="/offers/{offer.pk}/ask/"' in ask and 'for="ask-counterpart"' in ask
    assert "Robotica voor havo 4" in ask
    propose = render_to_string(
        "matching/partials/propose_to_request.html", {"listing": wanted, "counterparts": [offer]}, request
    )
    assert f'action="/requests/{wanted.pk}/propose/"' in propose and 'for="propose-counterpart"' in propose
    empty = render_to_string("matching/partials/ask_offer.html", {"listing": offer, "counterparts": []})
    assert empty.strip() == ""


def test_list_queries_do_not_grow_with_the_matches(client, cast, company, django_assert_max_num_queries):
    org, hr = company
    offer = open_offer(org, hr, capacity=40)
    client.force_login(hr)

    def add(n: int) -> None:
        for i in range(n):
            matches.match_propose(offer=offer, request=open_request(cast.school, cast.teacher, title=f"R{i}"))

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/matches/?tab=todo").status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few)):
        body = page(client, "/matches/?tab=todo")
    assert body.count('action="/matches/') >= 2 * 22  # accept and decline on every row


def test_confirmed_activity_downloads_as_a_calendar_file_for_its_people_only(cast, client):
    from matching.services import matches as match_services
    from notifications.ics import parse_first_event
    from tests.accounts.factories import MembershipFactory, OrganisationFactory
    from tests.matching.helpers import open_offer, open_request

    company = OrganisationFactory(kind="company", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    match = match_services.match_propose(
        offer=open_offer(company, hr), request=open_request(cast.school, cast.teacher)
    )
    url = f"/matches/{match.pk}/calendar.ics"
    client.force_login(cast.teacher)
    assert client.get(url).status_code == 404  # not confirmed yet
    assert url not in client.get(f"/matches/{match.pk}/").content.decode()
    match_services.match_accept(match=match, by=cast.teacher)
    match_services.match_accept(match=match, by=hr)
    match.refresh_from_db()
    assert url in client.get(f"/matches/{match.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    event = parse_first_event(response.content)
    assert event["start"] == match.activity_date and event["uid"] == f"match-{match.pk}@techniekpact-match.nl"
    client.force_login(cast.other_member)
    assert client.get(url).status_code == 404
