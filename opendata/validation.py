"""Checks rows against a Table Schema file, at run time, without frictionless.

frictionless (a development dependency) is the reference the tests use; it pulls in a large tree of
packages that a production server does not need for the handful of rules the SCDL schema uses. This module
reads the same schema file and applies exactly those rules: `required`, `pattern`, `enum`, `minLength`,
`maxLength`, `minimum`, `maximum`, and the types string, number, integer, date and boolean (with the
schema's `trueValues` / `falseValues`). A rule it does not know is an error, so a new schema cannot be
half-checked silently.

Values are checked as they are written to the CSV file (strings; "" is a missing value).
"""

import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

KNOWN_CONSTRAINTS = {"required", "pattern", "enum", "minLength", "maxLength", "minimum", "maximum"}
KNOWN_TYPES = {"string", "number", "integer", "date", "boolean"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class FieldError:
    row: int  # 1-based, as a person counts the data rows of a file
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"ligne {self.row}, champ {self.field} ({self.value!r}) : {self.message}"


@cache
def load_schema(path: Path) -> dict:
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    for field in schema["fields"]:
        unknown = set(field.get("constraints", {})) - KNOWN_CONSTRAINTS
        if field["type"] not in KNOWN_TYPES or unknown:
            raise ValueError(f"{path}: field {field['name']} uses a rule this validator does not check: {unknown}")
    return schema


def field_names(schema: dict) -> list[str]:
    return [field["name"] for field in schema["fields"]]


def _typed(field: dict, value: str):
    """The value as its type, or raise ValueError with a French reason."""
    kind = field["type"]
    if kind == "string":
        return value
    if kind in ("number", "integer"):
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError("nombre attendu, le séparateur décimal étant le point") from None
        if not number.is_finite() or (kind == "integer" and number != number.to_integral_value()):
            raise ValueError("nombre attendu")
        return number
    if kind == "date":
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError("date AAAA-MM-JJ attendue") from None
    # boolean
    if value in field.get("trueValues", ["true"]):
        return True
    if value in field.get("falseValues", ["false"]):
        return False
    allowed = field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])
    raise ValueError(f"valeur attendue : {' ou '.join(allowed)}")


def field_errors(field: dict, value: str, missing: list[str]) -> list[str]:
    """The French reasons why `value` breaks `field`'s rules (empty list: the value is valid)."""
    rules = field.get("constraints", {})
    if value in missing:
        return ["valeur obligatoire manquante"] if rules.get("required") else []
    try:
        typed = _typed(field, value)
    except ValueError as error:
        return [str(error)]
    reasons = []
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
        reasons.append(f"ne respecte pas le motif {rules['pattern']}")
    if "enum" in rules and value not in rules["enum"]:
        reasons.append(f"valeur non autorisée (valeurs permises : {', '.join(rules['enum'])})")
    if "maxLength" in rules and len(value) > rules["maxLength"]:
        reasons.append(f"plus de {rules['maxLength']} caractères")
    if "minLength" in rules and len(value) < rules["minLength"]:
        reasons.append(f"moins de {rules['minLength']} caractères")
    if "minimum" in rules and typed < Decimal(str(rules["minimum"])):
        reasons.append(f"inférieur à {rules['minimum']}")
    if "maximum" in rules and typed > Decimal(str(rules["maximum"])):
        reasons.append(f"supérieur à {rules['maximum']}")
    return reasons


def validate_rows(schema: dict, rows: list[dict[str, str]]) -> list[FieldError]:
    """Every rule broken by `rows` (dicts of strings keyed by the schema's field names)."""
    missing = schema.get("missingValues", [""])
    errors = []
    for number, row in enumerate(rows, start=1):
        for field in schema["fields"]:
            value = row.get(field["name"], "")
            errors.extend(
                FieldError(number, field["name"], value, reason) for reason in field_errors(field, value, missing)
            )
    return errors
