"""CSV and XLSX writing for every export: typed values in, safe cells out.

Text that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) is neutralised with a
leading apostrophe. CSV is UTF-8 with a byte order mark and `;` separators (French Excel opens it as is);
XLSX is written in write-only mode (memory stays flat whatever the number of rows), numbers as numbers and
dates as dates.

One column declaration serves both readers (issue 17, "words for people"): the CSV, for scripts, carries the
stable code header and the raw value (a status code, a payment kind); the XLSX, for people, carries the French
`label` as header and, for a coded value, its French `display` (a label), numbers and dates staying typed cells.
A column with `for_people=False` (e.g. a code's French label, already shown in its own column) is left out of
the XLSX.
"""

import csv
import datetime
import io
import operator
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
    from a row (a typed value: text, number, decimal, date, date-time or None); for the XLSX read by people, its
    French header (`label`, the stable header when not given) and how a coded value reads in French (`display`,
    given the raw value: e.g. a status code's label)."""

    header: str
    description: str
    value: Callable[[Any], Any]
    label: Any = None
    display: Callable[[Any], Any] | None = None
    for_people: bool = True

    @property
    def people_header(self) -> str:
        return str(self.label) if self.label is not None else self.header

    def people_value(self, row: Any) -> Any:
        value = self.value(row)
        if self.display is not None and value is not None and value != "":
            return self.display(value)
        return value


def attribute_column(header: str, description, label, *, path: str = "", **options) -> Column:
    """A column whose value is the row's attribute `path` (dotted, "fund.name"; the header when not given)."""
    return Column(header, description, operator.attrgetter(path or header), label=label, **options)


def key_column(header: str, description, label, **options) -> Column:
    """A column whose value is the row's item `header` (a row that is a dict)."""
    return Column(header, description, operator.itemgetter(header), label=label, **options)


def choice_label(choices) -> Callable[[Any], str]:
    """`display` for a code of Django `choices` (a TextChoices class or a list of pairs): its French label."""
    labels = dict(choices.choices if hasattr(choices, "choices") else choices)
    return lambda code: str(labels.get(code, code))


def code_headers(columns: Sequence[Column]) -> list[str]:
    """The CSV's header row: the stable codes."""
    return [column.header for column in columns]


def code_row(columns: Sequence[Column], row: Any) -> list[Any]:
    """A CSV row: the raw typed values (codes stay codes)."""
    return [column.value(row) for column in columns]


def people_headers(columns: Sequence[Column]) -> list[str]:
    """The XLSX's header row: the French headers of the columns meant for people."""
    return [column.people_header for column in columns if column.for_people]


def people_row(columns: Sequence[Column], row: Any) -> list[Any]:
    """An XLSX row: typed values, codes replaced by their French labels."""
    return [column.people_value(row) for column in columns if column.for_people]


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


def _write_sheet(workbook, *, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths=None) -> None:
    sheet = workbook.create_sheet(title=str(title)[:31])
    if widths:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    append_header(sheet, headers)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])


def xlsx_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet, a bold frozen header row, typed cells (write-only: low memory)."""
    return xlsx_workbook_bytes(sheets=[(title, headers, rows)])


def people_widths(headers: Sequence[str]) -> list[int]:
    """Column widths for a sheet read by people: room for the French header (at least 12, at most 50)."""
    return [min(max(12, len(str(header)) + 2), 50) for header in headers]


def xlsx_workbook_bytes(*, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], widths=False) -> bytes:
    """Several sheets `(title, headers, rows)`, each with a bold frozen header row and typed cells (write-only).
    `widths=True` sizes each column to its header (sheets read by people)."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        _write_sheet(
            workbook, title=title, headers=headers, rows=rows, widths=people_widths(headers) if widths else None
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def people_xlsx_bytes(*, title: str, columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    """The XLSX for people of one column declaration: French headers, French labels for codes, typed cells."""
    headers = people_headers(columns)
    return xlsx_workbook_bytes(
        sheets=[(title, headers, (people_row(columns, row) for row in rows))],
        widths=True,
    )
