"""The authorisation matrix: every URL of the web and the API × every role.

Each `rows_<app>.py` holds, per named route, the requests to make (built from the scenario in
tests/security/scenario.py) and the outcome each role must get; `dsl.py` says how a row is
written. `test_matrix.py` runs one test per route and role (`matching:offer_detail[teacher]`),
so a failure names both; adding a page is adding its line to the rows of its app.

On top of the status, every 200 a role gets is searched for the words of objects that role must
never see (`visibility.py`), and a refused write must change nothing: key writes carry a snapshot
that is compared before and after (`runner.py`).
"""

from __future__ import annotations

from tests.security.matrix import (
    rows_accounts,
    rows_catalogue,
    rows_matches,
    rows_matching,
    rows_notifications,
    rows_oversight,
    rows_platform,
)
from tests.security.matrix.dsl import Check


def _merge(*modules: object) -> dict[str, list[Check]]:
    rows: dict[str, list[Check]] = {}
    for module in modules:
        twice = set(rows) & set(module.ROWS)  # type: ignore[attr-defined]
        assert not twice, f"rows given twice: {sorted(twice)}"
        rows |= module.ROWS  # type: ignore[attr-defined]
    return rows


ROWS = _merge(
    rows_platform,
    rows_accounts,
    rows_catalogue,
    rows_matching,
    rows_matches,
    rows_notifications,
    rows_oversight,
)
