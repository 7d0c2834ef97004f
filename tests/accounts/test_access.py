from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_member_sees_own_organisation_but_not_another(cast, client):
    client.force_login(cast.teacher)
    assert client.get(reverse("accounts:organisation_detail", args=[cast.school.pk])).status_code == 200
    assert client.get(reverse("accounts:organisation_detail", args=[cast.other_school.pk])).status_code == 404
    assert client.get(reverse("accounts:organisation_edit", args=[cast.other_school.pk])).status_code == 404


def test_non_admin_member_cannot_edit(cast, client):
    client.force_login(cast.teacher)
    assert client.get(reverse("accounts:organisation_edit", args=[cast.school.pk])).status_code == 403
    client.force_login(cast.school_admin)
    response = client.post(
        reverse("accounts:organisation_edit", args=[cast.school.pk]),
        {"name": "TaK College", "brin": cast.school.brin, "place": "Zwolle", "levels": ["vwo"]},
    )
    assert response.status_code == 302
    cast.school.refresh_from_db()
    assert cast.school.name == "TaK College" and cast.school.levels == ["vwo"]


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(reverse("accounts:organisation_detail", args=[cast.school.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_lists_only_visible_organisations(cast, client):
    client.force_login(cast.teacher)
    names = {row["name"] for row in client.get("/api/v1/organisations/").json()["results"]}
    assert names == {cast.school.name}
    assert client.get(f"/api/v1/organisations/{cast.other_school.pk}/").status_code == 404
    client.force_login(cast.coordinator)
    names = {row["name"] for row in client.get("/api/v1/organisations/").json()["results"]}
    assert names == {cast.school.name, cast.other_school.name, cast.company.name}
    client.force_login(cast.coordinator_elsewhere)
    assert client.get("/api/v1/organisations/").json()["count"] == 0


def test_api_requires_authentication(client):
    response = client.get("/api/v1/organisations/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
