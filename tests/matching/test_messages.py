"""The conversation thread of a match (DESIGN §5): both sides and the region's coordinator read and
write; strangers get 404; every message notifies everyone else in the thread, in their language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from matching.models import Match, MatchMessage
from matching.services import matches
from matching.services.messages import match_message_post
from notifications.models import Notification
from tests.accounts.factories import MembershipFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def match(cast) -> Match:
    """A proposal between the cast's school (Zwolle) and company (Enschede), both in Overijssel."""
    # Plain names, so that page assertions never trip over HTML escaping ("van 't Hof").
    people = ((cast.teacher, "Anne de Vries"), (cast.hr, "Bram Jansen"), (cast.coordinator, "Carla Smit"))
    for person, name in people:
        person.name = name
        person.save()
    return matches.match_propose(
        offer=open_offer(cast.company, cast.hr, title="Gastles robotica"),
        request=open_request(cast.school, cast.teacher, title="Robotica voor havo 4"),
    )


def _thread(match: Match) -> list[tuple[str, str]]:
    return list(MatchMessage.objects.filter(match=match).order_by("pk").values_list("side", "body"))


def test_both_sides_and_the_coordinator_talk_on_the_match_page(client, cast, match):
    url = f"/matches/{match.pk}/"
    client.force_login(cast.teacher)
    response = client.post(f"{url}messages/", {"body": "Past dinsdag 10 maart?\nLokaal 2.14."})
    assert response.status_code == 302 and response["Location"] == f"{url}#messages"
    assert "Your message has been sent." in client.get(url).content.decode()

    client.force_login(cast.hr)
    page = client.get(url).content.decode()
    assert 'id="messages"' in page and "Past dinsdag 10 maart?<br>Lokaal 2.14." in page
    assert cast.teacher.name in page and cast.school.name in page
    client.post(f"{url}messages/", {"body": "Dinsdag past, tot dan."})

    # The coordinator of the province opens the match and writes along.
    client.force_login(cast.coordinator)
    page = client.get(url).content.decode()
    assert "Dinsdag past, tot dan." in page and cast.company.name in page
    assert 'name="body"' in page and 'for="id_body"' in page  # a labelled textarea
    client.post(f"{url}messages/", {"body": "Fijn dat het gelukt is!"})
    client.force_login(cast.teacher)
    page = client.get(url).content.decode()
    assert "Fijn dat het gelukt is!" in page
    assert "<strong>Carla Smit</strong>" in page and "(coordinator)" in page

    assert _thread(match) == [
        ("school", "Past dinsdag 10 maart?\nLokaal 2.14."),
        ("company", "Dinsdag past, tot dan."),
        ("coordinator", "Fijn dat het gelukt is!"),
    ]


def test_both_sides_and_the_coordinator_talk_through_the_api(cast, match):
    url = f"/api/v1/matches/{match.pk}/messages/"
    response = api(cast.teacher).post(url, {"body": "  Hallo vanuit school  "}, format="json")
    assert response.status_code == 201
    assert response.json()["body"] == "Hallo vanuit school"
    assert response.json()["side"] == "school" and response.json()["author_name"] == cast.teacher.name
    assert api(cast.hr).post(url, {"body": "Hallo vanuit het bedrijf"}, format="json").status_code == 201
    assert api(cast.coordinator).post(url, {"body": "Hallo allebei"}, format="json").status_code == 201

    for reader in (cast.teacher, cast.hr, cast.coordinator, cast.platform_admin):
        body = api(reader).get(url).json()
        assert [(m["side"], m["body"]) for m in body] == [
            ("school", "Hallo vanuit school"),
            ("company", "Hallo vanuit het bedrijf"),
            ("coordinator", "Hallo allebei"),
        ]
        assert set(body[0]) == {"id", "author_name", "side", "body", "created_at"}


def test_strangers_get_404_on_the_page_and_in_the_api(client, cast, match):
    match_message_post(match=match, author=cast.teacher, body="Alleen voor ons")
    for outsider in (cast.other_member, cast.coordinator_elsewhere, cast.stranger):
        client.force_login(outsider)
        assert client.get(f"/matches/{match.pk}/").status_code == 404
        assert client.post(f"/matches/{match.pk}/messages/", {"body": "Hoi"}).status_code == 404
        url = f"/api/v1/matches/{match.pk}/messages/"
        assert api(outsider).get(url).status_code == 404
        assert api(outsider).post(url, {"body": "Hoi"}, format="json").status_code == 404
    assert _thread(match) == [("school", "Alleen voor ons")]
    assert Notification.objects.filter(event="match.message", recipient=cast.other_member).count() == 0


