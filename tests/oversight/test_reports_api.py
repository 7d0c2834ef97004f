"""GET /api/v1/reports/kpis/ and /api/v1/reports/monitor/: the dashboard's figures as JSON."""

from __future__ import annotations

import pytest

from oversight.schoolyear import school_year_of
from tests.oversight.kpi_data import GENDER_HIDDEN, build

pytestmark = pytest.mark.django_db

LAST_YEAR = school_year_of() - 1


def test_kpis_for_the_coordinators_provinces(client, cast):
    world = build(cast, LAST_YEAR)
    client.force_login(cast.coordinator)
    response = client.get(f"/api/v1/reports/kpis/?year={LAST_YEAR}")
    assert response.status_code == 200
    data = response.json()
    assert data["scope"] == {
        "key": "mine",
        "label": "My provinces",
        "provinces": ["gelderland", "overijssel"],
    }
    kpis = data["kpis"]
    # The API runs "today": both open school requests are older than 14 days by now.
    expected = world.expected | {"stale_requests": 2}
    assert {key: kpis[key] for key in expected} == expected
    assert kpis["internship_gender"] == GENDER_HIDDEN
    assert len(data["trends"]) == 12
    assert {r["code"]: r["count"] for r in data["by_kind"]} == {"guest_lesson": 1, "internship": 1}
    # Same figures for the landsdeel the coordinator covers completely.
    oost = client.get(f"/api/v1/reports/kpis/?year={LAST_YEAR}&scope=oost").json()
    assert oost["kpis"] == kpis and oost["scope"]["key"] == "oost"


def test_a_coordinator_never_gets_another_provinces_figures(client, cast):
    build(cast, LAST_YEAR)
    client.force_login(cast.coordinator_elsewhere)
    kpis = client.get(f"/api/v1/reports/kpis/?year={LAST_YEAR}").json()["kpis"]
    assert (kpis["open_requests"], kpis["activities"], kpis["schools_total"]) == (1, 1, 1)
    for scope in ("oost", "zuidwest", "national"):
        assert client.get(f"/api/v1/reports/kpis/?scope={scope}").status_code == 403
    client.force_login(cast.coordinator)
    assert client.get("/api/v1/reports/kpis/?scope=zuidwest").status_code == 403
    assert client.get("/api/v1/reports/kpis/?scope=national").status_code == 403
    monitor = client.get(f"/api/v1/reports/monitor/?year={LAST_YEAR}").json()
    assert [r["key"] for r in monitor["regions"]] == ["oost"]


def test_platform_admin_sees_the_country(client, cast):
    build(cast, LAST_YEAR)
    client.force_login(cast.platform_admin)
    national = client.get(f"/api/v1/reports/kpis/?year={LAST_YEAR}&scope=national").json()["kpis"]
    # Held only: Oost's lesson and internship, Zuid-Holland's visit (its internship is unconfirmed).
    assert (national["activities"], national["schools_total"], national["internship_places_offered"]) == (
        3,
        5,
        11,
    )
    monitor = client.get(f"/api/v1/reports/monitor/?year={LAST_YEAR}").json()
    assert [r["key"] for r in monitor["regions"]] == [
        "noord",
        "noordwest",
        "oost",
        "zuidoost",
        "zuidwest",
        "national",
    ]
    assert monitor["years"] == [LAST_YEAR - 2, LAST_YEAR - 1, LAST_YEAR]
    by_key = {r["key"]: r for r in monitor["regions"]}
    assert by_key["national"]["years"][-1]["activities"] == 3
    # The Zuid-Holland internship nobody said took place fills no place; it is unconfirmed.
    assert by_key["zuidwest"]["years"][-1]["internship_places_filled"] == 0
    assert by_key["zuidwest"]["years"][-1]["unconfirmed"] == 1


def test_bad_input_is_400_with_field_messages(client, cast):
    client.force_login(cast.coordinator)
    response = client.get("/api/v1/reports/kpis/?scope=mars&year=1999")
    assert response.status_code == 400
    assert response.json() == {
        "scope": ["Choose one of the scopes offered."],
        "year": ["Choose one of the school years offered."],
    }
    assert client.get("/api/v1/reports/monitor/?year=soon").status_code == 400


@pytest.mark.parametrize("report", ["kpis", "monitor"])
def test_reports_are_for_coordinators_only(client, cast, report):
    url = f"/api/v1/reports/{report}/"
    assert client.get(url).status_code in (401, 403)  # anonymous
    for person in (cast.teacher, cast.hr, cast.stranger):
        client.force_login(person)
        assert client.get(url).status_code == 403, person
