"""Coordinators without two-factor authentication see nothing until they set it up: pages send
them to set it up, the API answers 403 in JSON (by session and by token alike)."""

from __future__ import annotations

import pytest
import requests
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.factories import activate_totp, make_api_token, make_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_without_2fa(db):  # noqa: ANN001
    return make_coordinator("overijssel", two_factor=False, email="zonder2fa@oost.nl")


def test_coordinator_without_two_factor_is_sent_to_set_it_up(client, scenario, coordinator_without_2fa):
    client.force_login(coordinator_without_2fa)
    pending = scenario.pending
    for page in ("/coordinator/", f"/matches/{scenario.proposed.pk}/", "/coordinator/exports/requests.csv"):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp")), page

    response = client.post(reverse("accounts:organisation_verify", args=[pending.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    pending.refresh_from_db()
    assert pending.verified_at is None
    # Setting it up stays possible (allauth may first ask for the password again): no loop.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200 or response["Location"].startswith("/accounts/reauthenticate/")


def test_coordinator_without_two_factor_gets_403_from_the_api(scenario, coordinator_without_2fa):
    session = APIClient()
    session.force_login(coordinator_without_2fa)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(coordinator_without_2fa)}")
    for client in (session, token):
        for path in ("/api/v1/organisations/", "/api/v1/matches/", "/api/v1/reports/kpis/"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert scenario.cast.school.name not in response.content.decode()


@pytest.mark.django_db(transaction=True)  # the live server reads through its own connection
def test_coordinator_token_without_two_factor_gets_json_403(live_server, coordinator_without_2fa):
    """The middleware only sees session users; the token path over a real socket must keep the
    coordinators' rule too, and setting up two-factor lets the same token through."""
    headers = {
        "Authorization": f"Token {make_api_token(coordinator_without_2fa)}",
        "Accept-Language": "en",
    }
    response = requests.get(f"{live_server.url}/api/v1/offers/", headers=headers)
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    activate_totp(coordinator_without_2fa)
    assert requests.get(f"{live_server.url}/api/v1/offers/", headers=headers).status_code == 200


def test_coordinator_with_two_factor_is_let_through(client, scenario):
    """The control: the cast's coordinators have TOTP (tests.accounts.factories.make_coordinator)."""
    client.force_login(scenario.cast.coordinator)
    assert client.get("/coordinator/").status_code == 200
