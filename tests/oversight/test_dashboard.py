"""The coordinator dashboard, the monitor and the placement (gender) record (issue 6A)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.models import PlacementRecord
from oversight.schoolyear import school_year_of
from oversight.selectors.kpis import dashboard_figures, gender_cells, monitor_figures
from oversight.selectors.scope import monitor_regions
from tests.oversight.kpi_data import GENDER_HIDDEN, build, day, match, moment, offer, request

pytestmark = pytest.mark.django_db

OOST = ("overijssel", "gelderland")
LAST_YEAR = school_year_of() - 1  # a complete school year, selectable on the pages


def test_kpis_equal_the_hand_computed_figures(cast):
    world = build(cast, 2025)
    figures = dashboard_figures(OOST, 2025, today=world.today)
    kpis = figures["kpis"]
    assert {key: kpis[key] for key in world.expected} == world.expected
    # Two girls and a boy: every count below 5 is hidden, zero is shown.
    assert kpis["internship_gender"] == GENDER_HIDDEN


def test_trends_and_breakdowns_equal_the_hand_computed_figures(cast):
    world = build(cast, 2025)
    figures = dashboard_figures(OOST, 2025, today=world.today)
    months = {row["month"]: (row["proposals"], row["activities"]) for row in figures["trends"]}
    assert len(months) == 12 and list(months)[0] == "2025-08" and list(months)[-1] == "2026-07"
    assert {m: v for m, v in months.items() if v != (0, 0)} == {
        "2025-09": (1, 0),
        "2025-10": (1, 1),  # the declined proposal; the completed lesson of 10 October
        "2025-11": (1, 0),
        # Two proposals; the internship (confirmed in November) took place on 2 February. The lesson
        # confirmed on 10 February without a date is planned, not held: not an activity yet.
        "2026-02": (2, 1),
    }
    assert {r["code"]: r["count"] for r in figures["by_kind"]} == {"guest_lesson": 1, "internship": 1}
    # Levels both sides named; subjects both named, or the other side's when one says "any".
    assert {r["code"]: r["count"] for r in figures["by_level"]} == {"havo": 1, "mbo-2": 1}
    assert {r["code"]: r["count"] for r in figures["by_subject"]} == {"ict": 1, "unspecified": 1}


def test_other_provinces_never_count(cast):
    world = build(cast, 2025)
    elsewhere = dashboard_figures(("zuid-holland",), 2025, today=world.today)["kpis"]
    assert elsewhere["open_requests"] == 1 and elsewhere["stale_requests"] == 1
    # The Zuid-Holland school's completed visit, whoever the company; its internship of 1 November
    # was confirmed but nobody said it took place: unconfirmed, not held, no place filled.
    assert elsewhere["activities"] == 1 and elsewhere["unconfirmed"] == 1
    assert elsewhere["internship_places_offered"] == 7 and elsewhere["internship_places_filled"] == 0
    assert elsewhere["active_companies"] == 1
    # More data in Zuid-Holland changes nothing for Oost.
    before = dashboard_figures(OOST, 2025, today=world.today)["kpis"]
    school = cast.school.__class__.objects.get(name="Rotterdamse school")
    company = cast.company.__class__.objects.get(name="Haven")
    for _ in range(3):
        match(offer(company, 2025), request(school, 2025), status="confirmed", activity_date=day(2025, 10, 1))
        request(school, 2025, status="open", published_at=moment(2025, 9, 1))
    assert dashboard_figures(OOST, 2025, today=world.today)["kpis"] == before


def test_previous_year_figures(cast):
    build(cast, 2025)
    kpis = dashboard_figures(OOST, 2024)["kpis"]
    assert kpis["completed"] == 1  # the evaluated visit of March 2025
    assert kpis["internship_places_offered"] == 10  # the offer closed in July 2025
    assert kpis["schools_reached"] == 1


@pytest.mark.parametrize(
    ("girls", "boys", "other", "shown"),
    [
        (6, 7, 0, {"recorded": 13, "girls": 6, "boys": 7, "other_or_unknown": 0}),
        # One small cell: the smallest other one is hidden too, else 13 - 10 - 0 gives it away.
        (10, 3, 0, {"recorded": 13, "girls": 10, "boys": None, "other_or_unknown": None}),
        (1, 0, 0, {"recorded": None, "girls": None, "boys": None, "other_or_unknown": 0}),
        (5, 5, 4, {"recorded": 14, "girls": 5, "boys": None, "other_or_unknown": None}),
        (0, 0, 0, {"recorded": 0, "girls": 0, "boys": 0, "other_or_unknown": 0}),
    ],
)
def test_small_gender_cells_are_suppressed(girls, boys, other, shown):
    cells = gender_cells(girls, boys, other)
    assert {k: v for k, v in cells.items() if k != "small_cells"} == shown


# --- pages ------------------------------------------------------------------------------------


def kpi_values(html: str) -> list[str]:
    return re.findall(r'<div class="kpi"><strong>([^<]*)</strong>', html)


def test_dashboard_shows_the_coordinators_figures(client, cast):
    build(cast, LAST_YEAR)
    client.force_login(cast.coordinator)
    response = client.get(f"/coordinator/?year={LAST_YEAR}")
    assert response.status_code == 200
    html = response.content.decode()
    # open, stale (today is after the year, so both open school requests are old), awaiting,
    # confirmed, completed, reached, active companies, internship places filled / offered,
    # unconfirmed, not held, disputed.
    assert kpi_values(html) == ["3", "2", "1", "1", "2", "50%", "3", "3 / 4", "0", "0", "0"]
    assert "&lt;5" in html  # two girls and a boy are never shown as such
    assert 'role="img"' in html and "<title" in html and "Show as table" in html
    assert 'href="/coordinator/"' in html  # the "Coordinator" menu entry


def test_a_coordinator_elsewhere_sees_only_their_province(client, cast):
    build(cast, LAST_YEAR)
    client.force_login(cast.coordinator_elsewhere)
    html = client.get(f"/coordinator/?year={LAST_YEAR}").content.decode()
    # The internship of 1 November nobody said took place: unconfirmed, listed to settle.
    assert kpi_values(html) == ["1", "1", "0", "1", "1", "100%", "1", "0 / 7", "1", "0", "0"]
    assert "Disputed or unconfirmed after the date" in html


def test_regions_not_covered_are_refused(client, cast):
    client.force_login(cast.coordinator)
    assert client.get("/coordinator/?scope=oost").status_code == 200
    assert client.get("/coordinator/?scope=zuidwest").status_code == 403
    assert client.get("/coordinator/?scope=national").status_code == 403
    assert client.get("/coordinator/?scope=nonsense").status_code == 400
    assert client.get("/coordinator/?year=1999").status_code == 400
    client.force_login(cast.coordinator_elsewhere)  # Zuid-Holland without Zeeland
    assert client.get("/coordinator/?scope=zuidwest").status_code == 403
    client.force_login(cast.platform_admin)
    assert client.get("/coordinator/?scope=national").status_code == 200
    assert client.get("/coordinator/?scope=zuidwest").status_code == 200


def test_non_coordinators_get_403(client, cast):
    for person in (cast.teacher, cast.hr, cast.stranger):
        client.force_login(person)
        assert client.get("/coordinator/").status_code == 403
        assert client.get("/coordinator/monitor/").status_code == 403
    client.logout()
    assert client.get("/coordinator/").status_code == 302


def test_dashboard_and_monitor_queries_do_not_grow_with_the_data(client, cast, django_assert_max_num_queries):
    client.force_login(cast.platform_admin)
    build(cast, LAST_YEAR)
    urls = (f"/coordinator/?scope=national&year={LAST_YEAR}", f"/coordinator/monitor/?year={LAST_YEAR}")
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
        assert counts[url] <= 25, (url, counts[url])
    build(cast, LAST_YEAR, tag="-2")
    build(cast, LAST_YEAR, tag="-3")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_monitor_per_landsdeel_year_over_year(client, cast):
    build(cast, 2025)
    regions = monitor_regions(cast.coordinator)
    assert [r.key for r in regions] == ["oost"]
    assert [r.key for r in monitor_regions(cast.coordinator_elsewhere)] == ["mine"]
    oost = monitor_figures(regions, 2025)["regions"][0]
    assert [y["year"] for y in oost["years"]] == [2023, 2024, 2025]
    assert [y["schools_reached"] for y in oost["years"]] == [0, 1, 2]
    assert [y["internship_places_offered"] for y in oost["years"]] == [0, 10, 4]
    levels = {r["code"]: (r["total"], [c["count"] for c in r["per_year"]]) for r in oost["schools_by_level"]}
    assert levels["havo"] == (3, [0, 1, 1]) and levels["mbo-2"] == (1, [0, 0, 1])
    sectors = {r["code"]: [c["count"] for c in r["per_year"]] for r in oost["companies_by_sector"]}
    assert sectors["energie"] == [0, 1, 1] and sectors["bouw"] == [0, 1, 1]
    admin_regions = monitor_regions(cast.platform_admin)
    assert [r.key for r in admin_regions][-1] == "national" and len(admin_regions) == 6

    client.force_login(cast.coordinator)
    html = client.get("/coordinator/monitor/").content.decode()
    assert "East" in html and "South-West" not in html and "Show as table" in html


# --- placement record -------------------------------------------------------------------------


def test_school_company_and_coordinator_may_record_students_others_not(client, cast):
    world = build(cast, LAST_YEAR)
    url = f"/coordinator/placements/{world.internship.pk}/"
    school3 = world.internship.request.organisation
    from tests.accounts.factories import MembershipFactory

    school_member = MembershipFactory(organisation=school3).user
    for outsider in (cast.teacher, cast.stranger, cast.coordinator_elsewhere):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"girls": 9, "boys": 0, "other_or_unknown": 0}).status_code == 404
    assert PlacementRecord.objects.get(match=world.internship).girls == 2

    client.force_login(school_member)
    assert client.get(url).status_code == 200
    response = client.post(url, {"girls": 1, "boys": 1, "other_or_unknown": 1})
    assert response.status_code == 302
    record = PlacementRecord.objects.get(match=world.internship)
    assert (record.girls, record.boys, record.other_or_unknown, record.recorded_by) == (
        1,
        1,
        1,
        school_member,
    )

    # More students than places is refused, and nothing changes.
    client.force_login(cast.coordinator)
    response = client.post(url, {"girls": 4, "boys": 0, "other_or_unknown": 0})
    assert response.status_code == 400 and "between 1 and 3" in response.content.decode()
    assert PlacementRecord.objects.get(match=world.internship).girls == 1
    assert client.post(url, {"girls": 0, "boys": 3, "other_or_unknown": 0}).status_code == 302
    assert PlacementRecord.objects.get(match=world.internship).boys == 3


def test_students_are_recorded_only_for_a_confirmed_internship(client, cast):
    world = build(cast, LAST_YEAR)
    hr = cast.hr  # member of cast.company, which offers the guest lessons
    client.force_login(hr)
    lesson = cast.company.offers.get(kind="guest_lesson").matches.filter(status="completed").first()
    assert client.get(f"/coordinator/placements/{lesson.pk}/").status_code == 404
    proposed = world.internship.offer.matches.get(status="proposed")
    client.force_login(cast.coordinator)
    response = client.post(
        f"/coordinator/placements/{proposed.pk}/", {"girls": 1, "boys": 0, "other_or_unknown": 0}
    )
    assert response.status_code == 200 and "once the internship is confirmed" in response.content.decode()
    assert not PlacementRecord.objects.filter(match=proposed).exists()
