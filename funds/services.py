"""Write-side services of the funds app: reference data and the national QPV import."""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from os import PathLike
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from funds import reference
from funds.models import Commune, CvsAmbition, CvsStake, Neighbourhood, Theme

# Columns of the national ANCT file (e.g. listeqp2024-cog2024.csv), in order.
QPV_COLUMNS: tuple[str, ...] = (
    "code_qp",
    "lib_qp",
    "insee_reg",
    "lib_reg",
    "insee_dep",
    "lib_dep",
    "insee_com",
    "lib_com",
    "siren_epci",
    "lib_epci",
)

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"

_QPV_CODE = re.compile(r"QN(\d{1,5})([A-Z])")
_INSEE_COMMUNE = re.compile(r"\d{5}|2[AB]\d{3}")
_DEPARTMENT = re.compile(r"\d{2,3}|2[AB]")
_REGION = re.compile(r"\d{2}")
_SIREN = re.compile(r"\d{9}")
# Several communes share one cell, joined by "; " (sometimes by ",").
_LIST_SEPARATOR = re.compile(r"\s*[;,]\s*")
# Spreadsheets export a code kept as text as ="01004".
_SPREADSHEET_TEXT = re.compile(r'="(.*)"', re.DOTALL)


@dataclass
class QpvImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


class QpvFileError(Exception):
    """The QPV file cannot be read at all (missing, unreadable, unknown encoding)."""


class ReferenceDataError(Exception):
    """The reference data shipped with the portal could not be loaded."""


@dataclass(frozen=True)
class QpvRow:
    code: str
    name: str
    region_code: str
    region_name: str
    department_code: str
    department_name: str
    communes: tuple[tuple[str, str], ...]  # (INSEE code, name), in the file's order
    epci_siren: str
    epci_name: str


class _InvalidLine(Exception):
    pass


def _cell(value: str) -> str:
    value = value.strip()
    match = _SPREADSHEET_TEXT.fullmatch(value)
    return match.group(1).strip() if match else value


def _pad_digits(value: str, width: int) -> str:
    """Restore leading zeros a spreadsheet removed from a numeric code."""
    return value.zfill(width) if value.isdigit() else value


def normalize_qpv_code(value: str) -> str:
    """`QN5965M` -> `QN05965M`; raises `_InvalidLine` for anything that is not a QPV 2024 code."""
    match = _QPV_CODE.fullmatch(value.strip().upper())
    if not match:
        raise _InvalidLine(
            _("Code QPV « %(code)s » invalide : attendu QN suivi de 5 chiffres et d'une lettre (ex. QN05972M).")
            % {"code": value}
        )
    digits, letter = match.groups()
    return f"QN{digits.zfill(5)}{letter}"


