from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEntry
from matching.services import matches
from notifications.models import Notification
from oversight.models import ConductReport
from oversight.services.conduct import conduct_report_create, conduct_report_handle
from tests.accounts.factories import OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db

NEW = reverse("oversight:conduct_new")
MINE = reverse("oversight:conduct_mine")
LIST = reverse("oversight:conduct_list")


@pytest.fixture
def match(cast):
    return matches.match_propose(
        offer=open_offer(
            cast.company,
            cast.hr,
            kind="internship",
            levels=["vmbo-t"],
            title="Stage techniek",
            contract_type="bol",
        ),
        request=open_request(cast.school, cast.teacher, kind="internship", levels=["vmbo-t"], title="Stages"),
    )


@pytest.fixture
def report(cast, match):
    return conduct_report_create(
        by=cast.teacher,
        school=cast.school,
        company=cast.company,
        match=match,
        category="discrimination",
        description="Leerling met hoofddoek werd geweigerd.",
    )


def test_school_reports_a_company_it_worked_with(client, cast, match, django_capture_on_commit_callbacks):
    client.force_login(cast.teacher)
    form = client.get(NEW).content.decode()
    assert "Demcon" in form and "Stage techniek" in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            NEW,
            {
                "company": cast.company.pk,
                "match": match.pk,
                "category": "discrimination",
                "description": "Leerling met hoofddoek werd geweigerd.",
            },
        )
    assert response.status_code == 302 and response["Location"] == MINE
    report = ConductReport.objects.get()
    assert (report.school, report.company, report.match, report.reported_by) == (
        cast.school,
        cast.company,
        match,
        cast.teacher,
    )
    assert report.province == "overijssel" and report.status == "open"

    # Anyone of the school sees it and its status on "our reports".
    client.force_login(cast.school_admin)
    page = client.get(MINE).content.decode()
    assert "Demcon" in page and "Open" in page

    entry = AuditEntry.objects.get(action="conduct.reported")
    assert (entry.organisation, entry.province, entry.object_type, entry.object_id) == (
        cast.school,
        "overijssel",
        "conduct_report",
        str(report.pk),
    )


def test_only_coordinators_of_the_province_are_notified_without_the_details(cast, report):
    notified = Notification.objects.filter(event="conduct.reported")
    assert set(notified.values_list("recipient", flat=True)) == {cast.coordinator.pk}
    note = notified.get()
    assert "Demcon" in note.body and "hoofddoek" not in note.body
    assert note.link == reverse("oversight:conduct_detail", args=[report.pk])
    told = Notification.objects.filter(recipient__in=[cast.hr, cast.coordinator_elsewhere])
    assert not told.filter(object_type="conduct_report").exists()


def test_school_may_report_a_verified_company_found_by_name_but_not_an_unverified_stranger(client, cast):
    far = OrganisationFactory(kind="company", name="Rotterdam Staal", at="Delft")
    shady = OrganisationFactory(kind="company", name="Rotterdam Schaduw", at="Delft", verified_at=None)
    client.force_login(cast.teacher)
    page = client.get(NEW, {"q": "rotterdam"}).content.decode()
    assert "Rotterdam Staal" in page and "Rotterdam Schaduw" not in page

    data = {"category": "safety", "description": "Geen veiligheidsinstructie."}
    response = client.post(NEW, {**data, "company": shady.pk})
    assert response.status_code == 200 and not ConductReport.objects.exists()
    client.post(NEW, {**data, "company": far.pk})
    assert ConductReport.objects.get().company == far


def test_related_match_must_be_between_the_school_and_the_company(cast, match):
    other = OrganisationFactory(kind="company", name="Andere BV", at="Zwolle")
    with pytest.raises(ValidationError):
        conduct_report_create(
            by=cast.teacher, school=cast.school, company=other, match=match, category="other", description="x"
        )
    assert not ConductReport.objects.exists()


def test_company_members_and_strangers_cannot_report_or_see_reports(client, cast, report):
    for person in (cast.hr, cast.stranger):
        client.force_login(person)
        assert client.get(NEW).status_code == 404
        assert client.get(MINE).status_code == 404
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("oversight:conduct_detail", args=[report.pk])).status_code == 403
    # Another school's people see nothing of it.
    client.force_login(cast.other_member)
    assert "Demcon" not in client.get(MINE).content.decode()


def test_coordinator_of_the_province_sees_and_handles_it(client, cast, report):
    detail = reverse("oversight:conduct_detail", args=[report.pk])
    client.force_login(cast.coordinator)
    assert "Thomas a Kempis College" in client.get(LIST).content.decode()
    assert "hoofddoek" in client.get(detail).content.decode()

    client.post(detail, {"status": "in_progress", "outcome": ""})
    report.refresh_from_db()
    assert report.status == "in_progress" and report.handled_by == cast.coordinator

    # Closing needs an outcome.
    response = client.post(detail, {"status": "closed", "outcome": "  "})
    assert response.status_code == 200 and "Write the outcome" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "in_progress"

    client.post(detail, {"status": "closed", "outcome": "Gesprek gevoerd; bedrijf van het platform gehaald."})
    report.refresh_from_db()
    assert report.status == "closed" and report.closed_at is not None

    actions = list(
        AuditEntry.objects.filter(object_type="conduct_report", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "conduct.reported",
        "conduct.status_changed",
        "conduct.outcome_written",
        "conduct.status_changed",
    ]
    # Nothing about the report is filed under the company.
    assert not AuditEntry.objects.filter(organisation=cast.company, object_type="conduct_report").exists()

    # The reporter is told, and reads the outcome on the school's page.
    assert Notification.objects.filter(event="conduct.closed", recipient=cast.teacher).exists()
    assert not Notification.objects.filter(recipient=cast.hr, object_type="conduct_report").exists()
    client.force_login(cast.teacher)
    assert "bedrijf van het platform gehaald" in client.get(MINE).content.decode()


def test_closed_report_is_final(cast, report):
    conduct_report_handle(report=report, by=cast.coordinator, status="closed", outcome="Afgehandeld.")
    with pytest.raises(ValidationError):
        conduct_report_handle(report=report, by=cast.coordinator, status="open")
    report.refresh_from_db()
    assert report.status == "closed"


def test_coordinator_elsewhere_gets_404(client, cast, report):
    client.force_login(cast.coordinator_elsewhere)
    assert "Demcon" not in client.get(LIST).content.decode()
    detail = reverse("oversight:conduct_detail", args=[report.pk])
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"status": "closed", "outcome": "weg"}).status_code == 404
    report.refresh_from_db()
    assert report.status == "open"


def test_school_reports_from_the_internship_match_page_and_follows_the_handling(client, cast, match):
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=cast.hr)
    client.force_login(cast.teacher)
    page = client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    link = f"{NEW}?school={cast.school.pk}&amp;match={match.pk}"
    assert link in page
    form = client.get(NEW, {"school": cast.school.pk, "match": match.pk}).content.decode()
    assert f'<option value="{match.pk}" selected>' in form
    assert f'<option value="{cast.company.pk}" selected>' in form

    # The company never sees the link.
    client.force_login(cast.hr)
    assert (
        "Report improper conduct"
        not in client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    )

    report = conduct_report_create(
        by=cast.teacher,
        school=cast.school,
        company=cast.company,
        match=match,
        category="safety",
        description="x",
    )
    conduct_report_handle(report=report, by=cast.coordinator, status="in_progress", outcome="")
    client.force_login(cast.teacher)
    mine = client.get(MINE).content.decode()
    assert "Being handled" in mine and "Status changed" in mine
