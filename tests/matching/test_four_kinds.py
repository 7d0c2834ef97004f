"""Issue 18: the four kinds as they really are — group sizes, contact persons, BOL/BBL and SBB,
documents, placements, docentstage reflections, duplicates, roll-over and recurring offers."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.personal_data import personal_data
from matching.models import Attachment, Offer, Placement, Repeat, Request, TeacherReflection
from matching.privacy import purge_attachments
from matching.services import copies, listings, matches, placements
from matching.services.documents import attachment_add
from notifications.models import Notification
from oversight.selectors.kpis import teachers_reached
from tests.accounts.factories import MembershipFactory
from tests.matching.factories import (
    OfferFactory,
    confirmed_match,
    docx_upload,
    exe_upload,
    odt_upload,
    pdf_upload,
)
from tests.matching.helpers import LATER, SOON, open_offer, open_request

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


# --- guest lessons and visits -----------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 501])
def test_group_size_outside_1_to_500_is_a_field_error(cast, size):
    with pytest.raises(ValidationError) as caught:
        open_request(cast.school, cast.teacher, group_size=size)
    assert "group_size" in caught.value.message_dict
    response = api(cast.teacher).post(
        "/api/v1/requests/",
        {
            "kind": "guest_lesson",
            "title": "Gastles",
            "levels": ["havo"],
            "slots": 1,
            "wanted_from": SOON.isoformat(),
            "wanted_until": LATER.isoformat(),
            "group_size": size,
        },
        format="json",
    )
    assert response.status_code == 400 and "group_size" in response.json()
    assert not Request.objects.exists()


def test_practicalities_show_on_the_match_page(client, cast):
    offer = open_offer(
        cast.company,
        cast.hr,
        max_group_size=30,
        duration_minutes=90,
        lesson_format="on_site",
        guest_brings="Robotarm en laptops",
        public_transport=True,
    )
    request = open_request(cast.school, cast.teacher, group_size=28, group_count=1, school_provides="Beamer")
    match = confirmed_match(offer, request)
    client.force_login(cast.teacher)
    page = client.get(f"/matches/{match.pk}/").content.decode()
    for text in ("Robotarm en laptops", "Beamer", "90 minutes", "28 pupils", "reachable by public transport"):
        assert text in page, text


def test_confirmation_email_carries_practicalities_and_one_contact_each(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    second = MembershipFactory(organisation=cast.company, user__email="second@company.nl").user
    offer = open_offer(cast.company, cast.hr, guest_brings="Robotarm", contact_person=second)
    request = open_request(cast.school, cast.teacher, school_provides="Lokaal met beamer")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed_match(offer, request)
    mails = [m for m in mailoutbox if "Robotarm" in m.body]
    assert mails, [m.subject for m in mailoutbox]
    body = mails[0].body
    assert "Lokaal met beamer" in body and "second@company.nl" in body and "teacher@school.nl" in body
    assert "hr@company.nl" not in body


# --- contact persons --------------------------------------------------------------------------


def test_contact_person_must_be_a_member(cast):
    with pytest.raises(ValidationError) as caught:
        open_offer(cast.company, cast.hr, contact_person=cast.teacher)
    assert "contact_person" in caught.value.message_dict
    response = api(cast.hr).post(
        "/api/v1/offers/",
        {
            "kind": "guest_lesson",
            "title": "Gastles",
            "levels": ["havo"],
            "capacity": 1,
            "available_from": SOON.isoformat(),
            "available_until": LATER.isoformat(),
            "contact_person": cast.stranger.pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "contact_person" in response.json()


def test_the_other_side_sees_exactly_one_contact_person_after_confirmation(client, cast):
    colleague = MembershipFactory(organisation=cast.company, user__email="colleague@company.nl").user
    offer = open_offer(cast.company, cast.hr, contact_person=colleague)
    request = open_request(cast.school, cast.teacher)
    match = matches.match_propose(offer=offer, request=request)
    assert api(cast.teacher).get(f"/api/v1/matches/{match.pk}/").json()["contacts"] is None
    confirmed_match = matches.match_accept(
        match=matches.match_accept(match=match, by=cast.teacher), by=cast.hr
    )
    contacts = api(cast.teacher).get(f"/api/v1/matches/{confirmed_match.pk}/").json()["contacts"]
    assert [p["email"] for p in contacts["company"]] == ["colleague@company.nl"]
    assert [p["email"] for p in contacts["school"]] == ["teacher@school.nl"]
    client.force_login(cast.teacher)
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert "colleague@company.nl" in page and "hr@company.nl" not in page


def test_changing_the_contact_person_tells_the_other_side(cast):
    colleague = MembershipFactory(organisation=cast.company, user__email="colleague@company.nl").user
    offer = open_offer(cast.company, cast.hr)
    confirmed_match(offer, open_request(cast.school, cast.teacher))
    listings.listing_update(offer, by=cast.hr, contact_person=colleague)
    told = Notification.objects.filter(event="match.contact_changed")
    assert {n.recipient for n in told} == {cast.teacher, cast.school_admin}


# --- internships: BOL/BBL and SBB -------------------------------------------------------------


def test_internship_offer_needs_bol_bbl_or_both(cast):
    with pytest.raises(ValidationError) as caught:
        open_offer(cast.company, cast.hr, kind="internship", levels=["mbo-3"], contract_type="")
    assert "contract_type" in caught.value.message_dict
    offer = open_offer(cast.company, cast.hr, kind="internship", levels=["mbo-3"], contract_type="both")
    assert offer.status == "open"


@pytest.mark.parametrize("number", ["12345678", "1234567890", "12345678a"])
def test_sbb_number_must_have_nine_digits(cast, number):
    with pytest.raises(ValidationError) as caught:
        open_offer(
            cast.company, cast.hr, kind="internship", levels=["mbo-3"], contract_type="bol", sbb_number=number
        )
    assert "sbb_number" in caught.value.message_dict


def test_coordinator_sees_unchecked_recognitions_and_marks_them_checked(client, cast):
    offer = open_offer(
        cast.company,
        cast.hr,
        kind="internship",
        levels=["mbo-3"],
        contract_type="bbl",
        sbb_number="123456789",
        sbb_crebo=["25195"],
        supervisor_name="Piet Praktijk",
        hours_per_week=32,
        duration_weeks=20,
        allowance_per_month="350.00",
    )
    client.force_login(cast.coordinator)
    assert "123456789" in client.get("/offers/sbb/").content.decode()
    assert client.post(f"/offers/{offer.pk}/sbb-checked/").status_code == 302
    offer.refresh_from_db()
    assert offer.sbb_checked_at == date.today() and offer.sbb_checked_by == cast.coordinator
    assert "123456789" not in client.get("/offers/sbb/").content.decode()
    client.force_login(cast.coordinator_elsewhere)
    assert client.post(f"/offers/{offer.pk}/sbb-checked/").status_code == 404


# --- placements -------------------------------------------------------------------------------


def test_three_places_three_periods_and_no_fourth(cast):
    offer = open_offer(
        cast.company, cast.hr, kind="internship", levels=["mbo-3"], contract_type="bol", capacity=3
    )
    request = open_request(cast.school, cast.teacher, kind="internship", levels=["mbo-3"], slots=3)
    match = confirmed_match(offer, request, slots=3)
    for i in range(3):
        placements.placement_add(
            match=match,
            by=cast.teacher,
            label=f"Student {i}",
            starts_on=SOON + timedelta(days=30 * i),
            ends_on=SOON + timedelta(days=30 * i + 20),
            hours_per_week=32,
        )
    assert len({p.starts_on for p in Placement.objects.filter(match=match)}) == 3
    with pytest.raises(ValidationError):
        placements.placement_add(
            match=match, by=cast.teacher, label="Student 4", starts_on=SOON, ends_on=LATER, hours_per_week=8
        )
    response = api(cast.hr).post(
        f"/api/v1/matches/{match.pk}/placements/",
        {"label": "X", "starts_on": SOON.isoformat(), "ends_on": LATER.isoformat(), "hours_per_week": 8},
        format="json",
    )
    assert response.status_code == 403  # the school chooses the labels
    assert len(api(cast.hr).get(f"/api/v1/matches/{match.pk}/placements/").json()) == 3


# --- documents --------------------------------------------------------------------------------


@pytest.fixture
def internship_match(cast):
    offer = open_offer(cast.company, cast.hr, kind="internship", levels=["mbo-3"], contract_type="bol")
    return confirmed_match(
        offer, open_request(cast.school, cast.teacher, kind="internship", levels=["mbo-3"])
    )


def test_renamed_executable_and_large_pdf_are_refused_and_nothing_is_stored(cast, internship_match):
    url = f"/api/v1/matches/{internship_match.pk}/attachments/"
    for upload, words in ((exe_upload("pok.pdf"), "Only PDF"), (pdf_upload(size=12 * 2**20), "too large")):
        response = api(cast.teacher).post(url, {"file": upload}, format="multipart")
        assert response.status_code == 400, response.content
        assert words in " ".join(response.json()["file"])
    assert not Attachment.objects.exists()


def test_a_real_document_is_served_only_to_the_two_sides_and_the_coordinator(client, cast, internship_match):
    url = f"/api/v1/matches/{internship_match.pk}/attachments/"
    response = api(cast.hr).post(url, {"file": pdf_upload("POK van Demcon.pdf")}, format="multipart")
    assert response.status_code == 201
    download = response.json()["url"]
    assert [a["name"] for a in api(cast.teacher).get(url).json()] == ["POK van Demcon.pdf"]
    stored = Attachment.objects.get()
    assert "Demcon" not in stored.file.name and stored.file.name.startswith("attachments/")
    for user, status in (
        (cast.teacher, 200),
        (cast.hr, 200),
        (cast.coordinator, 200),
        (cast.other_member, 404),
        (cast.coordinator_elsewhere, 404),
        (cast.stranger, 404),
    ):
        client.force_login(user)
        answer = client.get(download)
        assert answer.status_code == status, user.email
        if status == 200:
            assert answer["Content-Disposition"].startswith("attachment")
            assert b"".join(answer.streaming_content).startswith(b"%PDF-")


def test_docx_and_odt_are_accepted_from_their_content(cast, internship_match):
    for upload, kind in ((docx_upload("a.bin"), "docx"), (odt_upload("b"), "odt")):
        assert attachment_add(match=internship_match, by=cast.teacher, upload=upload).type == kind


def test_guest_lessons_take_no_documents(cast):
    match = confirmed_match(open_offer(cast.company, cast.hr), open_request(cast.school, cast.teacher))
    with pytest.raises(ValidationError):
        attachment_add(match=match, by=cast.teacher, upload=pdf_upload())


def test_retention_purge_removes_old_documents(cast, internship_match, settings):
    from datetime import datetime, time

    from django.utils import timezone

    attachment = attachment_add(match=internship_match, by=cast.teacher, upload=pdf_upload())
    storage, name = attachment.file.storage, attachment.file.name
    assert purge_attachments(timezone.now(), 100) == 0
    settings.ATTACHMENT_RETENTION_DAYS = 0
    later = internship_match.activity_date or date.today()
    moment = timezone.make_aware(datetime.combine(later + timedelta(days=400), time(12)))
    assert purge_attachments(moment, 100) == 1
    assert not Attachment.objects.exists() and not storage.exists(name)


# --- teacher internships ----------------------------------------------------------------------


def test_teacher_writes_a_reflection_that_the_monitor_counts(client, cast):
    offer = open_offer(
        cast.company,
        cast.hr,
        kind="teacher_internship",
        learning_goals="Werken met cobots",
        days=3,
        department="R&D",
    )
    request = open_request(
        cast.school, cast.teacher, kind="teacher_internship", teacher=cast.teacher, teacher_subject="ict"
    )
    match = confirmed_match(offer, request)
    with pytest.raises(Exception):  # noqa: B017 (only the participating teacher writes it)
        placements.reflection_write(match=match, by=cast.school_admin, text="Niet van mij")
    client.force_login(cast.teacher)
    client.post(f"/matches/{match.pk}/reflection/", {"text": "Cobots in de les"})
    assert TeacherReflection.objects.get(match=match).text == "Cobots in de les"
    from oversight.schoolyear import school_year_of

    day = match.activity_date or date.today()
    figures = teachers_reached(["overijssel"], [school_year_of(day)])
    assert figures["teachers"] == [1] and figures["by_subject"][0]["subject"] == "ict"
    report = api(cast.coordinator).get(f"/api/v1/reports/monitor/?year={school_year_of(day)}").json()
    oost = next(r for r in report["regions"] if "overijssel" in r["provinces"])
    assert oost["teacher_internships"]["teachers"][-1] == 1


def test_teacher_must_be_a_member_of_the_school(cast):
    with pytest.raises(ValidationError) as caught:
        open_request(cast.school, cast.teacher, kind="teacher_internship", teacher=cast.hr)
    assert "teacher" in caught.value.message_dict


# --- recurring, duplicate, roll-over -----------------------------------------------------------


def test_a_repeating_offer_counts_capacity_per_occurrence(cast):
    start = date.today() + timedelta(days=20)
    start = start.replace(day=1) + timedelta(days=40)
    start = start.replace(day=1)  # the first of a month, a month or two ahead
    until = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)  # three whole months
    offer = open_offer(
        cast.company,
        cast.hr,
        available_from=start,
        available_until=until,
        repeat=Repeat.MONTHLY,
        repeat_week=1,
        repeat_weekday=1,  # every first Tuesday
        capacity_per_occurrence=2,
    )
    days = listings.offer_occurrences(offer)
    assert len(days) == 3 and all(d.weekday() == 1 and d.day <= 7 for d in days)
    assert offer.capacity == 6


def test_duplicate_makes_a_draft_copy(cast):
    offer = open_offer(cast.company, cast.hr, max_group_size=25)
    copy = copies.listing_duplicate(offer, by=cast.hr)
    assert copy.pk != offer.pk and copy.status == "draft" and copy.max_group_size == 25
    assert copy.title == offer.title and copy.committed == 0


def test_rollover_copies_last_years_closed_listings_and_reports_clashes(cast):
    today = date.today()
    first_of_year = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    last_year = first_of_year.replace(year=first_of_year.year - 1)
    last_years = {
        "available_from": last_year + timedelta(days=40),
        "available_until": last_year + timedelta(days=200),
    }
    kept = OfferFactory(organisation=cast.company, title="Gastles vorig jaar", status="closed", **last_years)
    OfferFactory(organisation=cast.company, title="Bedrijfsbezoek", status="closed", **last_years)
    OfferFactory(
        organisation=cast.company,
        title="Bedrijfsbezoek",
        status="draft",
        available_from=first_of_year + timedelta(days=40),
        available_until=first_of_year + timedelta(days=200),
    )
    preview = copies.rollover_preview(organisation=cast.company)
    assert {(i.source.title, i.clash is not None) for i in preview} == {
        ("Gastles vorig jaar", False),
        ("Bedrijfsbezoek", True),
    }
    assert Offer.objects.count() == 3  # the preview changes nothing
    created, clashes = copies.organisation_rollover(organisation=cast.company, by=cast.hr)
    assert [c.title for c in created] == ["Gastles vorig jaar"] and len(clashes) == 1
    assert created[0].status == "draft"
    assert created[0].available_from == kept.available_from.replace(year=kept.available_from.year + 1)
    assert Offer.objects.filter(title="Bedrijfsbezoek").count() == 2


# --- bulk format, privacy ---------------------------------------------------------------------


def _rows(**over):
    org = {"type": "organisation", "lat": 52.5, "lon": 6.1, "province": "overijssel", "levels": ["mbo-3"]}
    base = {
        "available_from": "2027-09-01",
        "available_until": "2028-06-30",
    }
    return [
        {**org, "id": "S1", "kind": "school"},
        {**org, "id": "C1", "kind": "company"},
        {
            "type": "offer",
            "id": "O1",
            "organisation": "C1",
            "kind": "internship",
            "levels": ["mbo-3"],
            "capacity": 2,
            "contract_type": "both",
            "max_group_size": 30,
            "sbb_number": "123456789",
            "sbb_crebo": ["25195"],
            **base,
            **over.get("offer", {}),
        },
        {
            "type": "request",
            "id": "R1",
            "organisation": "S1",
            "kind": "internship",
            "levels": ["mbo-3"],
            "slots": 1,
            "group_size": 28,
            "sbb_required": True,
            "crebo": ["25195"],
            "wanted_from": "2027-10-01",
            "wanted_until": "2027-12-20",
            **over.get("request", {}),
        },
    ]


def _write(tmp_path, rows):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return str(path)


def test_load_dataset_takes_the_new_optional_keys(tmp_path):
    call_command("load_dataset", _write(tmp_path, _rows()), "--no-progress", stdout=StringIO())
    offer, request = Offer.objects.get(), Request.objects.get()
    assert (offer.max_group_size, offer.sbb_number, offer.sbb_crebo) == (30, "123456789", ["25195"])
    assert (request.group_size, request.sbb_required) == (28, True)


def test_load_dataset_reports_bad_new_keys_by_line(tmp_path):
    rows = _rows(offer={"max_group_size": 0, "sbb_number": "12345"}, request={"group_size": 501})
    rows.append({**rows[2], "id": "O2", "max_group_size": 10, "sbb_number": "123", "sbb_crebo": ["1"]})
    rows.append({**rows[3], "id": "R2", "group_size": 10, "sbb_required": "yes"})
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_dataset", _write(tmp_path, rows), "--no-progress", stdout=StringIO(), stderr=err)
    report = err.getvalue()
    for line, words in ((3, "max_group_size"), (4, "group_size"), (5, "sbb_number"), (6, "sbb_required")):
        assert f":{line}: " in report and words in report, (line, words, report)
    assert not Offer.objects.exists()


def test_privacy_export_lists_contact_roles_documents_and_reflections(cast, internship_match):
    attachment_add(match=internship_match, by=cast.teacher, upload=pdf_upload("pok.pdf"))
    data = personal_data(cast.teacher)["matching"]
    assert data["requests_as_contact_person"] and data["attachments_uploaded"][0]["name"] == "pok.pdf"
    assert "teacher_reflections" in data and "placements_recorded" in data


# --- the forms --------------------------------------------------------------------------------


def test_forms_refuse_bad_group_sizes_non_members_and_short_sbb_numbers(client, cast):
    from tests.matching.test_pages import _offer_form, _request_form

    client.force_login(cast.teacher)
    for over, field in (
        ({"group_size": "0"}, "group_size"),
        ({"group_size": "501"}, "group_size"),
        ({"contact_person": str(cast.hr.pk)}, "contact_person"),
    ):
        page = client.post("/requests/new/", _request_form(**over))
        assert page.status_code == 200 and field in page.context["form"].errors, over
    assert not Request.objects.exists()
    client.force_login(cast.hr)
    for over, field in (
        ({"sbb_number": "12345"}, "sbb_number"),
        ({"max_group_size": "0"}, "max_group_size"),
        ({"contact_person": str(cast.teacher.pk)}, "contact_person"),
    ):
        page = client.post("/offers/new/", _offer_form(cast.hr.pk, **over))
        assert page.status_code == 200 and field in page.context["form"].errors, over
    assert not Offer.objects.exists()
    page = client.post(
        "/offers/new/",
        _offer_form(
            cast.hr.pk, sbb_number="123456789", sbb_crebo="25604", hours_per_week="32", action="publish"
        ),
    )
    offer = Offer.objects.get()
    assert (offer.sbb_number, offer.sbb_crebo, offer.hours_per_week) == ("123456789", ["25604"], 32)


def test_pages_for_documents_duplicates_and_roll_over(client, cast, internship_match):
    client.force_login(cast.teacher)
    page = client.post(
        f"/matches/{internship_match.pk}/attachments/", {"file": exe_upload("pok.pdf")}, follow=True
    )
    assert b"Only PDF" in page.content and not Attachment.objects.exists()
    client.post(f"/matches/{internship_match.pk}/attachments/", {"file": pdf_upload("pok.pdf")})
    page = client.get(f"/matches/{internship_match.pk}/").content.decode()
    assert "pok.pdf" in page and f"/matches/{internship_match.pk}/attachments/" in page
    request = internship_match.request
    client.post(f"/requests/{request.pk}/duplicate/")
    assert Request.objects.filter(title=request.title, status="draft").count() == 1
    assert client.get("/rollover/").status_code == 200
    assert client.post("/rollover/").status_code == 302