def _parse_communes(values: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The line's communes, (INSEE code, name) each: as many codes as names, each code valid, none twice."""
    commune_codes = [_pad_digits(c, 5).upper() for c in _LIST_SEPARATOR.split(values["insee_com"]) if c]
    commune_names = [n for n in _LIST_SEPARATOR.split(values["lib_com"]) if n]
    if not commune_codes:
        raise _InvalidLine(_("Aucune commune (insee_com) n'est indiquée."))
    if len(commune_codes) != len(commune_names):
        raise _InvalidLine(
            _(
                "%(codes)d code(s) de commune (insee_com) mais %(names)d nom(s) de commune (lib_com) : "
                "ils doivent se correspondre un à un."
            )
            % {"codes": len(commune_codes), "names": len(commune_names)}
        )
    for commune_code in commune_codes:
        if not _INSEE_COMMUNE.fullmatch(commune_code):
            raise _InvalidLine(
                _("Code INSEE de commune « %(code)s » invalide : 5 caractères attendus (ex. 59350, 2A004).")
                % {"code": commune_code}
            )
    if len(set(commune_codes)) != len(commune_codes):
        raise _InvalidLine(_("Une même commune est indiquée deux fois."))
    return tuple(zip(commune_codes, commune_names, strict=True))


def _parse_qpv_row(row: list[str]) -> QpvRow:
    if len(row) != len(QPV_COLUMNS):
        raise _InvalidLine(
            _("%(expected)d colonnes attendues, %(found)d trouvées (séparateur : point-virgule).")
            % {"expected": len(QPV_COLUMNS), "found": len(row)}
        )
    values = dict(zip(QPV_COLUMNS, (_cell(value) for value in row), strict=True))

    code = normalize_qpv_code(values["code_qp"])
    name = values["lib_qp"]
    if not name:
        raise _InvalidLine(_("Le nom du quartier (lib_qp) est vide."))

    region_code = _pad_digits(values["insee_reg"], 2)
    if region_code and not _REGION.fullmatch(region_code):
        raise _InvalidLine(_("Code de région « %(code)s » invalide : 2 chiffres attendus.") % {"code": region_code})

    department_code = values["insee_dep"].upper()
    if department_code.isdigit() and len(department_code) < 3:
        department_code = department_code.zfill(2)
    if department_code and not _DEPARTMENT.fullmatch(department_code):
        raise _InvalidLine(
            _("Code de département « %(code)s » invalide : 2 ou 3 caractères attendus (ex. 59, 2A, 971).")
            % {"code": department_code}
        )

    communes = _parse_communes(values)

    epci_siren = _pad_digits(values["siren_epci"], 9)
    if epci_siren and not _SIREN.fullmatch(epci_siren):
        raise _InvalidLine(_("SIREN de l'EPCI « %(siren)s » invalide : 9 chiffres attendus.") % {"siren": epci_siren})

    return QpvRow(
        code=code,
        name=name,
        region_code=region_code,
        region_name=values["lib_reg"],
        department_code=department_code,
        department_name=values["lib_dep"],
        communes=communes,
        epci_siren=epci_siren,
        epci_name=values["lib_epci"],
    )


def _upsert_commune(*, insee_code: str, name: str, department_code: str) -> tuple[Commune, bool]:
    """Create or update one commune; returns it and whether anything was written."""
    commune = Commune.objects.select_for_update().filter(insee_code=insee_code).first()
    if commune is None:
        commune = Commune(insee_code=insee_code, name=name, department_code=department_code)
    elif commune.name == name and commune.department_code == department_code:
        return commune, False
    else:
        commune.name = name
        commune.department_code = department_code
    commune.full_clean()
    commune.save()
    return commune, True


def _upsert_neighbourhood(*, row: QpvRow) -> str:
    communes = []
    communes_written = False
    for insee_code, commune_name in row.communes:
        commune, written = _upsert_commune(
            insee_code=insee_code, name=commune_name, department_code=row.department_code
        )
        communes.append(commune)
        communes_written = communes_written or written

    values = {
        "name": row.name,
        "region_code": row.region_code,
        "region_name": row.region_name,
        "department_code": row.department_code,
        "department_name": row.department_name,
        "epci_siren": row.epci_siren,
        "epci_name": row.epci_name,
    }
    neighbourhood = Neighbourhood.objects.select_for_update().filter(code=row.code).first()
    if neighbourhood is None:
        neighbourhood = Neighbourhood(code=row.code, **values)
        neighbourhood.full_clean()
        neighbourhood.save()
        neighbourhood.communes.set(communes)
        return CREATED

    changed = False
    if any(getattr(neighbourhood, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(neighbourhood, name, value)
        neighbourhood.full_clean()
        neighbourhood.save()
        changed = True
    if set(neighbourhood.communes.values_list("pk", flat=True)) != {commune.pk for commune in communes}:
        neighbourhood.communes.set(communes)
        changed = True
    return UPDATED if changed or communes_written else UNCHANGED


def _header_error(reader) -> str | None:
    """What is wrong with the file's first line, read from `reader`; None when it is the expected header."""
    try:
        header = next(reader)
    except StopIteration:
        return _("Le fichier est vide : la ligne d'en-tête est attendue.")
    columns = tuple(_cell(name).lstrip("\ufeff").strip().lower() for name in header)
    if columns != QPV_COLUMNS:
        return _(
            "En-tête non reconnu. Colonnes attendues, séparées par des points-virgules : %(expected)s. "
            "Colonnes trouvées : %(found)s."
        ) % {"expected": ";".join(QPV_COLUMNS), "found": ";".join(columns)}
    return None


def import_qpv(*, stream: TextIO | Iterable[str]) -> QpvImportReport:
    """Import priority neighbourhoods from a national ANCT file (`code_qp;lib_qp;...;lib_epci`).

    Each good line is upserted by its QPV code (name, region, department, EPCI, exact set of communes);
    a malformed line is reported with its line number (the header is line 1) and the others still import.
    Each line is written in its own savepoint: a bad line never half-writes.
    """
    report = QpvImportReport()
    reader = csv.reader(stream, delimiter=";", quotechar='"')
    header_error = _header_error(reader)
    if header_error is not None:
        report.errors.append((1, header_error))
        return report

    seen: dict[str, int] = {}
    with transaction.atomic():
        while True:
            line_number = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                report.errors.append((line_number, _("Ligne illisible : %(error)s") % {"error": error}))
                break
            if not any(value.strip() for value in row):
                continue
            try:
                parsed = _parse_qpv_row(row)
                if parsed.code in seen:
                    raise _InvalidLine(
                        _("Le quartier %(code)s figure déjà ligne %(line)d.")
                        % {"code": parsed.code, "line": seen[parsed.code]}
                    )
                with transaction.atomic():
                    outcome = _upsert_neighbourhood(row=parsed)
            except _InvalidLine as error:
                report.errors.append((line_number, str(error)))
                continue
            except ValidationError as error:
                report.errors.append((line_number, " ".join(error.messages)))
                continue
            except DatabaseError as error:
                report.errors.append((line_number, _("Enregistrement impossible : %(error)s") % {"error": error}))
                continue
            seen[parsed.code] = line_number
            report.count(outcome)
    return report


def read_text_file(*, path: str | PathLike) -> str:
    """Read a text file exported as UTF-8 (with or without BOM) or, failing that, as Windows-1252."""
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise QpvFileError(_("Fichier introuvable : %(path)s") % {"path": path}) from error
    except OSError as error:
        raise QpvFileError(
            _("Impossible de lire le fichier %(path)s : %(error)s") % {"path": path, "error": error.strerror}
        ) from error
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise QpvFileError(
        _("Le fichier %(path)s n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8.") % {"path": path}
    )


def import_qpv_file(*, path: str | PathLike) -> QpvImportReport:
    """Import a national QPV file from disk. Raises `QpvFileError` if it cannot be read."""
    return import_qpv(stream=io.StringIO(read_text_file(path=path), newline=""))


def _counts() -> dict[str, int]:
    return {CREATED: 0, UPDATED: 0, UNCHANGED: 0}


def _upsert(*, model, lookup: dict, values: dict) -> tuple[object, str]:
    """Create or update one row found by `lookup`; returns it and created/updated/unchanged."""
    instance = model.objects.select_for_update().filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        outcome = CREATED
    elif all(getattr(instance, name) == value for name, value in values.items()):
        return instance, UNCHANGED
    else:
        for name, value in values.items():
            setattr(instance, name, value)
        outcome = UPDATED
    instance.full_clean()
    instance.save()
    return instance, outcome


def load_reference_data() -> dict[str, dict[str, int]]:
    """Idempotently load the PIC themes, the CVS stakes and ambitions and the MEL QPV 2024.

    Returns, for "themes", "stakes", "ambitions" and "neighbourhoods", the number of rows created,
    updated and unchanged. Rows the administrators added are left alone. Raises `ReferenceDataError`
    (and writes nothing) if the QPV file shipped with the portal has a bad line.
    """
    result = {name: _counts() for name in ("themes", "stakes", "ambitions")}
    with transaction.atomic():
        for theme in reference.PIC_THEMES:
            _, outcome = _upsert(
                model=Theme, lookup={"slug": theme.slug}, values={"name": theme.name, "position": theme.position}
            )
            result["themes"][outcome] += 1
        for stake_ref in reference.CVS_STAKES:
            stake, outcome = _upsert(
                model=CvsStake, lookup={"number": stake_ref.number}, values={"title": stake_ref.title}
            )
            result["stakes"][outcome] += 1
            for position, ambition in enumerate(stake_ref.ambitions, start=1):
                _, outcome = _upsert(
                    model=CvsAmbition,
                    lookup={"stake": stake, "position": position},
                    values={"domain": ambition.domain, "text": ambition.text},
                )
                result["ambitions"][outcome] += 1
        try:
            report = import_qpv_file(path=reference.MEL_QPV_FILE)
        except QpvFileError as error:
            raise ReferenceDataError(str(error)) from error
        if report.errors:
            raise ReferenceDataError(
                " ".join(
                    _("Ligne %(line)d : %(message)s") % {"line": line, "message": message}
                    for line, message in report.errors
                )
            )
    result["neighbourhoods"] = {CREATED: report.created, UPDATED: report.updated, UNCHANGED: report.unchanged}
    return result
