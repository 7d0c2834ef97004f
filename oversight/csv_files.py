"""CSV files for spreadsheet users: UTF-8 with a BOM, cells that cannot run as formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.utils import timezone

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The BOM makes Excel read the file as UTF-8 (place names like Fryslân).
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])
