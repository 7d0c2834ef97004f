"""Trust: a verified organisation's identity changes need a coordinator; staff need two-factor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Organisation
from tests.accounts.factories import UserFactory, make_coordinator

pytestmark = pytest.mark.django_db


def test_renaming_and_moving_a_verified_company_waits_for_both_provinces(cast, client):
    admin = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(cast.hr)
    response = admin.patch(
        f"/api/v1/organisations/{cast.company.pk}/",
        {"name": "Thales Nederland", "place": "Haarlem", "description": "Radar."},
        format="json",
    )
    assert response.status_code == 200
    company = Organisation.objects.get(pk=cast.company.pk)
    # The old identity stays in force, verified; the harmless change is applied.
    assert (company.name, company.province, company.is_verified) == ("Demcon", "overijssel", True)
    assert company.description == "Radar."
    assert company.pending_identity["name"] == "Thales Nederland"
    requested = AuditEntry.objects.filter(action="organisation.identity_change_requested")
    assert set(requested.values_list("province", flat=True)) == {"overijssel", "noord-holland"}

    holland = make_coordinator("noord-holland", email="coordinator@noordwest.nl")
    for coordinator, sees in ((cast.coordinator, True), (holland, True), (cast.coordinator_elsewhere, False)):
        client.force_login(coordinator)
        page = client.get(reverse("accounts:verification_queue")).content.decode()
        assert ("Thales Nederland" in page) is sees, coordinator

    url = reverse("accounts:organisation_identity_decide", args=[company.pk])
    client.force_login(cast.coordinator_elsewhere)
    assert client.post(url, {"decision": "approve"}).status_code == 404
    client.force_login(holland)
    assert client.post(url, {"decision": "approve"}).status_code == 302
    company.refresh_from_db()
    assert (company.name, company.place, company.province) == ("Thales Nederland", "Haarlem", "noord-holland")
    assert company.pending_identity == {} and company.is_verified
    approved = AuditEntry.objects.filter(action="organisation.identity_change_approved")
    assert set(approved.values_list("province", flat=True)) == {"overijssel", "noord-holland"}


def test_a_refused_change_leaves_the_organisation_as_it_was(cast, client):
    admin = APIClient()
    admin.force_login(cast.school_admin)
    admin.patch(f"/api/v1/organisations/{cast.school.pk}/", {"brin": "99ZZ"}, format="json")
    client.force_login(cast.coordinator)
    client.post(
        reverse("accounts:organisation_identity_decide", args=[cast.school.pk]), {"decision": "refuse"}
    )
    school = Organisation.objects.get(pk=cast.school.pk)
    assert school.brin != "99ZZ" and school.pending_identity == {}
    assert AuditEntry.objects.filter(
        action="organisation.identity_change_refused", organisation=school
    ).exists()


def test_an_unverified_organisation_changes_at_once(cast):
    Organisation.objects.filter(pk=cast.company.pk).update(verified_at=None)
    admin = APIClient()
    admin.force_login(cast.hr)
    admin.patch(f"/api/v1/organisations/{cast.company.pk}/", {"name": "Demcon Robotics"}, format="json")
    assert Organisation.objects.get(pk=cast.company.pk).name == "Demcon Robotics"


def test_staff_and_superusers_need_two_factor_too(client):
    for flags in ({"is_superuser": True, "is_staff": True}, {"is_staff": True}):
        person = UserFactory(**flags)
        client.force_login(person)
        response = client.get(reverse("accounts:dashboard"))
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        api.force_login(person)
        assert api.get("/api/v1/organisations/").status_code == 403
