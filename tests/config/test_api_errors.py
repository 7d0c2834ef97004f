"""The API's one error handler (config/api.py): services' errors become JSON answers with field
messages and the right status, and hostile bodies get a JSON 400/413 instead of a 500 or an HTML
page."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from rest_framework.test import APIClient

from config.api import exception_handler
from matching.rules import Broken, RulesBroken
from matching.services.matches import CapacityError, Expired

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def answer(exc: Exception) -> tuple[int, object]:
    response = exception_handler(exc, {})
    return response.status_code, response.data


def test_field_messages_of_a_service_become_a_400_per_field():
    status, data = answer(ValidationError({"title": "Give a title.", "__all__": "Dates clash."}))
    assert status == 400
    assert data == {"title": ["Give a title."], "non_field_errors": ["Dates clash."]}


def test_broken_rules_are_listed_with_their_codes():
    exc = RulesBroken([Broken("levels", "No level in common."), Broken("dates", "No common dates.")])
    assert answer(exc) == (
        400,
        {
            "rules": [
                {"code": "levels", "message": "No level in common."},
                {"code": "dates", "message": "No common dates."},
            ]
        },
    )


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (Expired("This proposal has expired.", code="expired"), "expired"),
        (CapacityError("Not enough places.", code="capacity"), "capacity"),
        (ValidationError("Already answered.", code="duplicate"), "duplicate"),
        (ValidationError("Only a live match.", code="state"), "state"),
    ],
)
def test_conflicts_with_the_current_state_are_409_and_named(exc, code):
    status, data = answer(exc)
    assert status == 409
    assert data["code"] == code and data["non_field_errors"] == [exc.messages[0]]


def test_not_allowed_and_not_found_are_403_and_404():
    assert answer(PermissionDenied())[0] == 403
    assert answer(ObjectDoesNotExist())[0] == 404
    assert answer(Http404())[0] == 404


def test_a_403_keeps_the_services_reason_or_says_the_default():
    reason = "You do not coordinate this organisation's province."
    assert answer(PermissionDenied(reason)) == (403, {"detail": reason})
    status, data = answer(PermissionDenied())
    assert status == 403 and data["detail"].code == "permission_denied" and str(data["detail"])


def test_deeply_nested_json_is_a_json_400(cast):
    response = api(cast.hr).post("/api/v1/offers/", "[" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested too deeply" in response.json()["detail"]


def test_moderately_nested_json_past_the_limit_is_refused_too(cast, settings):
    body = json.dumps({"title": [[[[[[["x"]]]]]]]})
    settings.API_MAX_JSON_DEPTH = 4
    response = api(cast.hr).post("/api/v1/offers/", body, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize("megabytes", [1.5, 5])
def test_a_too_large_body_is_a_json_413(cast, megabytes):
    body = json.dumps({"title": "x" * int(megabytes * 2**20)})
    response = api(cast.hr).post("/api/v1/offers/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["detail"]


def test_an_ordinary_body_still_gets_field_messages(cast):
    response = api(cast.hr).post("/api/v1/offers/", {"title": ""}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()
