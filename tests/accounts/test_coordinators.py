from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_coordinator_verifies_only_in_own_provinces(cast, client):
    new_school = OrganisationFactory(kind="school", name="Nieuw", at="Zwolle", verified_at=None)
    far_school = OrganisationFactory(kind="school", name="Delftse School", at="Delft", verified_at=None)

    client.force_login(cast.coordinator)
    page = client.get(reverse("accounts:verification_queue")).content.decode()
    assert "Nieuw" in page and "Delftse School" not in page
    assert client.post(reverse("accounts:organisation_verify", args=[new_school.pk])).status_code == 302
    assert client.post(reverse("accounts:organisation_verify", args=[far_school.pk])).status_code == 404
    new_school.refresh_from_db()
    far_school.refresh_from_db()
    assert new_school.is_verified and new_school.verified_by == cast.coordinator
    assert not far_school.is_verified


def test_reject_needs_a_reason(cast, client):
    org = OrganisationFactory(
        kind="company", name="Twijfel BV", at=("Enschede", "overijssel"), verified_at=None
    )
    client.force_login(cast.coordinator)
    client.post(reverse("accounts:organisation_reject", args=[org.pk]), {"reason": ""})
    org.refresh_from_db()
    assert org.rejected_at is None
    client.post(reverse("accounts:organisation_reject", args=[org.pk]), {"reason": "KvK-nummer klopt niet"})
    org.refresh_from_db()
    assert org.rejection_reason == "KvK-nummer klopt niet" and not org.is_verified


def test_non_coordinator_cannot_open_the_queue(cast, client):
    client.force_login(cast.teacher)
    assert client.get(reverse("accounts:verification_queue")).status_code == 403


def test_two_factor_is_required_for_coordinators(client):
    from accounts.models import CoordinatorRegion

    coordinator = UserFactory()
    CoordinatorRegion.objects.create(user=coordinator, province="overijssel")
    client.force_login(coordinator)
    response = client.get(reverse("accounts:verification_queue"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    api = client.get("/api/v1/organisations/")
    assert api.status_code == 403 and "two-factor" in api.json()["detail"].lower()
    # The set-up path itself stays reachable (allauth first asks to confirm the password).
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith("/accounts/")
