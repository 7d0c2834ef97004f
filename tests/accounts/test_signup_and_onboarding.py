from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def _confirmation_link() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", body)
    assert match, body
    return match.group(0).split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def test_sign_up_verify_email_and_create_school(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Sanne@School.nl",
            "name": "Sanne de Vries",
            "language": "en",
            "password1": "a-long-secret-9731",
            "password2": "a-long-secret-9731",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="sanne@school.nl")
    assert user.name == "Sanne de Vries" and user.language == "en"
    # Mandatory verification: without it there is no session for the new account.
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert len(mail.outbox) == 1

    link = _confirmation_link()
    path = link[link.index("/accounts/") :]
    response = client.post(path)
    assert response.status_code == 302
    page = client.get(reverse("accounts:dashboard"))
    assert page.status_code == 200
    assert "Create a school" in page.content.decode()

    response = client.post(
        reverse("accounts:organisation_create"),
        {
            "kind": "school",
            "name": "Het Stedelijk Lyceum",
            "brin": "20 ab",
            "place": "Enschede",
            "province": "overijssel",
            "levels": ["havo", "vwo"],
        },
    )
    org = Organisation.objects.get(name="Het Stedelijk Lyceum")
    assert response.status_code == 302
    assert org.brin == "20AB" and org.province == "overijssel" and org.landsdeel == "oost"
    assert org.is_verified is False
    assert Membership.objects.get(user=user, organisation=org).is_admin is True


def test_brin_and_kvk_are_validated_with_clear_messages(client, django_user_model):
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:organisation_create"),
        {"kind": "school", "name": "X", "brin": "ABCD", "place": "Zwolle", "levels": ["havo"]},
    )
    assert response.status_code == 200
    assert "two digits followed by two letters" in response.content.decode()
    response = client.post(
        reverse("accounts:organisation_create"),
        {"kind": "company", "name": "Y", "kvk": "1234", "place": "Zwolle"},
    )
    assert "exactly eight digits" in response.content.decode()
    response = client.post(
        reverse("accounts:organisation_create"),
        {"kind": "company", "name": "Y", "kvk": "", "place": "Atlantis"},
    )
    content = response.content.decode()
    assert "Companies fill in their KvK number" in content
    assert "Choose a place from the list" in content
    assert not Organisation.objects.exists()


def test_duplicate_brin_of_a_verified_school_becomes_a_join_request(cast, client):
    from accounts.models import JoinRequest

    client.force_login(cast.stranger)
    response = client.post(
        reverse("accounts:organisation_create"),
        {"kind": "school", "name": "Copy", "brin": cast.school.brin, "place": "Zwolle", "levels": ["havo"]},
        follow=True,
    )
    assert "already registered and verified" in response.content.decode()
    assert not Organisation.objects.filter(name="Copy").exists()
    assert JoinRequest.objects.filter(user=cast.stranger, organisation=cast.school, status="pending").exists()


def test_duplicate_brin_of_an_unverified_school_is_refused(cast, client):
    Organisation.objects.filter(pk=cast.school.pk).update(verified_at=None)
    client.force_login(cast.stranger)
    response = client.post(
        reverse("accounts:organisation_create"),
        {"kind": "school", "name": "Copy", "brin": cast.school.brin, "place": "Zwolle", "levels": ["havo"]},
    )
    assert "already registered" in response.content.decode()
    assert not Organisation.objects.filter(name="Copy").exists()
