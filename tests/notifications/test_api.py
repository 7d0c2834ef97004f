"""/api/v1/notifications/: own notifications only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_lists_only_own_notifications_and_filters_unread(cast, send, api):
    [first] = send(cast.teacher, object_id="1", title="First")
    send(cast.teacher, object_id="2", title="Second")
    send(cast.hr, object_id="1", title="For HR")
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    api.force_authenticate(cast.teacher)

    everything = api.get("/api/v1/notifications/").json()
    unread = api.get("/api/v1/notifications/?unread=true").json()

    assert everything["count"] == 2
    assert {item["title"] for item in everything["results"]} == {"First", "Second"}
    assert [item["title"] for item in unread["results"]] == ["Second"]
    assert unread["results"][0]["is_read"] is False


def test_someone_elses_notification_is_404(cast, send, api):
    [note] = send(cast.teacher)
    api.force_authenticate(cast.hr)

    assert api.get(f"/api/v1/notifications/{note.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None

    api.force_authenticate(cast.teacher)
    detail = api.get(f"/api/v1/notifications/{note.pk}/")
    assert detail.status_code == 200
    assert detail.json()["link"] == "/matches/7/"


def test_mark_read_and_read_all(cast, send, api):
    [note] = send(cast.teacher, object_id="1")
    send(cast.teacher, object_id="2")
    send(cast.teacher, object_id="3")
    send(cast.hr, object_id="1")
    api.force_authenticate(cast.teacher)

    marked = api.post(f"/api/v1/notifications/{note.pk}/read/")
    assert marked.status_code == 200
    assert marked.json()["is_read"] is True

    assert api.post("/api/v1/notifications/read-all/").json() == {"updated": 2}
    assert not Notification.objects.filter(recipient=cast.teacher, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cast.hr, read_at__isnull=True).count() == 1


def test_anonymous_is_refused(api):
    assert api.get("/api/v1/notifications/").status_code in (401, 403)
