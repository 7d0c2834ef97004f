from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from matching.services.outcomes import match_feedback
from oversight.schoolyear import school_year_of
from tests.matching.factories import held_match
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db

YEAR = school_year_of()
IN_YEAR = date(YEAR, 10, 1)
LAST_YEAR = date(YEAR - 1, 10, 1)


@pytest.fixture
def held(cast):
    lesson = open_offer(cast.company, cast.hr, title='=HYPERLINK("http://evil")', capacity=9)
    internship = open_offer(
        cast.company, cast.hr, kind="internship", title="Stage", levels=["mbo-4"], capacity=5, subjects=[]
    )
    ask = open_request(cast.school, cast.teacher, slots=6, subjects=["ict"])
    ask_internship = open_request(
        cast.school, cast.teacher, kind="internship", levels=["mbo-4"], slots=3, title="Stageplekken"
    )
    other = open_request(cast.other_school, cast.other_member, slots=2)
    return {
        "a": held_match(lesson, ask, on=IN_YEAR),
        "b": held_match(lesson, ask, on=IN_YEAR, status="evaluated"),
        "internship": held_match(internship, ask_internship, on=IN_YEAR, slots=2),
        "other": held_match(lesson, other, on=IN_YEAR),
        "last_year": held_match(lesson, other, on=LAST_YEAR),
        "cancelled": held_match(lesson, ask, on=IN_YEAR, status="cancelled"),
        "confirmed": held_match(lesson, ask, on=IN_YEAR, status="confirmed"),
    }


