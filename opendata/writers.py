"""The two files of a fund and year: CSV (UTF-8 without BOM, comma-separated, header = field names) and JSON.

Both hold the same rows (opendata/scdl.py). The JSON file is an array of objects keyed by field name, with
the same strings as the CSV file except the numbers (`montant`, `pourcentageSubvention`), written as JSON
numbers; a missing value is an empty string in both.
"""

import csv
import io
import json
from decimal import Decimal

NUMBER_FIELDS = ("montant", "pourcentageSubvention")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def csv_text(rows: list[dict[str, str]], *, fields: list[str]) -> str:
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=fields, delimiter=",", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def _json_value(name: str, value: str):
    if name in NUMBER_FIELDS and value != "":
        return float(Decimal(value))
    return value


def json_text(rows: list[dict[str, str]], *, fields: list[str]) -> str:
    data = [{name: _json_value(name, row[name]) for name in fields} for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


WRITERS = {"csv": (csv_text, CSV_CONTENT_TYPE), "json": (json_text, JSON_CONTENT_TYPE)}
