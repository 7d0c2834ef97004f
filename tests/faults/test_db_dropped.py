"""RELIABILITY §4.6: the database connection drops in the middle of a request.

On PostgreSQL a second connection terminates the request's backend (`pg_terminate_backend`)
right before one chosen statement inside a service's transaction, after earlier writes of that
transaction have run. The API answers JSON 503, the web the 500 page; nothing is half-written;
the next request on a fresh connection works (the test client skips Django's request-boundary
connection check, so the test calls it, as the handler does).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.utils import timezone
from rest_framework.test import APIClient

from matching.models import Match, MatchingRun, Offer, Request
from notifications.models import Notification
from tests.accounts.factories import make_api_token
from tests.matching.helpers import open_offer, open_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]


@contextmanager
def drop_connection_before(statement: str):
    """Terminate this connection's backend just before the first SQL starting with `statement`."""
    pid = connection.cursor().connection.info.backend_pid
    db = connection.settings_dict
    fired: list[str] = []
    before: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if not fired:
            before.append(sql)
        if not fired and sql.lstrip().startswith(statement):
            fired.append(sql)
            with psycopg.connect(
                host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
            ) as killer:
                killer.execute("SELECT pg_terminate_backend(%s)", [pid])
                deadline = time.monotonic() + 5
                while killer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                    assert time.monotonic() < deadline, "the backend did not go away"
                    time.sleep(0.02)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield before
    assert fired, f"no statement starting with {statement!r} ran"
    close_old_connections()  # what request_started does between two real requests
    connection.close_if_unusable_or_obsolete()


def _api(user) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {make_api_token(user)}", HTTP_ACCEPT_LANGUAGE="en")


def test_api_ask_loses_its_connection_before_the_match_insert_answers_503_and_writes_nothing(cast):
    # A debounced run of the region is still pending, so the matcher has not proposed this pair yet.
    MatchingRun.objects.create(scope="oost", not_before=timezone.now() + timedelta(minutes=5))
    offer = open_offer(cast.company, cast.hr, online=True)
    request = open_request(cast.school, cast.teacher, online_ok=True)
    api = _api(cast.teacher)
    notifications = Notification.objects.count()

    with drop_connection_before('INSERT INTO "matching_match"') as statements:
        response = api.post(f"/api/v1/offers/{offer.pk}/ask/", {"request": request.pk}, format="json")

    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The service is temporarily unavailable. Please try again shortly."}
    # The capacity updates ran before the drop; they were rolled back with the rest.
    assert sum(sql.startswith("UPDATE") and "committed" in sql for sql in statements) == 2
    assert not Match.objects.exists()
    assert Offer.objects.get(pk=offer.pk).committed == 0
    assert Request.objects.get(pk=request.pk).committed == 0
    assert Notification.objects.count() == notifications

    # The next request gets a fresh connection and succeeds.
    response = api.post(f"/api/v1/offers/{offer.pk}/ask/", {"request": request.pk}, format="json")
    assert response.status_code == 201, response.content
    assert (Offer.objects.get(pk=offer.pk).committed, Request.objects.get(pk=request.pk).committed) == (1, 1)


def test_web_accept_loses_its_connection_mid_confirmation_shows_the_500_page_and_writes_nothing(cast, client):
    open_offer(cast.company, cast.hr, online=True)
    open_request(cast.school, cast.teacher, online_ok=True)
    match = Match.objects.get()  # proposed by the matcher (eager here)
    api = _api(cast.teacher)
    assert api.post(f"/api/v1/matches/{match.pk}/accept/").status_code == 200  # the school's side
    notifications = Notification.objects.count()
    client.force_login(cast.hr)
    client.raise_request_exception = False

    # The company's acceptance confirms: the request becomes fulfilled first, then the match row
    # is updated. The connection drops between the two.
    with drop_connection_before('UPDATE "matching_match"') as statements:
        response = client.post(f"/matches/{match.pk}/accept/")

    assert response.status_code == 500
    assert any(sql.startswith('UPDATE "matching_request"') for sql in statements)
    assert "Something went wrong" in response.content.decode()
    match.refresh_from_db()
    assert (match.status, match.company_accepted_at) == (Match.Status.PROPOSED, None)
    assert match.school_accepted_at is not None
    assert Request.objects.get(pk=match.request_id).status == Request.Status.OPEN
    assert Notification.objects.count() == notifications

    response = client.post(f"/matches/{match.pk}/accept/")
    assert response.status_code in (200, 302)
    match.refresh_from_db()
    assert match.status == Match.Status.CONFIRMED
    assert Request.objects.get(pk=match.request_id).status == Request.Status.FULFILLED
