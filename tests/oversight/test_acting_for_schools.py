"""Coordinators acting for a school or company: contact, create, invite, post on its behalf."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEntry, Invitation, Organisation
from matching.models import Request
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import LATER, SOON

pytestmark = pytest.mark.django_db


def test_coverage_shows_how_to_reach_schools_and_counts_those_without_contact(cast, client):
    silent = OrganisationFactory(kind="school", name="Stille School", at="Deventer", email="", phone="")
    OrganisationFactory(kind="school", name="Bereikbare School", at="Deventer", email="info@bereikbaar.nl")
    client.force_login(cast.coordinator)
    page = client.get(reverse("oversight:coverage")).content.decode()
    assert "info@bereikbaar.nl" in page and "no contact" in page
    assert "1 of them has no contact" in page or "of them have no contact" in page

    url = reverse("oversight:act_for", args=[silent.pk])
    response = client.post(
        url,
        {
            "step": "contact",
            "phone": "0570 123456",
            "contacted_on": "2026-11-30",
            "note": "Gebeld, bel terug.",
        },
    )
    assert response.status_code == 302
    silent.refresh_from_db()
    assert (silent.phone, str(silent.last_contacted_on), silent.contact_note) == (
        "0570 123456",
        "2026-11-30",
        "Gebeld, bel terug.",
    )
    assert AuditEntry.objects.filter(action="organisation.contact_recorded", organisation=silent).exists()
    assert "Gebeld, bel terug." in client.get(reverse("oversight:coverage")).content.decode()


def test_coordinator_creates_a_school_invites_its_admin_and_posts_for_it(
    cast, client, django_capture_on_commit_callbacks
):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("oversight:organisation_create_for"),
        {
            "kind": "school",
            "name": "Het Nieuwe Lyceum",
            "brin": "77XY",
            "place": "Deventer",
            "levels": ["havo"],
        },
    )
    school = Organisation.objects.get(name="Het Nieuwe Lyceum")
    assert response.status_code == 302 and not school.is_verified and not school.memberships.exists()
    assert AuditEntry.objects.filter(
        action="organisation.created_by_coordinator", organisation=school
    ).exists()

    url = reverse("oversight:act_for", args=[school.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"step": "invite", "email": "rector@lyceum.nl"}).status_code == 302
    assert Invitation.objects.get(organisation=school).is_admin

    body = {
        "step": "listing",
        "kind": "guest_lesson",
        "title": "Gastles techniek",
        "levels": ["havo"],
        "amount": 2,
        "date_from": SOON.isoformat(),
        "date_until": LATER.isoformat(),
    }
    assert client.post(url, body).status_code == 302
    wanted = Request.objects.get(organisation=school)
    assert wanted.posted_by_coordinator and wanted.created_by == cast.coordinator
    assert AuditEntry.objects.filter(action="request.posted_for", organisation=school).exists()
    bad = client.post(url, body | {"date_until": "2020-01-01"})
    assert bad.status_code == 400

    # The school's admin sees who posted it and takes it over.
    admin = MembershipFactory(organisation=school, is_admin=True).user
    client.force_login(admin)
    page = client.get(reverse("matching:request_detail", args=[wanted.pk])).content.decode()
    assert "Posted by the coordinator for Het Nieuwe Lyceum" in page
    assert client.post(reverse("matching:request_take_over", args=[wanted.pk])).status_code == 302
    wanted.refresh_from_db()
    assert not wanted.posted_by_coordinator and wanted.created_by == admin


def test_another_provinces_coordinator_cannot_act(cast, client):
    client.force_login(cast.coordinator_elsewhere)
    assert client.get(reverse("oversight:act_for", args=[cast.school.pk])).status_code == 404
    response = client.post(
        reverse("oversight:organisation_create_for"),
        {"kind": "school", "name": "Niet Van Mij", "brin": "78XY", "place": "Deventer", "levels": ["havo"]},
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Niet Van Mij").exists()
