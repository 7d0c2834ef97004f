from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from matching.services import matches
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


def download(client, dataset: str, **filters: str) -> list[dict[str, str]]:
    response = client.get(reverse("oversight:export_download", args=[dataset]), filters)
    assert response.status_code == 200, response.content[:500]
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert f"{dataset}-" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def data(cast):
    """Overijssel (in scope), Gelderland (in scope) and Zuid-Holland (out of scope) rows."""
    delft_school = OrganisationFactory(kind="school", name="Delfts Lyceum", at="Delft")
    delft_company = OrganisationFactory(kind="company", name="Delft Instruments", at="Delft")
    arnhem = OrganisationFactory(kind="company", name="Arnhem Energie", at="Arnhem")
    delft_teacher = MembershipFactory(organisation=delft_school).user
    delft_hr = MembershipFactory(organisation=delft_company).user
    arnhem_hr = MembershipFactory(organisation=arnhem).user

    zwolle_request = open_request(cast.school, cast.teacher, title="=HYPERLINK(evil)", slots=2)
    visit_request = open_request(cast.school, cast.teacher, kind="company_visit", title="Bedrijfsbezoek")
    delft_request = open_request(delft_school, delft_teacher, title="Delftse vraag")
    demcon_offer = open_offer(cast.company, cast.hr, title="Gastles Demcon")
    open_offer(arnhem, arnhem_hr, title="Gastles Arnhem")
    delft_offer = open_offer(delft_company, delft_hr, title="Gastles Delft")
    # A match across the border (Overijssel school, Zuid-Holland company) is in scope by its school;
    # one entirely in Zuid-Holland is not.
    # Delft is far from Zwolle: a coordinator overrode the distance rule.
    cross = matches.match_propose(offer=delft_offer, request=zwolle_request, overrides={"distance"})
    local = matches.match_propose(offer=demcon_offer, request=zwolle_request)
    outside = matches.match_propose(offer=delft_offer, request=delft_request)
    return {"cross": cross, "local": local, "outside": outside, "visit_request": visit_request}


def test_requests_export_holds_only_the_coordinators_provinces(client, cast, data):
    client.force_login(cast.coordinator)
    rows = download(client, "requests")
    titles = {row["title"] for row in rows}
    assert titles == {"'=HYPERLINK(evil)", "Bedrijfsbezoek"}  # formula neutralised, Delft absent
    row = next(r for r in rows if r["title"] == "Bedrijfsbezoek")
    assert row["organisation"] == "Thomas a Kempis College" and row["province"] == "overijssel"
    assert row["levels"] == "havo" and row["kind"] == "company_visit"

    entry = AuditEntry.objects.get(action="export.requests")
    assert entry.actor == cast.coordinator
    assert sorted(entry.data["provinces"]) == ["gelderland", "overijssel"]

    client.force_login(cast.coordinator_elsewhere)
    assert {row["title"] for row in download(client, "requests")} == {"Delftse vraag"}


def test_offers_export_filters_by_province_and_kind(client, cast, data):
    client.force_login(cast.coordinator)
    assert {r["title"] for r in download(client, "offers")} == {"Gastles Demcon", "Gastles Arnhem"}
    assert {r["title"] for r in download(client, "offers", province="gelderland")} == {"Gastles Arnhem"}
    assert download(client, "offers", kind="internship") == []
    entry = AuditEntry.objects.filter(action="export.offers").order_by("id")[1]
    assert entry.data["provinces"] == ["gelderland"] and entry.province == "gelderland"

    # A province outside the scope is refused, not quietly exported.
    response = client.get(reverse("oversight:export_download", args=["offers"]), {"province": "zuid-holland"})
    assert response.status_code == 400
    assert AuditEntry.objects.filter(action="export.offers").count() == 3


def test_matches_export_includes_both_sides_and_respects_scope(client, cast, data):
    client.force_login(cast.coordinator)
    rows = download(client, "matches")
    assert {int(r["id"]) for r in rows} == {data["cross"].pk, data["local"].pk}
    local = next(r for r in rows if int(r["id"]) == data["local"].pk)
    assert local["school"] == "Thomas a Kempis College" and local["company"] == "Demcon"
    assert local["kind"] == "guest_lesson" and local["status"] == "proposed" and local["source"] == "matcher"
    assert local["slots"] == "1" and float(local["score"]) == data["local"].score
    assert local["BRIN code"] == cast.school.brin and local["KvK number"] == cast.company.kvk

    # Status filter.
    matches.match_cancel(match=data["local"], by=cast.coordinator, reason="Dubbel", as_coordinator=True)
    assert {int(r["id"]) for r in download(client, "matches", status="cancelled")} == {data["local"].pk}


def test_date_filters_and_bad_dates(client, cast, data):
    client.force_login(cast.coordinator)
    assert download(client, "requests", created_until="2000-01-01") == []
    response = client.get(
        reverse("oversight:export_download", args=["requests"]),
        {"created_from": "2026-05-01", "created_until": "2026-01-01"},
    )
    assert response.status_code == 400 and "before the start date" in response.content.decode()


def test_export_page_shows_counts_and_is_for_coordinators_only(client, cast, data):
    client.force_login(cast.coordinator)
    page = client.get(reverse("oversight:exports"), {"kind": "company_visit"})
    assert page.status_code == 200
    assert page.context["counts"] == {"requests": 1, "offers": 0, "matches": 0}
    client.force_login(cast.hr)
    assert client.get(reverse("oversight:exports")).status_code == 403
    assert client.get(reverse("oversight:export_download", args=["requests"])).status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="export.").exists()


DANGER = ("=", "+", "-", "@")


def test_csv_injection_after_a_separator_is_neutralised_in_every_format(client, cast):
    open_request(cast.school, cast.teacher, title="Lesson;=cmd|' /C calc'!A0", slots=1)
    open_request(cast.school, cast.teacher, title="Les, +SUM(A1)\n@evil", slots=1)
    client.force_login(cast.coordinator)
    for fmt in ("csv", "excel"):
        response = client.get(reverse("oversight:export_download", args=["requests"]), {"format": fmt})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        for delimiter in (",", ";"):
            for row in csv.reader(io.StringIO(text), delimiter=delimiter):
                for cell in row:
                    assert not cell.lstrip(' "').startswith(DANGER), (fmt, delimiter, cell)
        # Read with its own separator, the title comes back whole, marked as text.
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if fmt == "excel" else ","))
        titles = {row[1] for row in rows[1:]}
        assert "Lesson;'=cmd|' /C calc'!A0" in titles

    response = client.get(reverse("oversight:export_download", args=["requests"]), {"format": "excel"})
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][2] == "Guest lesson" and rows[1][6] == "Overijssel"  # labels, not codes
    assert rows[0][0] == "id"


def test_coordinator_xlsx_keeps_formula_text_as_text(client, cast):
    import openpyxl

    open_request(cast.school, cast.teacher, title='=HYPERLINK("http://evil","klik")', slots=1)
    client.force_login(cast.coordinator)
    response = client.get(reverse("oversight:export_download", args=["requests"]), {"format": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows())
    assert sheet.freeze_panes == "A2"
    assert rows[1][1].value == '=HYPERLINK("http://evil","klik")' and rows[1][1].data_type == "s"
    assert isinstance(rows[1][0].value, int) and rows[1][-2].is_date


def test_an_unknown_format_is_refused(client, cast):
    client.force_login(cast.coordinator)
    response = client.get(reverse("oversight:export_download", args=["requests"]), {"format": "pdf"})
    assert response.status_code == 400