def test_an_empty_message_is_refused_with_a_clear_error(client, cast, match):
    client.force_login(cast.teacher)
    response = client.post(f"/matches/{match.pk}/messages/", {"body": "   \n "})
    assert response.status_code == 200
    assert "Write a message before sending it." in response.content.decode()

    # Too long: the error is shown and the typed text is still in the box.
    text = "Lange tekst " * 420 + "einde"
    response = client.post(f"/matches/{match.pk}/messages/", {"body": text})
    page = response.content.decode()
    assert response.status_code == 200 and "at most 5000 characters" in page and text in page

    url = f"/api/v1/matches/{match.pk}/messages/"
    response = api(cast.teacher).post(url, {"body": " "}, format="json")
    assert response.status_code == 400 and response.json() == {"body": ["Write a message before sending it."]}
    response = api(cast.teacher).post(url, {}, format="json")
    assert response.status_code == 400 and "body" in response.json()
    assert api(cast.teacher).post(url, {"body": text}, format="json").status_code == 400
    assert _thread(match) == []


def test_someone_who_may_read_but_not_write_gets_403(client, cast, match, monkeypatch):
    # The rule lets everyone who can see a match write; should that change, the refusal is a 403.
    monkeypatch.setattr("matching.selectors.match_can_post_message", lambda user, match: False)
    url = f"/api/v1/matches/{match.pk}/messages/"
    assert api(cast.coordinator).get(url).status_code == 200
    assert api(cast.coordinator).post(url, {"body": "Hoi"}, format="json").status_code == 403
    client.force_login(cast.coordinator)
    assert 'name="body"' not in client.get(f"/matches/{match.pk}/").content.decode()
    assert client.post(f"/matches/{match.pk}/messages/", {"body": "Hoi"}).status_code == 403
    assert _thread(match) == []


def test_a_message_notifies_everyone_else_in_their_language(cast, match, django_capture_on_commit_callbacks):
    cast.hr.language = "en"
    cast.hr.save()
    long_text = "Wij nemen 24 leerlingen mee. " + "x" * 400
    with django_capture_on_commit_callbacks(execute=True):
        message = match_message_post(match=match, author=cast.teacher, body=long_text)

    told = Notification.objects.filter(event="match.message")
    assert sorted(told.values_list("recipient__email", flat=True)) == sorted(
        [cast.school_admin.email, cast.hr.email, cast.coordinator.email]
    )
    for_hr = told.get(recipient=cast.hr)
    assert for_hr.title == "New message about Gastles robotica"
    assert for_hr.body == f"{cast.teacher.name} wrote: {long_text[:300]}…"
    assert for_hr.group == "messages" and for_hr.link == f"/matches/{match.pk}/#messages"
    assert (for_hr.object_type, for_hr.object_id) == ("match_message", str(message.pk))
    assert [m.subject for m in mail.outbox if m.to == [cast.hr.email]] == [for_hr.title]

    # Each message is its own notification; the author hears nothing of their own.
    match_message_post(match=match, author=cast.hr, body="Prima!")
    assert told.filter(recipient=cast.hr).count() == 1
    assert told.filter(recipient=cast.teacher).count() == 1
    assert told.filter(recipient=cast.school_admin).count() == 2
    assert told.filter(recipient=cast.coordinator).count() == 2
    assert not told.filter(recipient__in=[cast.other_member, cast.coordinator_elsewhere]).exists()


def test_the_thread_outlives_its_author_and_never_shows_an_email_address(client, cast, match):
    nameless = MembershipFactory(organisation=cast.company, user__name="", user__email="nn@company.nl").user
    match_message_post(match=match, author=nameless, body="Zonder naam")
    match_message_post(match=match, author=cast.teacher, body="Met naam")
    matches.match_decline(match=match, by=cast.hr)
    # Allowed in every status: people may need to talk after a decline.
    match_message_post(match=match, author=cast.hr, body="Jammer, een volgende keer?")
    cast.teacher.delete()

    client.force_login(cast.school_admin)
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert "Someone from the company" in page and "nn@company.nl" not in page
    assert "Someone from the school" in page and "Met naam" in page
    assert "Jammer, een volgende keer?" in page
    assert [m["author_name"] for m in api(cast.hr).get(f"/api/v1/matches/{match.pk}/messages/").json()] == [
        "Someone from the company",
        "Someone from the school",
        cast.hr.name,
    ]


def _post_as_new_members(cast, match: Match, count: int) -> None:
    for n in range(count):
        author = MembershipFactory(organisation=cast.school).user
        match_message_post(match=match, author=author, body=f"Bericht {n}")


def test_the_thread_costs_the_same_queries_for_2_or_20_messages(
    client, cast, match, django_assert_max_num_queries
):
    client.force_login(cast.hr)
    page_url, api_url = f"/matches/{match.pk}/", f"/api/v1/matches/{match.pk}/messages/"
    _post_as_new_members(cast, match, 2)
    with CaptureQueriesContext(connection) as page_queries:
        assert client.get(page_url).status_code == 200
    with CaptureQueriesContext(connection) as api_queries:
        assert len(api(cast.hr).get(api_url).json()) == 2

    _post_as_new_members(cast, match, 18)
    with django_assert_max_num_queries(len(page_queries)):
        assert client.get(page_url).content.decode().count('id="message-') == 20
    with django_assert_max_num_queries(len(api_queries)):
        assert len(api(cast.hr).get(api_url).json()) == 20
