"""notify(): one notification and delivery per recipient, idempotent, in each person's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from notifications.delivery import send_daily_digests
from notifications.inbox import preference_set
from notifications.models import Delivery, Notification, Preference
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_one_notification_and_delivery_per_recipient_and_idempotent_by_key(cast, send):
    first = send(cast.teacher, cast.school_admin)
    again = send(cast.teacher, cast.school_admin)

    assert len(first) == 2
    assert again == []
    assert Notification.objects.count() == 2
    assert Delivery.objects.count() == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PENDING}
    teacher_note = Notification.objects.get(recipient=cast.teacher)
    assert teacher_note.dedupe_key == f"match-proposed:match:7:{cast.teacher.pk}"
    assert teacher_note.deliveries.get().key == f"{teacher_note.dedupe_key}:email"
    # Another object or event is another notification.
    assert len(send(cast.teacher, object_id="8")) == 1
    assert len(send(cast.teacher, event="match-declined")) == 1


def test_inactive_recipients_get_nothing(cast, send):
    cast.stranger.is_active = False
    cast.stranger.save()

    assert send(cast.stranger) == []
    assert not Notification.objects.filter(recipient=cast.stranger).exists()


def test_unknown_group_is_refused(cast, send):
    with pytest.raises(ValueError):
        send(cast.teacher, group="gossip")


def test_text_is_rendered_in_each_recipients_language(cast, send, django_capture_on_commit_callbacks):
    english = UserFactory(language="en")
    dutch = UserFactory(language="nl")

    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        send(
            english,
            dutch,
            title=lambda: f"title in {translation.get_language()}",
            body=lambda: f"body in {translation.get_language()}",
        )

    assert Notification.objects.get(recipient=english).title == "title in en"
    assert Notification.objects.get(recipient=english).body == "body in en"
    assert Notification.objects.get(recipient=dutch).title == "title in nl"
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {english.email: "title in en", dutch.email: "title in nl"}
    english_mail = next(message for message in mail.outbox if message.to == [english.email])
    # The fixed parts of the mail follow the recipient's language too (English source strings).
    assert "Open in Techniekpact Match" in english_mail.body


def test_lazy_text_is_accepted(cast, send):
    send(cast.teacher, title=gettext_lazy("Notifications"), body=lambda: gettext_lazy("Notifications"))

    note = Notification.objects.get()
    assert isinstance(note.title, str)
    assert note.body == note.title


def test_preference_off_skips_the_email_but_keeps_the_inbox(cast, send, django_capture_on_commit_callbacks):
    preference_set(user=cast.teacher, group="proposals", email_mode=Preference.EmailMode.OFF)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(cast.teacher)

    assert callbacks == []
    assert Notification.objects.filter(recipient=cast.teacher).count() == 1
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED
    assert mail.outbox == []


def test_daily_preference_bundles_into_one_digest_mail(cast, send, django_capture_on_commit_callbacks):
    preference_set(user=cast.teacher, group="proposals", email_mode=Preference.EmailMode.DAILY)
    preference_set(user=cast.teacher, group="matches", email_mode=Preference.EmailMode.DAILY)

    with django_capture_on_commit_callbacks(execute=True):
        send(cast.teacher, cast.hr, title="Proposal one", object_id="1")
        send(cast.teacher, title="Proposal two", object_id="2")
        send(cast.teacher, title="Confirmed", event="match-confirmed", group="matches", object_id="1")

    # hr has no preference row: immediately. The teacher's three wait for the digest.
    assert [message.to for message in mail.outbox] == [[cast.hr.email]]
    assert Delivery.objects.filter(digest=True, status=Delivery.Status.PENDING).count() == 3

    assert send_daily_digests() == 1
    assert send_daily_digests() == 0

    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.to == [cast.teacher.email]
    for title in ("Proposal one", "Proposal two", "Confirmed"):
        assert title in digest.body
    assert Delivery.objects.filter(digest=True, status=Delivery.Status.SENT).count() == 3
