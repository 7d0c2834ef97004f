"""Related fields across organisations: a POST pointing at another organisation's object (DRF
does not scope related fields), with the control that one's own organisation works."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from matching.models import Offer, Request
from oversight.models import ConductReport
from tests.security.matrix.dsl import Ref, offer_body, request_body
from tests.security.matrix.runner import user_of

pytestmark = pytest.mark.django_db

BODIES = {"offers": offer_body, "requests": request_body}


@pytest.mark.parametrize(
    ("role", "endpoint", "target"),
    [
        ("teacher", "offers", "cast.company"),  # an offer in the name of a company
        ("teacher", "requests", "cast.other_school"),  # a request in the name of another school
        ("other_member", "requests", "cast.school"),
        ("hr", "offers", "far_company"),  # another company
        ("hr", "requests", "cast.school"),
        ("coordinator", "requests", "cast.school"),  # in the province, yet not a member
        ("platform_admin", "offers", "cast.company"),
    ],
)
def test_api_create_for_another_organisation_is_refused(scenario, role, endpoint, target):
    client = APIClient()
    client.force_login(user_of(scenario, role))
    model = Offer if endpoint == "offers" else Request
    before = set(model.objects.values_list("pk", flat=True))

    response = client.post(
        f"/api/v1/{endpoint}/",
        BODIES[endpoint](scenario) | {"organisation": Ref(target)(scenario)},
        format="json",
    )

    assert response.status_code in (400, 403, 404), response.content
    assert set(model.objects.values_list("pk", flat=True)) == before


def test_api_create_for_own_organisation_works(scenario):
    """The control for the test above: the same body with one's own organisation is accepted."""
    client = APIClient()
    client.force_login(scenario.cast.hr)
    response = client.post(
        "/api/v1/offers/", offer_body(scenario) | {"organisation": scenario.cast.company.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Offer.objects.get(pk=response.json()["id"]).organisation == scenario.cast.company


def test_api_update_never_moves_an_item_to_another_organisation(scenario):
    client = APIClient()
    client.force_login(scenario.cast.hr)
    draft = scenario.draft_offer

    response = client.patch(
        f"/api/v1/offers/{draft.pk}/",
        {"organisation": scenario.far_company.pk, "title": "Verhuisd Aanbod"},
        format="json",
    )

    assert response.status_code in (200, 400)
    draft.refresh_from_db()
    assert draft.organisation == scenario.cast.company


def test_conduct_report_cannot_name_another_schools_match(client, scenario):
    """The conduct form's related match is scoped to the reporting school."""
    client.force_login(scenario.cast.other_member)
    response = client.post(
        reverse("oversight:conduct_new"),
        {
            "company": scenario.cast.company.pk,
            "match": scenario.confirmed.pk,
            "category": "discrimination",
            "description": "Over een match van een andere school.",
        },
    )
    assert response.status_code == 200  # the form again, with an error on "match"
    assert "match" in response.context["form"].errors
    assert not ConductReport.objects.filter(school=scenario.cast.other_school).exists()
