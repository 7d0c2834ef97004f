from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEntry, Invitation, Organisation
from oversight.services.imports import organisations_import
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("oversight:import")


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English; outside a request the default language is Dutch.
    with translation.override("en"):
        yield


GOOD_SCHOOLS = (
    "name,place,brin,levels,email\n"
    "Het Nieuwe Lyceum,Deventer,21XY,havo|vwo,Directie@Lyceum.nl\n"
    '"Kempis, vestiging Noord",Zwolle,{brin},vmbo-t;havo,\n'
    "Basisschool De Hoven,Doetinchem,22AB,po,\n"
)

BAD_SCHOOLS = (
    "name,place,province,brin,levels\n"
    "Goede School,Deventer,,23CD,havo\n"  # line 2: fine
    "Foute BRIN,Deventer,,1234,havo\n"  # line 3
    "Nergens,Atlantis,,24EF,havo\n"  # line 4
    ",Zwolle,,25GH,havo\n"  # line 5
    "Delftse School,Delft,,26IJ,havo\n"  # line 6: Zuid-Holland, not the coordinator's
    "Dubbel,Zwolle,,23CD,havo\n"  # line 7: same BRIN as line 2
    "Onbekend niveau,Zwolle,,27KL,gymnasium\n"  # line 8
)


def good_schools(cast) -> str:
    return GOOD_SCHOOLS.format(brin=cast.school.brin)


