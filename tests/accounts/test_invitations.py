from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_invites_and_colleague_accepts(cast, client, django_capture_on_commit_callbacks):
    client.force_login(cast.school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invitation_create", args=[cast.school.pk]), {"email": "New@School.nl"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@school.nl")
    assert mail.outbox[-1].to == ["new@school.nl"]
    assert invitation.token in mail.outbox[-1].body

    newcomer = UserFactory(email="new@school.nl")
    client.force_login(newcomer)
    response = client.post(reverse("accounts:invitation_accept", args=[invitation.token]))
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, organisation=cast.school, is_admin=False).exists()
    # A used invitation cannot be used again.
    other = UserFactory(email="new2@school.nl")
    client.force_login(other)
    client.post(reverse("accounts:invitation_accept", args=[invitation.token]))
    assert not Membership.objects.filter(user=other).exists()


def test_expired_invitation_is_refused(cast, client):
    invitation = Invitation.objects.create(
        organisation=cast.school,
        email="late@school.nl",
        invited_by=cast.school_admin,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    late = UserFactory(email="late@school.nl")
    client.force_login(late)
    response = client.post(reverse("accounts:invitation_accept", args=[invitation.token]), follow=True)
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=late).exists()


def test_invitation_for_someone_else_is_refused(cast, client):
    invitation = Invitation.objects.create(
        organisation=cast.school,
        email="intended@school.nl",
        invited_by=cast.school_admin,
        expires_at=timezone.now() + timedelta(days=3),
    )
    client.force_login(cast.stranger)
    client.post(reverse("accounts:invitation_accept", args=[invitation.token]))
    assert not Membership.objects.filter(user=cast.stranger).exists()


def test_only_admins_invite_and_remove(cast, client):
    client.force_login(cast.teacher)
    response = client.post(reverse("accounts:invitation_create", args=[cast.school.pk]), {"email": "x@y.nl"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()

    membership = Membership.objects.get(user=cast.teacher)
    client.force_login(cast.school_admin)
    response = client.post(reverse("accounts:member_remove", args=[cast.school.pk, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_last_admin_cannot_be_removed(cast, client):
    from accounts.services.memberships import membership_remove

    admin_membership = Membership.objects.get(user=cast.school_admin)
    with pytest.raises(Exception, match="at least one admin"):
        membership_remove(membership=admin_membership, by=cast.school_admin)
    assert Membership.objects.filter(pk=admin_membership.pk).exists()
