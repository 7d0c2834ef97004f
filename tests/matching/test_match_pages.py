from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import Match
from matching.services import matches
from tests.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(cast):
    company = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True, user__email="hr@zwolle.nl").user
    match = matches.match_propose(
        offer=open_offer(company, hr), request=open_request(cast.school, cast.teacher)
    )
    return match, hr


def test_tabs_put_a_proposal_where_each_side_expects_it(client, cast, proposal):
    match, hr = proposal
    client.force_login(cast.teacher)
    assert "Zwolle Tech" in client.get("/matches/?tab=todo").content.decode()
    client.post(f"/matches/{match.pk}/accept/")
    assert "Zwolle Tech" not in client.get("/matches/?tab=todo").content.decode()
    assert "Zwolle Tech" in client.get("/matches/?tab=waiting").content.decode()
    client.force_login(hr)
    assert match.request.title in client.get("/matches/?tab=todo").content.decode()


def test_both_accept_on_the_pages_then_contacts_appear(client, cast, proposal):
    match, hr = proposal
    client.force_login(cast.teacher)
    assert "hr@zwolle.nl" not in client.get(f"/matches/{match.pk}/").content.decode()
    client.post(f"/matches/{match.pk}/accept/")
    client.force_login(hr)
    response = client.post(f"/matches/{match.pk}/accept/", follow=True)
    assert "confirmed" in response.content.decode()
    client.force_login(cast.teacher)
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert "hr@zwolle.nl" in page
    assert Match.objects.get(pk=match.pk).status == "confirmed"


def test_decline_with_reason_and_cancel_needs_one(client, cast, proposal):
    match, hr = proposal
    client.force_login(hr)
    client.post(f"/matches/{match.pk}/cancel/", {"reason": ""})
    assert Match.objects.get(pk=match.pk).status == "proposed"
    client.post(f"/matches/{match.pk}/decline/", {"reason": "Geen tijd"})
    match.refresh_from_db()
    assert match.status == "declined" and match.end_reason == "Geen tijd"


def test_outsiders_and_coordinators(client, cast, proposal):
    match, _ = proposal
    client.force_login(cast.other_member)
    assert client.get(f"/matches/{match.pk}/").status_code == 404
    client.force_login(cast.coordinator)
    assert client.get(f"/matches/{match.pk}/").status_code == 200
    assert client.post(f"/matches/{match.pk}/accept/").status_code == 403
    assert Match.objects.get(pk=match.pk).school_accepted_at is None


def test_feedback_after_the_date(client, cast, proposal):
    match, hr = proposal
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=hr)
    Match.objects.filter(pk=match.pk).update(activity_date=timezone.localdate() - timedelta(days=2))
    client.force_login(cast.teacher)
    assert "How did it go?" in client.get(f"/matches/{match.pk}/").content.decode()
    client.post(f"/matches/{match.pk}/feedback/", {"rating": "4", "comment": "Top"})
    assert match.feedback.get().rating == 4


def test_list_queries_do_not_grow(client, cast, django_assert_max_num_queries):
    company = OrganisationFactory(kind="company", name="Veel BV", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    offer = open_offer(company, hr, capacity=40)
    client.force_login(hr)

    def add(n):
        for _ in range(n):
            matches.match_propose(offer=offer, request=open_request(cast.school, cast.teacher))

    add(2)
    with django_assert_max_num_queries(16):
        client.get("/matches/?tab=todo")
    add(20)
    with django_assert_max_num_queries(16):
        assert client.get("/matches/?tab=todo").status_code == 200


def test_teacher_asks_an_offer_from_its_page(client, cast):
    company = OrganisationFactory(kind="company", name="Online BV", at="Delft")
    hr = MembershipFactory(organisation=company, is_admin=True).user
    offer = open_offer(company, hr, online=True)
    request = open_request(cast.school, cast.teacher)
    client.force_login(cast.teacher)
    page = client.get(f"/offers/{offer.pk}/").content.decode()
    assert "Ask this offer" in page and request.title in page
    response = client.post(f"/offers/{offer.pk}/ask/", {"counterpart": request.pk})
    match = Match.objects.get(offer=offer, request=request)
    assert response.status_code == 302 and match.source == "school"
    client.force_login(hr)
    assert request.title in client.get("/matches/?tab=todo").content.decode()
    # Another school's request cannot be used.
    other = open_request(cast.other_school, cast.other_member)
    client.force_login(cast.teacher)
    assert client.post(f"/offers/{offer.pk}/ask/", {"counterpart": other.pk}).status_code in (403, 404)
