"""Events of accounts (invitation, verification) reach the right people through the outbox."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import AuditEntry
from accounts.services.invitations import invitation_create
from accounts.services.organisations import organisation_reject, organisation_verify
from notifications.delivery import sweep
from notifications.models import Delivery, Notification
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_invitation_to_a_new_address_is_an_outbox_mail_in_the_inviters_language(
    cast, django_capture_on_commit_callbacks
):
    cast.school_admin.language = "en"
    cast.school_admin.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            organisation=cast.school, email="Nieuw@School.nl", by=cast.school_admin
        )
    delivery = Delivery.objects.get(to_email="nieuw@school.nl")
    assert delivery.notification is None
    assert delivery.status == Delivery.Status.SENT
    [message] = [m for m in mail.outbox if m.to == ["nieuw@school.nl"]]
    assert message.subject == f"Invitation to join {cast.school.name} on Techniekpact Match"
    assert f"/invitations/{invitation.token}/" in message.body
    assert "invites you to join" in message.alternatives[0][0]
    # No account yet, so nothing in any inbox.
    assert not Notification.objects.filter(event="invitation.created").exists()


def test_invitation_to_an_existing_account_lands_in_the_inbox_in_their_language(
    cast, django_capture_on_commit_callbacks
):
    person = UserFactory(email="bestaand@example.nl", language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(organisation=cast.company, email=person.email, by=cast.hr)
    notification = Notification.objects.get(event="invitation.created", recipient=person)
    assert notification.link.endswith(f"/invitations/{invitation.token}/")
    assert cast.company.name in notification.title
    assert "Uitnodiging" in notification.title  # Dutch, the invitee's language
    [message] = [m for m in mail.outbox if m.to == [person.email]]
    assert invitation.token in message.body


def test_invitation_mail_survives_an_smtp_failure(cast, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def flaky(self, messages):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionRefusedError("SMTP down")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(organisation=cast.school, email="later@school.nl", by=cast.school_admin)
    delivery = Delivery.objects.get(to_email="later@school.nl")
    assert delivery.status == Delivery.Status.PENDING and delivery.retry_after is not None
    Delivery.objects.filter(pk=delivery.pk).update(retry_after=delivery.created_at)
    sweep()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert [m.to for m in mail.outbox] == [["later@school.nl"]]


def test_verification_and_rejection_tell_every_member_and_are_audited(cast, settings):
    cast.school.verified_at = None
    cast.school.save()
    organisation_reject(organisation=cast.school, by=cast.coordinator, reason="BRIN klopt niet")
    rejected = Notification.objects.filter(event="organisation.rejected")
    assert {n.recipient for n in rejected} == {cast.teacher, cast.school_admin}
    assert all("BRIN klopt niet" in n.body for n in rejected)

    organisation_verify(organisation=cast.school, by=cast.coordinator)
    verified = Notification.objects.filter(event="organisation.verified")
    assert {n.recipient for n in verified} == {cast.teacher, cast.school_admin}
    # Nobody outside the organisation hears about it.
    assert not Notification.objects.filter(
        recipient__in=[cast.hr, cast.other_member, cast.coordinator]
    ).exists()

    entries = list(AuditEntry.objects.filter(organisation=cast.school).order_by("created_at", "id"))
    assert [e.action for e in entries] == ["organisation.rejected", "organisation.verified"]
    assert entries[0].reason == "BRIN klopt niet"
    assert entries[0].actor == cast.coordinator and entries[0].province == cast.school.province
