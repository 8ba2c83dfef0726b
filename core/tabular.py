"""CSV and XLSX writing for every export: typed values in, safe cells out.

Text that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) is neutralised with a
leading apostrophe. CSV is UTF-8 with a byte order mark and `;` separators (French Excel opens it as is);
XLSX is written in write-only mode (memory stays flat whatever the number of rows), numbers as numbers and
dates as dates.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

CSV_DELIMITER = ";"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is run as a formula by spreadsheets (CSV/formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class Column(NamedTuple):
    """One column of an export: its stable header (documented in docs/exports.md), what it holds, how it is read
    from a row (a typed value: text, number, decimal, date, date-time or None)."""

    header: str
    description: str
    value: Callable[[Any], Any]


def neutralise_formula(text: str) -> str:
    """'=SUM(A1)' -> "'=SUM(A1)": a spreadsheet shows the text instead of running it."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    return neutralise_formula(str(value))


def write_csv(stream, *, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a BOM, the header row, then each row's cells made safe by `csv_cell`."""
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=CSV_DELIMITER)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])


class _Line:
    """A file-like object whose `write` returns what it was given (for `csv.writer` in a generator)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(*, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV of `write_csv`, one line at a time: for a `StreamingHttpResponse` (memory flat, linear in rows)."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER)
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def streaming_csv_response(*, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]):
    """A CSV download streamed row by row (`rows` is consumed while the response is sent)."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(csv_lines(headers=headers, rows=rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_cell(sheet, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=timezone.make_naive(value) if timezone.is_aware(value) else value)
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "dd/mm/yyyy"
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, bool | int):
        return value
    return neutralise_formula(str(value))


def append_header(sheet, headers: Sequence[str]) -> None:
    bold = Font(bold=True)
    cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def xlsx_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet, a bold frozen header row, typed cells (write-only: low memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.freeze_panes = "A2"
    append_header(sheet, headers)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
