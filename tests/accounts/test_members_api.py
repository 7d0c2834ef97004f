"""Members and admins through the API: /api/v1/organisations/{id}/members/, leave, invitations."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Invitation, Membership, Organisation
from tests.accounts.factories import make_api_token

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(user)}")
    return client


def members_url(org, user=None) -> str:
    return f"/api/v1/organisations/{org.pk}/members/" + (f"{user.pk}/" if user else "")


def test_admin_promotes_a_member_and_the_change_is_recorded(cast):
    admin = api_as(cast.school_admin)
    listed = admin.get(members_url(cast.school)).json()
    assert {m["email"]: m["is_admin"] for m in listed} == {
        "admin@school.nl": True,
        "teacher@school.nl": False,
    }

    response = admin.patch(members_url(cast.school, cast.teacher), {"is_admin": True}, format="json")
    assert response.status_code == 200 and response.json()["is_admin"] is True
    assert Membership.objects.get(user=cast.teacher, organisation=cast.school).is_admin
    entry = AuditEntry.objects.get(action="membership.admin_granted")
    assert (entry.actor, entry.organisation, entry.object_id) == (
        cast.school_admin,
        cast.school,
        str(cast.teacher.pk),
    )


def test_non_admin_gets_403_and_changes_nothing(cast):
    teacher = api_as(cast.teacher)
    assert teacher.get(members_url(cast.school)).status_code == 200
    assert (
        teacher.patch(
            members_url(cast.school, cast.school_admin), {"is_admin": False}, format="json"
        ).status_code
        == 403
    )
    assert teacher.delete(members_url(cast.school, cast.school_admin)).status_code == 403
    assert teacher.post(members_url(cast.school), {"email": "x@school.nl"}, format="json").status_code == 403
    assert (
        teacher.patch(
            f"/api/v1/organisations/{cast.school.pk}/", {"name": "Gekaapt"}, format="json"
        ).status_code
        == 403
    )
    assert Membership.objects.get(user=cast.school_admin).is_admin
    assert not Invitation.objects.exists()
    # Another organisation's members are not even there to see.
    assert api_as(cast.hr).get(members_url(cast.school)).status_code == 404


def test_the_last_admin_can_neither_leave_nor_be_demoted(cast):
    admin = api_as(cast.school_admin)
    response = admin.post(f"/api/v1/organisations/{cast.school.pk}/leave/")
    assert response.status_code == 400
    assert "last admin" in str(response.json())
    response = admin.patch(members_url(cast.school, cast.school_admin), {"is_admin": False}, format="json")
    assert response.status_code == 400 and "at least one admin" in str(response.json())
    assert Membership.objects.get(user=cast.school_admin, organisation=cast.school).is_admin
    # With a second admin the first may go.
    admin.patch(members_url(cast.school, cast.teacher), {"is_admin": True}, format="json")
    assert admin.post(f"/api/v1/organisations/{cast.school.pk}/leave/").status_code == 204
    assert not Membership.objects.filter(user=cast.school_admin).exists()
    assert AuditEntry.objects.filter(action="membership.left", organisation=cast.school).exists()


def test_a_removed_members_token_is_refused_at_once(cast):
    teacher = api_as(cast.teacher)
    assert teacher.get("/api/v1/me/").status_code == 200
    response = api_as(cast.school_admin).delete(members_url(cast.school, cast.teacher))
    assert response.status_code == 204
    assert teacher.get("/api/v1/me/").status_code == 401
    assert teacher.get("/api/v1/requests/").status_code == 401
    # A session of theirs no longer acts for the school either.
    session = APIClient()
    session.force_login(cast.teacher)
    assert session.get("/api/v1/me/").json()["organisations"] == []


def test_invite_by_email_and_nothing_is_sent_twice(cast, django_capture_on_commit_callbacks):
    admin = api_as(cast.school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            members_url(cast.school), {"email": "New@School.nl", "is_admin": True}, format="json"
        )
    assert response.status_code == 201 and response.json()["email"] == "new@school.nl"
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = admin.post(members_url(cast.school), {"email": "new@school.nl"}, format="json")
        member = admin.post(members_url(cast.school), {"email": "teacher@school.nl"}, format="json")
        wrong = admin.post(members_url(cast.school), {"email": "not-an-address"}, format="json")
    assert again.status_code == 400 and "open invitation" in str(again.json()["email"])
    assert member.status_code == 400 and "already a member" in str(member.json()["email"])
    assert wrong.status_code == 400 and "email" in wrong.json()
    assert len(mail.outbox) == 1

    invitation = Invitation.objects.get(email="new@school.nl")
    with django_capture_on_commit_callbacks(execute=True):
        resent = admin.post(f"/api/v1/organisations/{cast.school.pk}/invitations/{invitation.pk}/resend/")
    assert resent.status_code == 200 and len(mail.outbox) == 2
    assert [i["email"] for i in admin.get(f"/api/v1/organisations/{cast.school.pk}/invitations/").json()] == [
        "new@school.nl"
    ]
    assert (
        admin.delete(f"/api/v1/organisations/{cast.school.pk}/invitations/{invitation.pk}/").status_code
        == 204
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert {"invitation.created", "invitation.resent", "invitation.revoked"} <= set(
        AuditEntry.objects.filter(organisation=cast.school).values_list("action", flat=True)
    )


def test_admin_edits_the_profile_and_wrong_shapes_are_field_errors(cast):
    admin = api_as(cast.hr)
    url = f"/api/v1/organisations/{cast.company.pk}/"
    response = admin.patch(url, {"description": "Wij bouwen robots.", "phone": "053 123 4567"}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "Wij bouwen robots."
    response = admin.patch(url, {"kvk": "123"}, format="json")
    assert response.status_code == 400 and "kvk" in response.json()
    assert Organisation.objects.get(pk=cast.company.pk).kvk != "123"


def test_the_organisation_page_shows_who_changed_what(cast, client):
    api_as(cast.school_admin).patch(members_url(cast.school, cast.teacher), {"is_admin": True}, format="json")
    client.force_login(cast.teacher)
    page = client.get(f"/organisations/{cast.school.pk}/").content.decode()
    assert "membership.admin_granted" in page and "admin@school.nl" in page
