"""Coverage: the schools to reach out to, the CSV for Excel, and the targets per province."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from matching.models import Match, Request
from matching.services import matches
from oversight.models import CoverageTarget
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(cast):
    """Schools of Overijssel in every situation that decides coverage."""
    company = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    hr = MembershipFactory(organisation=company, user__email="hr@zwolle.nl").user

    def school(name: str, place: str = "Zwolle", **kw):  # noqa: ANN202
        org = OrganisationFactory(kind="school", name=name, at=place, **kw)
        return org, MembershipFactory(
            organisation=org, is_admin=True, user__email=f"{name.split()[0].lower()}@school.nl"
        ).user

    def matched(org, member, status: str, activity=None):  # noqa: ANN001, ANN202
        match = matches.match_propose(offer=open_offer(company, hr), request=open_request(org, member))
        Match.objects.filter(pk=match.pk).update(
            status=status, confirmed_at=timezone.now(), activity_date=activity or timezone.localdate()
        )
        return match

    reached, member = school("Reached College")
    # Reached: an activity a side said took place (a confirmed one alone does not count as held).
    matched(reached, member, "completed")
    Request.objects.filter(organisation=reached).update(status="fulfilled")  # reached by activity alone
    asking, member = school("Asking College", "Deventer")
    open_request(asking, member)
    ended, member = school("Cancelled College", "Kampen")
    match = matches.match_propose(offer=open_offer(company, hr), request=open_request(ended, member))
    matches.match_cancel(match=match, by=member, reason="Ill.")
    Request.objects.filter(organisation=ended).update(status="closed")
    last_year, member = school("Last Year College", "Almelo")
    matched(last_year, member, "completed", timezone.localdate() - timedelta(days=400))
    Request.objects.filter(organisation=last_year).update(status="closed")
    OrganisationFactory(kind="school", name="Unverified College", at="Zwolle", verified_at=None)
    OrganisationFactory(kind="school", name="Erasmus College", at="Rotterdam")
    OrganisationFactory(kind="school", name="=Arnhem Lyceum", at="Arnhem", email="info@arnhem.nl")
    return company


TO_REACH = [
    "=Arnhem Lyceum",
    "Cancelled College",
    "Last Year College",
    "Stedelijk Lyceum",
    "Thomas a Kempis College",
]


def test_coverage_lists_exactly_the_schools_without_activity_or_open_request(client, cast, region):
    client.force_login(cast.coordinator)
    html = client.get("/coordinator/coverage/").content.decode()
    for name in TO_REACH:
        assert name in html
    for name in ("Reached College", "Asking College", "Unverified College", "Erasmus College", "Zwolle Tech"):
        assert name not in html
    assert "cancelled@school.nl" in html  # whom to contact

    html = client.get("/coordinator/coverage/?order=place").content.decode()
    places = [html.index(name) for name in ("Last Year College", "=Arnhem Lyceum", "Cancelled College")]
    assert places == sorted(places)  # Almelo, Arnhem, Kampen

    client.force_login(cast.coordinator_elsewhere)
    html = client.get("/coordinator/coverage/").content.decode()
    assert "Erasmus College" in html and "Cancelled College" not in html


def test_csv_export_opens_in_excel_and_stays_in_scope(client, cast, region):
    client.force_login(cast.coordinator)
    response = client.get("/coordinator/coverage/?format=csv&order=name")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "BRIN code", "Place", "Province", "Levels", "E-mail"]
    assert [row[0] for row in rows[1:]] == ["'=Arnhem Lyceum", *TO_REACH[1:]]
    cancelled = next(row for row in rows if row[0] == "Cancelled College")
    assert cancelled[2:4] == ["Kampen", "Overijssel"] and cancelled[-1].endswith("cancelled@school.nl")
    assert "info@arnhem.nl" in rows[1][-1]  # no members: the general address

    client.force_login(cast.coordinator_elsewhere)
    response = client.get("/coordinator/coverage/?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Erasmus College" in text and "Cancelled College" not in text


def test_share_reached_and_targets_per_province(client, cast, region):
    client.force_login(cast.coordinator)
    html = client.get("/coordinator/coverage/").content.decode()
    # Overijssel: 6 verified schools, 1 reached this school year; Gelderland: 1, none reached.
    assert "<td>6</td>\n      <td>1</td>\n      <td>17%</td>" in html
    assert "<td>1</td>\n      <td>0</td>\n      <td>0%</td>" in html
    assert "suggested 50%" in html

    response = client.post("/coordinator/coverage/target/", {"province": "overijssel", "percent": "60"})
    assert response.status_code == 302
    target = CoverageTarget.objects.get()
    assert (target.province, target.percent, target.set_by) == ("overijssel", 60, cast.coordinator)
    entry = AuditEntry.objects.get(action="coverage.target_set")
    assert entry.actor == cast.coordinator and entry.province == "overijssel" and entry.data["percent"] == 60

    for bad in ({"province": "overijssel", "percent": "0"}, {"province": "zuid-holland", "percent": "40"}):
        response = client.post("/coordinator/coverage/target/", bad)
        assert response.status_code == 400
    assert CoverageTarget.objects.get().percent == 60
    assert AuditEntry.objects.count() == 1
