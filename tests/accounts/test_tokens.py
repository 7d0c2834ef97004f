"""Personal API tokens: made by their owner, shown once, stored hashed, revocable at once."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.accounts.factories import make_api_token

pytestmark = pytest.mark.django_db


def test_create_use_list_and_revoke_a_token_through_the_api(cast):
    session = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    session.force_login(cast.hr)
    response = session.post("/api/v1/tokens/", {"name": "CRM-koppeling"}, format="json")
    assert response.status_code == 201
    created = response.json()
    key = created["key"]
    assert created["organisation"] == cast.company.pk and created["last_used_at"] is None
    # Only the hash is stored; the list never shows the secret again.
    stored = ApiToken.objects.get(pk=created["id"])
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in str(stored.__dict__)
    assert key not in session.get("/api/v1/tokens/").content.decode()

    script = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    script.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert script.get("/api/v1/me/").json()["email"] == "hr@company.nl"
    listed = session.get("/api/v1/tokens/").json()
    assert [t["name"] for t in listed] == ["CRM-koppeling"] and listed[0]["last_used_at"] is not None

    assert session.delete(f"/api/v1/tokens/{created['id']}/").status_code == 204
    assert script.get("/api/v1/me/").status_code == 401
    assert session.get("/api/v1/tokens/").json() == []


def test_read_only_and_expired_tokens(cast):
    read_only = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    read_only.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(cast.hr, read_only=True)}")
    assert read_only.get("/api/v1/offers/").status_code == 200
    assert read_only.post("/api/v1/offers/", {}, format="json").status_code == 403

    key = make_api_token(cast.hr, expires_at=timezone.now() + timedelta(minutes=5))
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert expired.get("/api/v1/me/").status_code == 401
    assert APIClient(HTTP_AUTHORIZATION="Token not-a-token").get("/api/v1/me/").status_code == 401


def test_bad_input_is_a_field_error(cast):
    session = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    session.force_login(cast.teacher)
    assert "name" in session.post("/api/v1/tokens/", {"name": ""}, format="json").json()
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert (
        "expires_at"
        in session.post("/api/v1/tokens/", {"name": "x", "expires_at": past}, format="json").json()
    )


def test_someone_elses_token_cannot_be_revoked(cast):
    make_api_token(cast.hr)
    token = ApiToken.objects.get()
    session = APIClient()
    session.force_login(cast.teacher)
    assert session.delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_coordinators_need_a_two_factor_session_to_create_one(cast, client):
    session = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    session.force_login(cast.coordinator)  # no second factor in this session
    assert session.post("/api/v1/tokens/", {"name": "rapportage"}, format="json").status_code == 403
    assert not ApiToken.objects.exists()
    # With a two-factor sign-in recorded in the session (as allauth does) it works.
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    client.force_login(cast.coordinator)
    session_store = client.session
    session_store[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
    session_store["account_authentication_methods_user"] = str(cast.coordinator.pk)
    session_store.save()
    response = client.post(reverse("accounts:tokens"), {"name": "rapportage"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=cast.coordinator).count() == 1
    assert ApiToken.objects.get().prefix in response.content.decode()


def test_profile_page_shows_the_secret_once(cast, client):
    client.force_login(cast.teacher)
    page = client.post(reverse("accounts:tokens"), {"name": "Rooster", "read_only": "on"}).content.decode()
    assert "shown only once" in page
    token = ApiToken.objects.get(user=cast.teacher)
    assert token.read_only and token.organisation == cast.school
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert "Rooster" in again and "shown only once" not in again
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
