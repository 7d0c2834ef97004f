"""The `group_size` and `sbb` predicates of issue 18 (DESIGN §4)."""

from __future__ import annotations

import pytest

from matching.kind_rules import group_size_fits, sbb_recognised_for


@pytest.mark.parametrize(
    ("largest", "group", "fits"),
    [(30, 28, True), (30, 30, True), (25, 28, False), (None, 28, True), (30, None, True), (None, None, True)],
)
def test_group_size(largest, group, fits):
    assert group_size_fits(max_group_size=largest, group_size=group) is fits


@pytest.mark.parametrize(
    ("required", "crebo", "number", "recognised", "ok"),
    [
        (False, ["25195"], "", [], True),  # not required: nothing asked
        (True, ["25195"], "123456789", ["25195", "25196"], True),
        (True, ["25195"], "123456789", ["25300"], False),  # recognised, but for another qualification
        (True, [], "123456789", [], True),  # no crebo listed: any recognition
        (True, [], "", [], False),  # no recognition at all
        (True, ["25195"], "", ["25195"], False),  # codes without a leerbedrijf number
    ],
)
def test_sbb(required, crebo, number, recognised, ok):
    assert (
        sbb_recognised_for(
            sbb_required=required, request_crebo=crebo, sbb_number=number, sbb_crebo=recognised
        )
        is ok
    )
