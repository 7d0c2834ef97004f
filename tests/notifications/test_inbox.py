"""The inbox page, mark read, mark all read, and the preferences page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.context_processors import inbox
from notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db


def test_inbox_lists_own_notifications_with_unread_count(cast, send, client):
    send(cast.teacher, title="Proposal for the guest lesson", object_id="1")
    send(cast.teacher, title="Second proposal", object_id="2")
    send(cast.hr, title="Not for the teacher", object_id="3")
    client.force_login(cast.teacher)

    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Proposal for the guest lesson" in page
    assert "Second proposal" in page
    assert "Not for the teacher" not in page
    assert "2 unread notifications" in page
    assert "Mark all as read" in page
    assert "style=" not in page


def test_empty_inbox_says_so(cast, client):
    client.force_login(cast.teacher)

    page = client.get(reverse("notifications:inbox")).content.decode()

    assert "No notifications yet" in page
    assert "Mark all as read" not in page


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_opening_an_item_marks_it_read_and_follows_its_link(cast, send, client):
    [note] = send(cast.teacher)
    client.force_login(cast.teacher)

    response = client.post(reverse("notifications:mark_read", args=[note.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/matches/7/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "0 unread notifications" in client.get(reverse("notifications:inbox")).content.decode()


def test_marking_read_needs_post_and_others_get_404(cast, send, client):
    [note] = send(cast.teacher)
    client.force_login(cast.hr)

    assert client.get(reverse("notifications:mark_read", args=[note.pk])).status_code == 405
    assert client.post(reverse("notifications:mark_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_an_absolute_link_is_never_followed(cast, send, client):
    [note] = send(cast.teacher, link="https://evil.example.com/")
    client.force_login(cast.teacher)

    response = client.post(reverse("notifications:mark_read", args=[note.pk]))

    assert response["Location"] == reverse("notifications:inbox")


def test_mark_all_read_only_touches_own(cast, send, client):
    send(cast.teacher, object_id="1")
    send(cast.teacher, object_id="2")
    send(cast.hr, object_id="1")
    client.force_login(cast.teacher)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=cast.teacher, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cast.hr, read_at__isnull=True).count() == 1


def test_inbox_queries_do_not_grow_with_the_list(cast, send, client, django_assert_max_num_queries):
    client.force_login(cast.teacher)
    for number in range(3):
        send(cast.teacher, object_id=str(number))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notifications:inbox"))
    for number in range(3, 30):
        send(cast.teacher, object_id=str(number))
    with django_assert_max_num_queries(12) as many:
        response = client.get(reverse("notifications:inbox"))

    assert response.content.decode().count("notifications/") > 25
    assert len(many.captured_queries) == len(few.captured_queries)


def test_preferences_page_saves_each_group(cast, client):
    client.force_login(cast.teacher)
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    assert 'name="proposals" value="immediately" id="id_proposals_0" required checked' in page
    assert "Daily digest" in page

    choices = dict.fromkeys(
        ["proposals", "matches", "reminders", "messages", "digests", "alerts", "account"], "immediately"
    )
    choices.update(proposals="daily", messages="off")
    response = client.post(url, choices, follow=True)

    assert "Your notification settings are saved." in response.content.decode()
    assert 'name="proposals" value="daily" id="id_proposals_1" required checked' in response.content.decode()
    saved = dict(Preference.objects.filter(user=cast.teacher).values_list("group", "email_mode"))
    assert saved["proposals"] == "daily"
    assert saved["messages"] == "off"
    assert saved["matches"] == "immediately"
    assert client.post(url, {**choices, "proposals": "hourly"}).status_code == 200  # invalid: re-shown
    assert Preference.objects.get(user=cast.teacher, group="proposals").email_mode == "daily"


def test_context_processor_counts_unread(cast, send, rf, django_assert_num_queries):
    send(cast.teacher, object_id="1")
    send(cast.teacher, object_id="2")
    request = rf.get("/")
    request.user = cast.teacher

    context = inbox(request)

    with django_assert_num_queries(1):
        assert str(context["unread_notifications"]) == "2"
    request.user = cast.stranger
    assert not inbox(request)["unread_notifications"]
