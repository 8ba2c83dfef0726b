"""The funders' dashboard as CSV and XLSX: one column list, written through `core.tabular`.

CSV: UTF-8 with a byte order mark, `;` separators, CRLF line ends (French Excel opens it as is). XLSX: one
sheet "Fonds", a bold header row, amounts as number cells. Text that a spreadsheet would run as a formula is
neutralised. The columns are documented in docs/exports.md.
"""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _

from core import tabular
from core.tabular import Column
from reports.dashboards import FundRow

COLUMNS: list[Column] = [
    Column("fund_slug", _("Identifiant du fonds (stable), par exemple pic-hommelet-2025."), lambda r: r.fund.slug),
    Column("fund", _("Nom du fonds."), lambda r: r.fund.name),
    Column("association", _("Association porteuse du fonds."), lambda r: r.fund.association.name),
    Column("scheme", _("Code du dispositif : pic, fph, fifty_fifty ou cvs."), lambda r: r.fund.scheme),
    Column("year", _("Année du fonds."), lambda r: r.fund.year),
    Column("envelope", _("Enveloppe du fonds, en euros."), lambda r: r.envelope),
    Column("granted", _("Montant accordé (décisions et rectifications), en euros."), lambda r: r.granted),
    Column("paid", _("Montant versé, en euros."), lambda r: r.paid),
    Column("remaining", _("Reste de l'enveloppe non accordé (fonds entier), en euros."), lambda r: r.remaining),
    Column("requests", _("Nombre de demandes déposées."), lambda r: r.requests),
    Column("granted_count", _("Nombre de demandes accordées."), lambda r: r.granted_count),
    Column(
        "participants_women",
        _("Participantes (femmes) d'après les bilans déposés ou acceptés."),
        lambda r: r.participants_women,
    ),
    Column(
        "participants_men",
        _("Participants (hommes) d'après les bilans déposés ou acceptés."),
        lambda r: r.participants_men,
    ),
]

HEADERS = [column.header for column in COLUMNS]


def export_rows(rows: Iterable[FundRow], *, absolute_url: Callable[[str], str] | None = None) -> Iterable[list]:
    for row in rows:
        values = [column.value(row) for column in COLUMNS]
        if absolute_url is not None:
            values.append(absolute_url(row.report_path))
        yield values


def headers(*, with_url: bool) -> list[str]:
    return HEADERS + (["report_url"] if with_url else [])


def xlsx_bytes(rows: Iterable[FundRow], *, absolute_url: Callable[[str], str] | None = None) -> bytes:
    """One sheet "Fonds", a bold frozen header row, amounts as number cells."""
    return tabular.xlsx_bytes(
        title=str(_("Fonds")),
        headers=headers(with_url=absolute_url is not None),
        rows=export_rows(rows, absolute_url=absolute_url),
    )
