from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation
from matching.models import Offer, Request

pytestmark = pytest.mark.django_db

GOOD = [
    {
        "type": "organisation",
        "id": "S1",
        "kind": "school",
        "name": "Lyceum",
        "lat": 52.51,
        "lon": 6.09,
        "province": "overijssel",
        "levels": ["havo", "vwo"],
    },
    {
        "type": "organisation",
        "id": "C1",
        "kind": "company",
        "name": "ICT BV",
        "lat": 52.22,
        "lon": 6.89,
        "province": "overijssel",
        "subjects": ["ict"],
    },
    {
        "type": "offer",
        "id": "O1",
        "organisation": "C1",
        "kind": "guest_lesson",
        "levels": ["havo"],
        "subjects": ["ict"],
        "capacity": 3,
        "max_travel_km": 40,
        "online": False,
        "available_from": "2026-09-01",
        "available_until": "2027-06-30",
    },
    {
        "type": "request",
        "id": "R1",
        "organisation": "S1",
        "kind": "guest_lesson",
        "levels": ["havo"],
        "subjects": [],
        "slots": 1,
        "max_travel_km": None,
        "online_ok": True,
        "wanted_from": "2026-10-01",
        "wanted_until": "2026-12-20",
    },
]


def write(tmp_path, rows, name="data.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return str(path)


def test_good_file_loads_and_reload_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    call_command("load_dataset", path, "--no-progress", stdout=StringIO())
    school = Organisation.objects.get(external_id="S1")
    assert school.is_verified and school.landsdeel == "oost" and school.place
    offer = Offer.objects.get(external_id="O1")
    assert offer.status == "open" and offer.capacity == 3 and offer.max_travel_km == 40
    assert offer.organisation.external_id == "C1" and offer.levels_mask > 0
    request = Request.objects.get(external_id="R1")
    assert request.status == "open" and request.online_ok and request.max_travel_km is None

    before = [list(m.objects.order_by("pk").values()) for m in (Organisation, Offer, Request)]
    call_command("load_dataset", path, "--no-progress", stdout=StringIO())
    after = [list(m.objects.order_by("pk").values()) for m in (Organisation, Offer, Request)]
    for rows_before, rows_after in zip(before, after, strict=True):
        strip = lambda rows: [{k: v for k, v in r.items() if k != "updated_at"} for r in rows]  # noqa: E731
        assert strip(rows_before) == strip(rows_after)


def test_bad_lines_are_all_reported_and_nothing_is_loaded(tmp_path):
    rows = [
        *GOOD,
        "{not json",
        {
            "type": "offer",
            "id": "O2",
            "organisation": "C1",
            "kind": "guest_lesson",
            "levels": ["mbo-9"],
            "capacity": 1,
            "available_from": "2026-09-01",
            "available_until": "2027-06-30",
        },
        {
            "type": "request",
            "id": "R2",
            "organisation": "C1",
            "kind": "guest_lesson",
            "levels": ["havo"],
            "slots": 1,
            "wanted_from": "2026-10-01",
            "wanted_until": "2026-12-20",
        },
        {
            "type": "request",
            "id": "R3",
            "organisation": "S1",
            "kind": "guest_lesson",
            "levels": ["havo"],
            "slots": 0,
            "wanted_from": "2026-12-01",
            "wanted_until": "2026-10-20",
        },
        {
            "type": "offer",
            "id": "O1",
            "organisation": "C1",
            "kind": "guest_lesson",
            "levels": ["havo"],
            "capacity": 1,
            "available_from": "2026-09-01",
            "available_until": "2027-06-30",
        },
        {
            "type": "organisation",
            "id": "S9",
            "kind": "school",
            "lat": 52.5,
            "lon": 6.1,
            "province": "atlantis",
        },
        {
            "type": "offer",
            "id": "O3",
            "organisation": "NOPE",
            "kind": "guest_lesson",
            "levels": ["havo"],
            "capacity": 1,
            "available_from": "2026-09-01",
            "available_until": "2027-06-30",
        },
    ]
    path = write(tmp_path, rows)
    err = StringIO()
    with pytest.raises(CommandError, match="7 bad line"):
        call_command("load_dataset", path, "--no-progress", stdout=StringIO(), stderr=err)
    report = err.getvalue()
    for line_number, reason in [
        (5, "not valid JSON"),
        (6, "unknown level"),
        (7, "is a company"),
        (8, "at least 1"),
        (9, "duplicate offer id 'O1'"),
        (10, "unknown province"),
        (11, "unknown organisation 'NOPE'"),
    ]:
        assert f":{line_number}: " in report and reason in report, (line_number, reason, report)
    assert not Organisation.objects.exists()
    assert not Offer.objects.exists()


def test_offers_may_point_at_organisations_loaded_earlier(tmp_path):
    call_command("load_dataset", write(tmp_path, GOOD[:2], "orgs.jsonl"), "--no-progress", stdout=StringIO())
    call_command("load_dataset", write(tmp_path, GOOD[2:], "items.jsonl"), "--no-progress", stdout=StringIO())
    assert Offer.objects.count() == 1 and Request.objects.count() == 1


def test_unknown_subjects_are_kept_as_tags(tmp_path):
    rows = [dict(GOOD[0]), dict(GOOD[1]), dict(GOOD[2], subjects=["Robotica", "informatica"])]
    err = StringIO()
    call_command("load_dataset", write(tmp_path, rows), "--no-progress", stdout=StringIO(), stderr=err)
    assert Offer.objects.get().subjects == ["robotica", "ict"]
    assert "robotica" in err.getvalue()


def test_missing_file_is_a_command_error():
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_dataset", "/nonexistent.jsonl")


def test_contract_type_is_loaded_and_a_bad_value_names_its_line(tmp_path):
    internship = {"kind": "internship", "levels": ["mbo-3"], "subjects": []}
    offer = {**GOOD[2], **internship, "id": "O9", "contract_type": "both"}
    request = {**GOOD[3], **internship, "id": "R9", "contract_type": "bbl"}
    path = write(tmp_path, [*GOOD, offer, request])
    call_command("load_dataset", path, "--no-progress", stdout=StringIO())
    assert Offer.objects.get(external_id="O9").contract_type == "both"
    assert Request.objects.get(external_id="R9").contract_type == "bbl"
    assert Offer.objects.get(external_id="O1").contract_type == ""  # absent: no constraint

    Offer.objects.all().delete()
    Request.objects.all().delete()
    Organisation.objects.all().delete()
    bad = [
        *GOOD,
        {**request, "id": "R8", "contract_type": "both"},
        {**offer, "id": "O8", "contract_type": "BOL"},
    ]
    err = StringIO()
    with pytest.raises(CommandError, match="2 bad line"):
        call_command(
            "load_dataset", write(tmp_path, bad, "bad.jsonl"), "--no-progress", stdout=StringIO(), stderr=err
        )
    report = err.getvalue()
    assert ":5: " in report and ":6: " in report and "contract_type" in report
    assert not Offer.objects.exists() and not Organisation.objects.exists()