def api(user, language="nl"):
    client = APIClient()
    client.force_authenticate(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def impact_url(org, **query):
    return reverse("api:organisation_impact", args=[org.pk]), query


def test_company_impact_counts_only_held_activities(cast, held):
    match_feedback(match=held["a"], by=cast.teacher, rating=4, comment="Top")
    match_feedback(match=held["other"], by=cast.other_member, rating=2)
    url, _ = impact_url(cast.company)
    data = api(cast.hr).get(url).json()
    # Held: a, b, internship and other in this year; confirmed, cancelled and last year's are not.
    assert data["activities_held"] == 4
    assert data["activities_by_kind"] == {
        "guest_lesson": 3,
        "company_visit": 0,
        "internship": 1,
        "teacher_internship": 0,
    }
    assert data["school_year"] == f"{YEAR}-{YEAR + 1}"
    assert data["internship_places_filled"] == 2 and data["pupils_reached"] == 2
    assert data["partner_organisations"] == 2
    assert {p["name"] for p in data["partners"]} == {"Thomas a Kempis College", "Stedelijk Lyceum"}
    assert data["average_rating"] == 3.0 and data["ratings_received"] == 2
    assert "mbo-4" in data["levels"] and "havo" in data["levels"] and "ict" in data["subjects"]

    last = api(cast.hr).get(url, {"school_year": f"{YEAR - 1}-{YEAR}"}).json()
    assert last["activities_held"] == 1


def test_school_impact_and_the_coordinator_see_the_same_figures(cast, held):
    url, _ = impact_url(cast.school)
    mine = api(cast.teacher).get(url).json()
    assert mine["activities_held"] == 3 and mine["partner_organisations"] == 1
    assert mine["average_rating"] is None
    assert api(cast.coordinator).get(url).json() == mine


@pytest.mark.parametrize("value", ["2026", "2026-2028", "abc", "1990-1991", "2026/2025"])
def test_a_value_that_is_not_a_school_year_is_400(cast, value):
    url, _ = impact_url(cast.company)
    response = api(cast.hr).get(url, {"school_year": value})
    assert response.status_code == 400 and "school_year" in response.json()
    export = reverse("api:organisation_export", args=[cast.company.pk])
    assert api(cast.hr).get(export, {"school_year": value}).status_code == 400


def test_outsiders_are_refused(cast, held):
    url, _ = impact_url(cast.company)
    export = reverse("api:organisation_export", args=[cast.company.pk])
    for user in (cast.teacher, cast.other_member, cast.coordinator_elsewhere, cast.stranger):
        assert api(user).get(url).status_code == 403
        assert api(user).get(export).status_code == 403
    assert APIClient().get(url).status_code == 403
    assert api(cast.hr).get(reverse("api:organisation_impact", args=[999999])).status_code == 404


def _download(user, org, language="nl", **query):
    response = api(user, language).get(reverse("api:organisation_export", args=[org.pk]), query)
    assert response.status_code == 200, response.content[:300]
    return response, b"".join(response.streaming_content)


def test_xlsx_export_has_typed_cells_a_frozen_header_and_no_formula(cast, held):
    response, raw = _download(cast.hr, cast.company, "en", format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in rows[0]]
    assert header[:4] == ["id", "activity date", "kind", "status"]
    assert len(rows) == 5  # header + the four held activities
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"
    first = rows[1]
    assert isinstance(first[0].value, int)
    assert first[1].is_date and first[1].value.date() == IN_YEAR
    offers = {row[header.index("offer")].value for row in rows[1:]}
    assert '=HYPERLINK("http://evil")' in offers  # kept as text, never run
    assert AuditEntry.objects.filter(action="export.organisation", actor=cast.hr).exists()


def test_csv_exports_read_back_safely_with_both_separators(cast, held):
    for fmt in ("csv", "excel"):
        _response, raw = _download(cast.teacher, cast.school, format=fmt)
        assert raw.startswith("\ufeff".encode())
        text = raw.decode("utf-8-sig")
        for delimiter in (",", ";"):
            for row in csv.reader(io.StringIO(text), delimiter=delimiter):
                for cell in row:
                    assert not cell.lstrip(' "').startswith(("=", "+", "-", "@")), (fmt, delimiter, cell)
    _response, raw = _download(cast.teacher, cast.school, format="excel")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == IN_YEAR.strftime("%d-%m-%Y") and rows[1][2] == "Gastles"  # Dutch by default


def test_an_empty_year_is_a_valid_file_with_headers(cast):
    for fmt in ("csv", "excel", "xlsx"):
        _response, raw = _download(cast.hr, cast.company, format=fmt, school_year=f"{YEAR - 3}-{YEAR - 2}")
        if fmt == "xlsx":
            rows = list(openpyxl.load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True))
        else:
            rows = list(
                csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";" if fmt == "excel" else ",")
            )
        assert len(rows) == 1 and rows[0][0] == "id"


def test_impact_page_and_certificate_show_the_year_and_switch(client, cast, held):
    client.force_login(cast.hr)
    response = client.get(reverse("impact:mine"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "impact:page", args=[cast.company.pk]
    )
    html = client.get(reverse("impact:page", args=[cast.company.pk])).content.decode()
    assert "Impact of Demcon" in html and "<svg" in html and "Show as table" in html
    assert f"school_year={YEAR}-{YEAR + 1}&amp;format=xlsx" in html
    html = client.get(reverse("impact:certificate", args=[cast.company.pk])).content.decode()
    assert "Demcon held 4 activities" in html and "Stedelijk Lyceum" in html
    older = client.get(
        reverse("impact:certificate", args=[cast.company.pk]), {"school_year": f"{YEAR - 1}-{YEAR}"}
    )
    assert "Demcon held 1 activity" in older.content.decode()
    assert client.get(reverse("impact:page", args=[cast.company.pk]), {"school_year": "x"}).status_code == 400

    client.force_login(cast.teacher)
    assert client.get(reverse("impact:page", args=[cast.company.pk])).status_code == 403
    client.force_login(cast.stranger)
    assert client.get(reverse("impact:mine")).status_code == 404


def test_impact_figures_take_a_fixed_number_of_queries(cast, held, django_assert_max_num_queries):
    from oversight.selectors.impact import organisation_impact

    with django_assert_max_num_queries(12):
        organisation_impact(cast.company, YEAR)
