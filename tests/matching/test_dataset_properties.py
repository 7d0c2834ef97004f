"""Property tests (hypothesis) of the bulk-format validator (matching/dataset.py, DESIGN §8).

Whatever a file holds, validation never crashes: it accepts the line or reports it by number.
Lines generated from the format always validate, and spoiling one field of one line is always
reported on that line.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.dataset import parse_lines
from taxonomy.regions import LANDSDEEL_OF_PROVINCE

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = (
    "type", "id", "kind", "name", "lat", "lon", "province", "levels", "subjects", "sectors",
    "organisation", "title", "description", "capacity", "slots", "max_travel_km", "online",
    "online_ok", "available_from", "available_until", "wanted_from", "wanted_until", "language",
    "vog_date", "vog_required", "crebo", "contract_type", "sbb_recognised",
)  # fmt: skip


def _none_known(ids: set[str]) -> dict[str, str]:
    return {}


def _parse(lines: list[str]):
    return parse_lines(lines, known_organisations=_none_known)


def _well_formed(parsed, n_lines: int) -> None:
    for number, reason in parsed.errors:
        assert isinstance(number, int) and 1 <= number <= n_lines
        assert isinstance(reason, str) and reason


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["2026-09-01", "havo", "ict", "offer", "organisation", "request", "overijssel"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values, max_size=12)
line_types = st.sampled_from(["organisation", "offer", "request"])


@SETTINGS
@given(st.lists(st.text(max_size=200), max_size=8))
def test_any_text_is_accepted_or_reported_by_line(lines):
    parsed = _parse(lines)
    _well_formed(parsed, len(lines))
    # A line that is not a JSON object is always an error on that line.
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.strip().startswith("{"):
            assert number in {n for n, _ in parsed.errors}


@SETTINGS
@given(st.lists(st.tuples(line_types, json_objects), max_size=6))
def test_any_json_object_is_accepted_or_reported_by_line(rows):
    lines = [json.dumps({**obj, "type": kind}) for kind, obj in rows]
    _well_formed(_parse(lines), len(lines))


@pytest.mark.parametrize(
    "line",
    [
        "[" * 100_000 + "]" * 100_000,  # nesting deeper than the JSON decoder's recursion
        '{"type": "organisation", "lat": ' + "9" * 5000 + "}",  # more digits than int() allows
        '{"type": "organisation", "id": "S", "kind": "school", "province": "utrecht", "lat": 1'
        + "0" * 400
        + ', "lon": 5}',  # an integer too large for a float
        '{"type": "offer", "id": "O", "organisation": "C", "kind": ["guest_lesson"]}',  # unhashable
        '{"type": "organisation", "id": "S", "kind": "school", "province": {"a": 1}}',
    ],
    ids=["deep-nesting", "huge-digits", "huge-int", "list-kind", "dict-province"],
)
def test_hostile_lines_are_reported_not_raised(line):
    parsed = _parse([line])
    assert [number for number, _ in parsed.errors] == [1]


# --- Valid files, and one spoiled field ---------------------------------------------------------

PROVINCES = sorted(LANDSDEEL_OF_PROVINCE)
LEVELS = ["po", "vmbo-b", "havo", "vwo", "mbo-2", "hbo"]
KINDS = ["guest_lesson", "company_visit", "internship", "teacher_internship"]
day = st.integers(0, 500).map(lambda n: date(2026, 6, 1) + timedelta(days=n))


@st.composite
def organisation(draw, oid: str, kind: str) -> dict:
    return {
        "type": "organisation",
        "id": oid,
        "kind": kind,
        "name": draw(st.text(max_size=30)),
        "lat": draw(st.floats(50.0, 54.0)),
        "lon": draw(st.floats(3.0, 7.5)),
        "province": draw(st.sampled_from(PROVINCES)),
        "levels": draw(st.lists(st.sampled_from(LEVELS), max_size=3)),
    }


@st.composite
def listing(draw, lid: str, org: str, offer: bool) -> dict:
    start = draw(day)
    end = start + timedelta(days=draw(st.integers(0, 300)))
    row = {
        "type": "offer" if offer else "request",
        "id": lid,
        "organisation": org,
        "kind": draw(st.sampled_from(KINDS)),
        "levels": draw(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3)),
        "subjects": draw(st.lists(st.sampled_from(["ict", "bouw", "energie", "zorg-techniek"]), max_size=2)),
        "max_travel_km": draw(st.one_of(st.none(), st.floats(0.5, 300))),
        "crebo": draw(st.lists(st.from_regex(r"\A[0-9]{5}\Z"), max_size=2)),
    }
    if offer:
        row |= {
            "capacity": draw(st.integers(1, 100)),
            "online": draw(st.booleans()),
            "available_from": start.isoformat(),
            "available_until": end.isoformat(),
            "vog_date": draw(st.one_of(st.none(), day.map(date.isoformat))),
        }
    else:
        row |= {
            "slots": draw(st.integers(1, 100)),
            "online_ok": draw(st.booleans()),
            "wanted_from": start.isoformat(),
            "wanted_until": end.isoformat(),
            "vog_required": draw(st.booleans()),
        }
    return row


@st.composite
def valid_files(draw) -> list[dict]:
    rows = [draw(organisation("S1", "school")), draw(organisation("C1", "company"))]
    rows += [draw(listing(f"O{i}", "C1", True)) for i in range(draw(st.integers(0, 3)))]
    rows += [draw(listing(f"R{i}", "S1", False)) for i in range(draw(st.integers(0, 3)))]
    return draw(st.permutations(rows))


@SETTINGS
@given(valid_files())
def test_lines_in_the_format_always_validate(rows):
    parsed = _parse([json.dumps(row) for row in rows])
    assert parsed.errors == []
    assert len(parsed.organisations) + len(parsed.offers) + len(parsed.requests) == len(rows)


# Field → values that break it, per line type.
SPOILERS = {
    "id": [None, "", "x" * 65, True, [], {}],
    "kind": [None, "lecture", 3, ["guest_lesson"], {"k": 1}],
    "lat": [None, "52.1", 49.9, 54.1, True, float("nan"), 10**400],
    "lon": [None, 2.9, 7.6, float("inf"), [], 10**400],
    "province": [None, "Overijssel ", "atlantis", ["utrecht"], 7],
    "levels": ["havo", [1], ["groep-9"], {"havo": 1}],
    "organisation": [None, "", "UNKNOWN", 3.5],
    "capacity": [0, -1, 1.5, "3", True, 100001, None],
    "slots": [0, -2, 2.0, "1", False, None],
    "max_travel_km": [0, -5, "10", True, float("nan")],
    "online": ["yes", 1, []],
    "online_ok": ["no", 0],
    "available_from": ["2026-13-01", "tomorrow", 20260901, None],
    "available_until": ["2026-02-30", None, ["2026-09-01"]],
    "wanted_from": ["01-09-2026", None],
    "wanted_until": ["", 5],
    "vog_date": ["2026-99-99", 12],
    "vog_required": ["true", 1],
    "crebo": ["25180", ["2518"], ["abcde"], [251800]],
}
FIELDS_OF = {
    "organisation": ["id", "kind", "lat", "lon", "province", "levels"],
    "offer": ["id", "kind", "levels", "organisation", "capacity", "max_travel_km", "online"]
    + ["available_from", "available_until", "vog_date", "crebo"],
    "request": ["id", "kind", "levels", "organisation", "slots", "max_travel_km", "online_ok"]
    + ["wanted_from", "wanted_until", "vog_required", "crebo"],
}


@SETTINGS
@given(valid_files(), st.data())
def test_one_spoiled_field_is_reported_on_its_line(rows, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    row = dict(rows[index])
    field = data.draw(st.sampled_from(FIELDS_OF[row["type"]]))
    row[field] = data.draw(st.sampled_from(SPOILERS[field]))
    if row["type"] == "organisation" and field == "kind":
        row[field] = data.draw(st.sampled_from([None, "offer", "bank", ["school"]]))
    lines = [json.dumps(r) for r in rows]
    lines[index] = json.dumps(row)  # json.dumps writes NaN/Infinity, which the loader also accepts

    parsed = _parse(lines)

    assert index + 1 in {number for number, _ in parsed.errors}, (field, row[field], parsed.errors)
