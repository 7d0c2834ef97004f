"""A matcher run over a loaded file obeys the ``group_size`` and ``sbb`` rules (DESIGN §4, §8):
the optional keys of ``load_dataset`` reach the engine, and no proposal breaks them."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from matching.models import Match
from matching.rules import pair_check

pytestmark = pytest.mark.django_db


def organisation(oid: str, kind: str, lat: float) -> dict:
    return {
        "type": "organisation",
        "id": oid,
        "kind": kind,
        "name": oid,
        "lat": lat,
        "lon": 6.09,
        "province": "overijssel",
    }


# Each offer has one place and each request wants three: without the two rules a run would use
# every offer.
def listing(kind: str, oid: str, org: str, item: str, levels: list[str], **extra) -> dict:
    start, end = timezone.localdate() + timedelta(days=7), timezone.localdate() + timedelta(days=90)
    row = {"type": kind, "id": oid, "organisation": org, "kind": item, "levels": levels, "subjects": []}
    if kind == "offer":
        row.update(capacity=1, max_travel_km=40, available_from=str(start), available_until=str(end))
    else:
        row.update(slots=3, max_travel_km=40, wanted_from=str(start), wanted_until=str(end))
    return row | extra


ROWS = [
    organisation("S1", "school", 52.51),
    organisation("C1", "company", 52.52),
    organisation("C2", "company", 52.53),
    organisation("C3", "company", 52.54),
    # Guest lessons: a class of 28 fits only the offer taking groups of up to 30.
    listing("offer", "O-small", "C1", "guest_lesson", ["havo"], max_group_size=20),
    listing("offer", "O-large", "C2", "guest_lesson", ["havo"], max_group_size=30),
    listing("request", "R-class", "S1", "guest_lesson", ["havo"], group_size=28),
    # Internships that require SBB recognition for crebo 25180: only O-sbb is recognised for it.
    listing("offer", "O-none", "C1", "internship", ["mbo-3"], crebo=["25180"], contract_type="both"),
    listing(
        "offer",
        "O-other",
        "C2",
        "internship",
        ["mbo-3"],
        crebo=["25180"],
        contract_type="both",
        sbb_number="123456789",
        sbb_crebo=["25300"],
    ),
    listing(
        "offer",
        "O-sbb",
        "C3",
        "internship",
        ["mbo-3"],
        crebo=["25180"],
        contract_type="both",
        sbb_number="987654321",
        sbb_crebo=["25180", "25300"],
    ),
    listing("request", "R-sbb", "S1", "internship", ["mbo-3"], crebo=["25180"], sbb_required=True),
]


def run(tmp_path, rows: list[dict]) -> set[tuple[str, str]]:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    call_command("load_dataset", str(path), "--no-progress", stdout=StringIO())
    export = tmp_path / "out.jsonl"
    call_command("match", "--export", str(export), stdout=StringIO())
    return {(row["offer"], row["request"]) for row in map(json.loads, export.read_text().splitlines())}


def test_a_run_proposes_only_pairs_that_fit_the_group_and_the_sbb_recognition(tmp_path):
    assert run(tmp_path, ROWS) == {("O-large", "R-class"), ("O-sbb", "R-sbb")}
    # Once proposed a pair is "live" and its slots are taken; the two rules still hold.
    for match in Match.objects.select_related("offer", "request"):
        broken = {b.code for b in pair_check(offer=match.offer, request=match.request, slots=match.slots)}
        assert not broken & {"group_size", "sbb"}


def test_without_the_optional_keys_the_same_file_imposes_nothing(tmp_path):
    optional = {"max_group_size", "group_size", "sbb_number", "sbb_crebo", "sbb_required"}
    plain = [{key: value for key, value in row.items() if key not in optional} for row in ROWS]
    assert run(tmp_path, plain) == {
        ("O-small", "R-class"),
        ("O-large", "R-class"),
        ("O-none", "R-sbb"),
        ("O-other", "R-sbb"),
        ("O-sbb", "R-sbb"),
    }
