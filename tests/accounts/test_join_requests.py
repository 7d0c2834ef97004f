"""Join requests: find one's organisation at sign-up, ask to join, an admin approves or refuses."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import JoinRequest, Membership, Organisation
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_search_finds_organisations_by_name_place_brin_and_kvk(cast):
    client = api(cast.stranger)
    for query in ("Kempis", "zwolle", cast.school.brin.lower()):
        names = [o["name"] for o in client.get(f"/api/v1/organisations/search/?q={query}").json()]
        assert "Thomas a Kempis College" in names, query
    assert [o["name"] for o in client.get(f"/api/v1/organisations/search/?q={cast.company.kvk}").json()] == [
        "Demcon"
    ]
    assert client.get("/api/v1/organisations/search/?q=x").json() == []


def test_ask_to_join_notifies_the_admins_who_approve(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast.stranger).post(
            f"/api/v1/organisations/{cast.school.pk}/join-requests/",
            {"message": "Ik geef natuurkunde."},
            format="json",
        )
    assert response.status_code == 201
    join_request = JoinRequest.objects.get()
    # The admins hear it, plain members do not.
    told = set(
        Notification.objects.filter(event="join_request.created").values_list("recipient__email", flat=True)
    )
    assert told == {"admin@school.nl"}
    # Asking twice is refused; a plain member cannot decide.
    again = api(cast.stranger).post(
        f"/api/v1/organisations/{cast.school.pk}/join-requests/", {}, format="json"
    )
    assert again.status_code == 400
    decide = f"/api/v1/organisations/{cast.school.pk}/join-requests/{join_request.pk}/approve/"
    assert api(cast.teacher).post(decide).status_code == 403
    listed = api(cast.school_admin).get(f"/api/v1/organisations/{cast.school.pk}/join-requests/").json()
    assert [j["email"] for j in listed] == [cast.stranger.email]
    assert api(cast.school_admin).post(decide).json()["status"] == "approved"
    assert Membership.objects.filter(user=cast.stranger, organisation=cast.school, is_admin=False).exists()
    assert Notification.objects.filter(event="join_request.approved", recipient=cast.stranger).exists()


def test_refusal_and_unverified_organisations(cast):
    JoinRequest.objects.create(organisation=cast.company, user=cast.stranger)
    join_request = JoinRequest.objects.get()
    url = f"/api/v1/organisations/{cast.company.pk}/join-requests/{join_request.pk}/refuse/"
    assert api(cast.hr).post(url).json()["status"] == "refused"
    assert not Membership.objects.filter(user=cast.stranger).exists()

    Organisation.objects.filter(pk=cast.other_school.pk).update(verified_at=None)
    response = api(cast.stranger).post(
        f"/api/v1/organisations/{cast.other_school.pk}/join-requests/", {}, format="json"
    )
    assert response.status_code == 400 and "Stedelijk Lyceum" in str(response.json())
    assert not JoinRequest.objects.filter(organisation=cast.other_school).exists()


def test_join_on_the_pages(cast, client):
    client.force_login(cast.stranger)
    page = client.get(reverse("accounts:organisation_search"), {"q": "Demcon"}).content.decode()
    assert "Demcon" in page and "Ask to join" in page
    client.post(reverse("accounts:join_request_create", args=[cast.company.pk]), {"message": "Hallo"})
    join_request = JoinRequest.objects.get()
    client.force_login(cast.hr)
    page = client.get(reverse("accounts:organisation_detail", args=[cast.company.pk])).content.decode()
    assert "Hallo" in page
    client.post(
        reverse("accounts:join_request_decide", args=[cast.company.pk, join_request.pk]),
        {"decision": "approve"},
    )
    assert Membership.objects.filter(user=cast.stranger, organisation=cast.company).exists()