def test_dry_run_changes_nothing_and_reports_every_bad_row(cast):
    before = Organisation.objects.count()
    result = organisations_import(
        content=BAD_SCHOOLS.encode(), kind="school", by=cast.coordinator, dry_run=True
    )
    assert Organisation.objects.count() == before and not result.applied
    errors = {row.line: " ".join(row.errors) for row in result.rows if row.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "four characters" in errors[3]
    assert "Atlantis" in errors[4]
    assert "name is missing" in errors[5]
    assert "outside your provinces" in errors[6]
    assert "also on line 2" in errors[7]
    assert "gymnasium" in errors[8]
    assert result.rows[0].status == "new"
    assert any(line.startswith("Line 3:") for line in result.error_lines())

    # Not a dry run: still all or nothing.
    result = organisations_import(content=BAD_SCHOOLS.encode(), kind="school", by=cast.coordinator)
    assert not result.applied and not Organisation.objects.filter(brin="23CD").exists()
    assert not AuditEntry.objects.filter(action="organisations.imported").exists()


def test_ambiguous_place_needs_a_province(cast):
    rows = [{"name": "School", "place": "Hengelo", "brin": "28MN", "levels": "havo"}]
    result = organisations_import(rows=rows, kind="school", by=cast.coordinator, dry_run=True)
    assert "add the province" in result.rows[0].errors[0]
    rows[0]["province"] = "Gelderland"
    result = organisations_import(rows=rows, kind="school", by=cast.coordinator, dry_run=True)
    assert result.ok and result.rows[0].province == "gelderland"


def test_good_file_creates_and_updates_and_reimport_is_idempotent(cast, django_capture_on_commit_callbacks):
    content = good_schools(cast).encode()
    with django_capture_on_commit_callbacks(execute=True):
        result = organisations_import(content=content, kind="school", by=cast.coordinator, source="duo.csv")
    assert result.applied, result.error_lines()
    assert result.counts == {
        "rows": 3,
        "created": 2,
        "updated": 1,
        "unchanged": 0,
        "errors": 0,
        "invited": 1,
    }
    lyceum = Organisation.objects.get(brin="21XY")
    assert (
        lyceum.name == "Het Nieuwe Lyceum" and lyceum.province == "overijssel" and lyceum.landsdeel == "oost"
    )
    assert lyceum.levels == ["havo", "vwo"] and lyceum.is_verified and lyceum.verified_by == cast.coordinator
    invitation = Invitation.objects.get(organisation=lyceum)
    assert invitation.email == "directie@lyceum.nl" and invitation.is_admin

    cast.school.refresh_from_db()
    assert cast.school.name == "Kempis, vestiging Noord" and cast.school.levels == ["vmbo-t", "havo"]
    assert Organisation.objects.filter(brin=cast.school.brin).count() == 1

    entry = AuditEntry.objects.get(action="organisations.imported")
    assert entry.actor == cast.coordinator
    assert entry.data["created"] == 2 and entry.data["updated"] == 1 and entry.data["source"] == "duo.csv"

    # The same file again: nothing new, nothing changed, nobody invited twice.
    organisations_before = Organisation.objects.count()
    again = organisations_import(content=content, kind="school", by=cast.coordinator)
    assert again.applied and again.counts["unchanged"] == 3 and again.counts["invited"] == 0
    assert Organisation.objects.count() == organisations_before
    assert Invitation.objects.filter(organisation=lyceum).count() == 1


def test_existing_organisation_outside_the_provinces_is_not_touched(cast):
    delft = OrganisationFactory(kind="company", name="Delft BV", at="Delft")
    rows = [{"name": "Overgenomen", "place": "Zwolle", "kvk": delft.kvk}]
    result = organisations_import(rows=rows, kind="company", by=cast.coordinator)
    assert not result.applied and "outside your provinces" in result.rows[0].errors[0]
    delft.refresh_from_db()
    assert delft.name == "Delft BV"


def test_companies_need_a_valid_kvk_number(cast):
    rows = [
        {"name": "Zonder", "place": "Zwolle", "kvk": ""},
        {"name": "Fout", "place": "Zwolle", "kvk": "1234"},
        {"name": "Goed", "place": "Zwolle", "kvk": "1234 5678", "sectors": "ict|energie"},
    ]
    result = organisations_import(rows=rows, kind="company", by=cast.coordinator, dry_run=True)
    assert "KvK number is missing" in result.rows[0].errors[0]
    assert "eight digits" in result.rows[1].errors[0]
    assert result.rows[2].status == "new" and result.rows[2].registry == "12345678"


def test_missing_column_is_a_file_error(cast):
    result = organisations_import(content=b"name;place\nX;Zwolle\n", kind="school", by=cast.coordinator)
    assert result.file_errors and "brin" in result.file_errors[0]


def test_web_upload_preview_and_confirm(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(IMPORT).status_code == 200
    upload = SimpleUploadedFile("duo.csv", good_schools(cast).encode())
    preview = client.post(IMPORT, {"kind": "school", "file": upload})
    page = preview.content.decode()
    assert preview.status_code == 200 and "Het Nieuwe Lyceum" in page and "Import 3 rows" in page
    assert not Organisation.objects.filter(brin="21XY").exists()

    token = preview.context["token"]
    done = client.post(IMPORT, {"token": token})
    assert done.status_code == 302
    assert Organisation.objects.filter(brin="21XY", verified_by=cast.coordinator).exists()
    # The token is used up: a second click imports nothing more and says so.
    again = client.post(IMPORT, {"token": token}, follow=True)
    assert "expired or was already imported" in again.content.decode()
    assert AuditEntry.objects.filter(action="organisations.imported").count() == 1


def test_web_preview_of_a_bad_file_offers_no_import(client, cast):
    client.force_login(cast.coordinator)
    preview = client.post(
        IMPORT, {"kind": "school", "file": SimpleUploadedFile("bad.csv", BAD_SCHOOLS.encode())}
    )
    page = preview.content.decode()
    assert "Nothing can be imported" in page and 'name="token"' not in page
    assert "also on line 2" in page


def test_web_refuses_large_files_and_non_coordinators(client, cast):
    client.force_login(cast.coordinator)
    big = SimpleUploadedFile("big.csv", b"name,place,brin\n" + b"x" * (2 * 1024 * 1024 + 1))
    response = client.post(IMPORT, {"kind": "school", "file": big})
    assert response.status_code == 200 and "the maximum is" in response.content.decode()
    client.force_login(cast.school_admin)
    assert client.get(IMPORT).status_code == 403


def test_command_imports_and_reports_row_errors(cast, tmp_path):
    good = tmp_path / "schools.csv"
    good.write_text(good_schools(cast), encoding="utf-8-sig")
    call_command("import_organisations", str(good), "--kind", "school", "--dry-run")
    assert not Organisation.objects.filter(brin="21XY").exists()

    call_command(
        "import_organisations", str(good), "--kind", "school", "--coordinator", cast.coordinator.email
    )
    assert Organisation.objects.get(brin="21XY").verified_by == cast.coordinator

    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_SCHOOLS, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_organisations", str(bad), "--kind", "school", "--coordinator", cast.coordinator.email
        )
    with pytest.raises(CommandError, match="not a coordinator"):
        call_command(
            "import_organisations", str(good), "--kind", "school", "--coordinator", cast.teacher.email
        )
