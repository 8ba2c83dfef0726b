"""The funders' dashboard as CSV and XLSX: one column list, written through `core.tabular`.

CSV (for scripts): UTF-8 with a byte order mark, `;` separators, CRLF line ends, the stable code headers and
codes. XLSX (for people): one sheet "Fonds", French headers and labels, a bold header row, amounts as number
cells. Text that a spreadsheet would run as a formula is
neutralised. The columns are documented in docs/exports.md.
"""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _

from core import tabular
from core.tabular import Column, attribute_column, choice_label
from funds.models import Fund
from reports.dashboards import FundRow

COLUMNS: list[Column] = [
    attribute_column(
        "fund_slug",
        _("Identifiant du fonds (stable), par exemple pic-hommelet-2025."),
        _("Identifiant du fonds"),
        path="fund.slug",
    ),
    attribute_column("fund", _("Nom du fonds."), _("Fonds"), path="fund.name"),
    attribute_column(
        "association", _("Association porteuse du fonds."), _("Association porteuse"), path="fund.association.name"
    ),
    attribute_column(
        "scheme",
        _("Code du dispositif : pic, fph, fifty_fifty ou cvs."),
        _("Dispositif"),
        path="fund.scheme",
        display=choice_label(Fund.Scheme),
    ),
    attribute_column("year", _("Année du fonds."), _("Année"), path="fund.year"),
    attribute_column("envelope", _("Enveloppe du fonds, en euros."), _("Enveloppe (€)")),
    attribute_column("granted", _("Montant accordé (décisions et rectifications), en euros."), _("Accordé (€)")),
    attribute_column("paid", _("Montant versé, en euros."), _("Versé (€)")),
    attribute_column(
        "remaining", _("Reste de l'enveloppe non accordé (fonds entier), en euros."), _("Reste non accordé (€)")
    ),
    attribute_column("requests", _("Nombre de demandes déposées."), _("Demandes déposées")),
    attribute_column("granted_count", _("Nombre de demandes accordées."), _("Demandes accordées")),
    attribute_column(
        "participants_women",
        _("Participantes (femmes) d'après les bilans déposés ou acceptés."),
        _("Participantes (femmes)"),
    ),
    attribute_column(
        "participants_men",
        _("Participants (hommes) d'après les bilans déposés ou acceptés."),
        _("Participants (hommes)"),
    ),
]

HEADERS = [column.header for column in COLUMNS]
URL_LABEL = _("Rapport annuel (adresse)")


def _with_url(
    rows: Iterable[FundRow], row_values: Callable, absolute_url: Callable[[str], str] | None
) -> Iterable[list]:
    """Each fund's values (`row_values(COLUMNS, row)`), then the address of its report (with `absolute_url`)."""
    for row in rows:
        values = row_values(COLUMNS, row)
        if absolute_url is not None:
            values.append(absolute_url(row.report_path))
        yield values


def export_rows(rows: Iterable[FundRow], *, absolute_url: Callable[[str], str] | None = None) -> Iterable[list]:
    """The CSV's rows: stable codes (`scheme` stays `pic`…), typed values, then the report's address."""
    return _with_url(rows, tabular.code_row, absolute_url)


def headers(*, with_url: bool) -> list[str]:
    return HEADERS + (["report_url"] if with_url else [])


def people_headers(*, with_url: bool) -> list[str]:
    return tabular.people_headers(COLUMNS) + ([str(URL_LABEL)] if with_url else [])


def people_rows(rows: Iterable[FundRow], *, absolute_url: Callable[[str], str] | None = None) -> Iterable[list]:
    """The XLSX's rows: the scheme in French, amounts and counts as number cells, then the report's address."""
    return _with_url(rows, tabular.people_row, absolute_url)


def xlsx_bytes(rows: Iterable[FundRow], *, absolute_url: Callable[[str], str] | None = None) -> bytes:
    """For people: one sheet "Fonds", French headers, the scheme in French, amounts as number cells."""
    with_url = absolute_url is not None
    return tabular.xlsx_workbook_bytes(
        sheets=[(str(_("Fonds")), people_headers(with_url=with_url), people_rows(rows, absolute_url=absolute_url))],
        widths=True,
    )
