"""The one place that writes spreadsheet files: CSV (machine-readable and "for Excel") and XLSX.

Three formats of the same table:

- ``csv``: for scripts — `,` separated, codes ("guest_lesson", "overijssel"), ISO dates.
- ``excel``: for Dutch Excel — `;` separated, UTF-8 with a BOM, dates as dd-mm-jjjj and human
  labels ("Gastles", "Voorgesteld", "Overijssel") in the reader's language.
- ``xlsx``: a write-only (streaming) openpyxl workbook with typed cells (numbers, dates), the
  header row frozen, human labels, and never a formula.

Spreadsheets run a cell starting with `=`, `+`, `-` or `@` as a formula (CSV injection). In the
CSV files every text field is quoted, and a `'` is put before a dangerous character at the start
of a cell *and* after every character a reader may split cells or rows on (`,`, `;`, tab, line
breaks) — so reading a `;` file with `,` (or the other way round) cannot start a formula either.
In XLSX the text is kept as it is and stored as a string cell, which Excel never evaluates.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "excel", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "excel": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"csv": "csv", "excel": "csv", "xlsx": "xlsx"}
LIST_SEPARATOR = {"csv": "|", "excel": ", ", "xlsx": ", "}
# At the start of the text, or after a character some reader splits cells or rows on: optional
# blanks and quotes, then a character that starts a formula.
_DANGER = re.compile(r"(^|[,;\t\r\n])([ \"]*)(?=[=+\-@\t\r])")
XLSX_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, where its value comes from (a values_list path),
    whether the value is a list of codes, and the human labels of its codes (for Excel/XLSX)."""

    header: object  # lazy text
    path: str = ""
    is_list: bool = False
    labels: Mapping[str, object] | None = None


def neutralise(text: str) -> str:
    """Text that no spreadsheet runs as a formula, however it splits the line (see above)."""
    return _DANGER.sub(lambda m: f"{m.group(1)}{m.group(2)}'", text)


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _label(value: object, column: Column | None, fmt: str) -> object:
    if fmt == "csv" or column is None or not column.labels:
        return value
    return str(column.labels.get(value, value)) if isinstance(value, str) else value


def _resolved(columns: Sequence[Column] | None) -> list[Column] | None:
    """The columns with their labels translated once, in the current language (not per cell)."""
    if columns is None:
        return None
    return [
        Column(c.header, c.path, c.is_list, {k: str(v) for k, v in c.labels.items()} if c.labels else None)
        for c in columns
    ]


def _present(value: object, column: Column | None, fmt: str) -> object:
    """A raw database value as the format shows it (labels, lists, booleans); dates stay dates."""
    if column is not None and column.is_list:
        return LIST_SEPARATOR[fmt].join(str(_label(code, column, fmt)) for code in (value or []))
    if isinstance(value, bool):
        if fmt == "csv":
            return int(value)
        return _("yes") if value else _("no")
    return _label(value, column, fmt)


def csv_cell(value: object, fmt: str = "csv") -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.isoformat(timespec="seconds") if fmt == "csv" else local.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.isoformat() if fmt == "csv" else value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        value = round(value, 4)
        return str(value).replace(".", ",") if fmt == "excel" else value
    if isinstance(value, int):
        return value
    return neutralise(str(value))


def csv_lines(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    fmt: str = "csv",
    columns: Sequence[Column] | None = None,
) -> Iterator[str]:
    """The lines of a CSV file: every text field quoted, numbers bare; `fmt` "csv" or "excel"."""
    writer = csv.writer(_Echo(), delimiter=";" if fmt == "excel" else ",", quoting=csv.QUOTE_STRINGS)
    columns = _resolved(columns)
    # The BOM makes Excel read the file as UTF-8 (place names like Fryslân).
    yield "\ufeff" + writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        yield writer.writerow(
            [
                csv_cell(_present(value, columns[i] if columns else None, fmt), fmt)
                for i, value in enumerate(row)
            ]
        )


def _xlsx_value(value: object) -> object:
    if isinstance(value, datetime):
        # Excel has no time zones: the wall-clock time in the Netherlands.
        return (timezone.localtime(value) if timezone.is_aware(value) else value).replace(tzinfo=None)
    if isinstance(value, list | tuple | dict):
        return str(value)
    return value


def xlsx_chunks(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    columns: Sequence[Column] | None = None,
    title: str = "Export",
) -> Iterator[bytes]:
    """An XLSX file in chunks. The write-only workbook keeps only the current row in memory and
    writes to a temporary file, which is then streamed: memory stays flat for any number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    columns = _resolved(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def text_cell(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        # openpyxl turns a string starting with "=" into a formula: store it as text, always.
        cell.data_type = "s"
        return cell

    def header_cell(value: object) -> WriteOnlyCell:
        cell = text_cell(str(value))
        cell.font = bold
        return cell

    def typed(value: object) -> object:
        value = _xlsx_value(value)
        if isinstance(value, str):
            # Plain text goes in as it is (openpyxl reuses one cell for it); only what openpyxl
            # would read as a formula ("=…") or an error code ("#N/A") is forced to text.
            return text_cell(value) if value[:1] in ("=", "#") else value
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD-MM-YYYY HH:MM"
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD-MM-YYYY"
            return cell
        return value

    sheet.append([header_cell(h) for h in header])
    for row in rows:
        sheet.append(
            [typed(_present(value, columns[i] if columns else None, "xlsx")) for i, value in enumerate(row)]
        )
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(XLSX_CHUNK):
            yield chunk


def export_response(
    *,
    fmt: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    filename: str,
    title: str = "Export",
) -> StreamingHttpResponse:
    """A streamed download of `rows` (raw values in the order of `columns`) in format `fmt`;
    `filename` without extension."""
    header = [str(column.header) for column in columns]
    if fmt == "xlsx":
        body: Iterable = xlsx_chunks(header, rows, columns=columns, title=title)
    else:
        body = csv_lines(header, rows, fmt=fmt, columns=columns)
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{EXTENSIONS[fmt]}"'
    return response
