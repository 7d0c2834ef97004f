"""Three kinds of users against a running server (bench/load.py starts one and seeds them).

    locust -f bench/locustfile.py --headless -u 200 -r 20 -t 60s -H http://127.0.0.1:8000

LOAD_USERS_FILE is the JSON that bench/load.py writes: DRF tokens per kind, and for coordinators
also a signed-in session for the HTML dashboard. Every request is named by its endpoint group, so
the statistics read per group, not per id.

A 409 on accepting a proposal is an answer, not a failure: another person of the same company (or
the school) may have answered it a moment earlier, and refusing the second answer is correct.
"""

from __future__ import annotations

import json
import os
import random
from datetime import date, timedelta
from itertools import count

from locust import HttpUser, between, task

with open(os.environ.get("LOAD_USERS_FILE", "bench/data/load-users.json")) as fh:
    ACCOUNTS: dict[str, list[dict[str, str]]] = json.load(fh)
_NEXT = {kind: count() for kind in ACCOUNTS}

LEVELS = ["po", "vmbo-b", "vmbo-k", "vmbo-t", "havo", "vwo", "mbo-2", "mbo-3", "mbo-4", "hbo"]
SUBJECTS = ["natuurkunde", "scheikunde", "ict", "bouw", "energie", "elektrotechniek", "metaal-mechatronica"]
KINDS = ["guest_lesson", "company_visit"]


def _account(kind: str) -> dict[str, str]:
    rows = ACCOUNTS[kind]
    return rows[next(_NEXT[kind]) % len(rows)]


def _window() -> tuple[str, str]:
    start = date.today() + timedelta(days=random.randint(14, 60))
    return start.isoformat(), (start + timedelta(days=random.randint(30, 150))).isoformat()


class _ApiUser(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = _account(self.kind)
        self.client.headers.update(
            {"Authorization": f"Token {self.account['token']}", "Accept-Language": "en"}
        )

    def _ids(self, path: str, name: str, **params: str) -> list[dict]:
        with self.client.get(path, params=params, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return []
            return response.json().get("results", [])

    def _publish(self, collection: str, payload: dict) -> None:
        created = self.client.post(f"/api/v1/{collection}/", json=payload, name=f"POST {collection} (create)")
        if created.status_code == 201:
            self.client.post(
                f"/api/v1/{collection}/{created.json()['id']}/publish/",
                name=f"POST {collection}/[id]/publish",
            )


class Teacher(_ApiUser):
    """School staff: browse open offers and their matches, now and then publish a request."""

    kind = "teacher"
    weight = 10

    @task(6)
    def browse_offers(self) -> None:
        params = {"status": "open", "level": random.choice(LEVELS)}
        if random.random() < 0.5:
            params["subject"] = random.choice(SUBJECTS)
        offers = self._ids("/api/v1/offers/", "GET offers (filtered)", **params)
        if offers:
            self.client.get(f"/api/v1/offers/{random.choice(offers)['id']}/", name="GET offers/[id]")

    @task(3)
    def my_matches(self) -> None:
        matches = self._ids("/api/v1/matches/", "GET matches")
        if matches:
            self.client.get(f"/api/v1/matches/{random.choice(matches)['id']}/", name="GET matches/[id]")

    @task(1)
    def publish_request(self) -> None:
        wanted_from, wanted_until = _window()
        self._publish(
            "requests",
            {
                "kind": random.choice(KINDS),
                "title": "Load test: gastles gezocht",
                "description": "Een klas wil techniek in de praktijk zien.",
                "levels": random.sample(LEVELS, 2),
                "subjects": random.sample(SUBJECTS, 1),
                "slots": 1,
                "wanted_from": wanted_from,
                "wanted_until": wanted_until,
            },
        )


class CompanyStaff(_ApiUser):
    """Company staff: browse open requests, publish offers, accept proposals."""

    kind = "company"
    weight = 6

    @task(6)
    def browse_requests(self) -> None:
        requests = self._ids(
            "/api/v1/requests/", "GET requests (filtered)", status="open", kind=random.choice(KINDS)
        )
        if requests:
            self.client.get(f"/api/v1/requests/{random.choice(requests)['id']}/", name="GET requests/[id]")

    @task(1)
    def publish_offer(self) -> None:
        available_from, available_until = _window()
        self._publish(
            "offers",
            {
                "kind": random.choice(KINDS),
                "title": "Load test: kijkje in de keuken",
                "description": "Onze technici laten zien wat ze doen.",
                "levels": random.sample(LEVELS, 3),
                "subjects": random.sample(SUBJECTS, 2),
                "capacity": random.randint(1, 4),
                "available_from": available_from,
                "available_until": available_until,
            },
        )

    @task(3)
    def answer_proposals(self) -> None:
        proposed = [
            m
            for m in self._ids("/api/v1/matches/", "GET matches (proposed)", status="proposed")
            if not m["company_accepted_at"]
        ]
        if not proposed:
            return
        match = random.choice(proposed)
        with self.client.post(
            f"/api/v1/matches/{match['id']}/accept/", name="POST matches/[id]/accept", catch_response=True
        ) as response:
            if response.status_code in (200, 409):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Coordinator(_ApiUser):
    """Regional coordinators: open the dashboard (HTML, signed-in session) and its figures API."""

    kind = "coordinator"
    weight = 2
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        self.client.cookies.set("sessionid", self.account["session"])

    @task(3)
    def dashboard(self) -> None:
        # The session alone: an Authorization header is ignored by Django's own views anyway.
        with self.client.get(
            "/coordinator/", name="GET coordinator dashboard", catch_response=True
        ) as response:
            if response.status_code != 200 or "<html" not in response.text[:500].lower():
                response.failure(f"{response.status_code}, {response.url}")

    @task(1)
    def kpis(self) -> None:
        self.client.get("/api/v1/reports/kpis/", name="GET reports/kpis")
