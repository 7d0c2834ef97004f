"""The audit log pages: coordinators read only the entries of their provinces."""

from __future__ import annotations

import pytest

from accounts.services.audit import audit_record
from matching.services import matches
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(cast):
    rotterdam = OrganisationFactory(kind="school", name="Erasmus College", at="Rotterdam")
    audit_record(
        actor=cast.coordinator, action="pair.blocked", organisation=cast.school, reason="Zwolle reason"
    )
    audit_record(actor=cast.coordinator, action="organisation.verified", organisation=cast.other_school)
    audit_record(
        actor=cast.coordinator_elsewhere,
        action="pair.blocked",
        organisation=rotterdam,
        reason="Rotterdam reason",
    )
    return rotterdam


def test_the_log_shows_only_the_provinces_entries_and_filters(client, cast, entries):
    client.force_login(cast.coordinator)
    html = client.get("/coordinator/audit/").content.decode()
    assert "Zwolle reason" in html and "Stedelijk Lyceum" in html
    assert "Rotterdam reason" not in html

    html = client.get("/coordinator/audit/?action=pair.blocked").content.decode()
    assert "Zwolle reason" in html and "Stedelijk Lyceum" not in html
    html = client.get("/coordinator/audit/?organisation=stedelijk").content.decode()
    assert "Stedelijk Lyceum" in html and "Zwolle reason" not in html

    client.force_login(cast.coordinator_elsewhere)
    html = client.get("/coordinator/audit/").content.decode()
    assert "Rotterdam reason" in html and "Zwolle reason" not in html


def test_organisation_log_is_404_outside_the_scope(client, cast, entries):
    client.force_login(cast.coordinator)
    html = client.get(f"/coordinator/organisations/{cast.school.pk}/audit/").content.decode()
    assert "Zwolle reason" in html and "Stedelijk Lyceum" not in html
    assert client.get(f"/coordinator/organisations/{entries.pk}/audit/").status_code == 404
    client.force_login(cast.teacher)
    assert client.get(f"/coordinator/organisations/{cast.school.pk}/audit/").status_code == 403


def test_match_page_shows_the_matchs_own_entries(client, cast):
    org = OrganisationFactory(kind="company", at="Zwolle")
    hr = MembershipFactory(organisation=org).user
    match = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    other = matches.match_propose(offer=open_offer(org, hr), request=open_request(cast.school, cast.teacher))
    audit_record(
        actor=cast.coordinator,
        action="note",
        object_type="match",
        object_id=match.pk,
        organisation=cast.school,
        reason="About this match",
    )
    audit_record(
        actor=cast.coordinator,
        action="note",
        object_type="match",
        object_id=other.pk,
        organisation=cast.school,
        reason="About the other match",
    )
    client.force_login(cast.coordinator)
    html = client.get(f"/coordinator/matches/{match.pk}/").content.decode()
    assert "About this match" in html and "About the other match" not in html
