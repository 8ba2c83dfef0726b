"""The consolidated report of a funder as a PDF (through `core.pdf.render_pdf`) and as an XLSX for people
(through `core.tabular`: French headers, amounts as number cells).

The PDF is one row per fund, so it stays short (a page or two even for the Région's hundred funds of a year).
"""

from django.utils.translation import gettext_lazy as _

from core import tabular
from core.pdf import render_pdf
from core.tabular import Column, attribute_column
from funds.models import Fund
from reports.consolidated import ConsolidatedReport, ConsolidatedRow

TEMPLATE = "reports/consolidated/pdf.html"


FUND_COLUMNS: list[Column] = [
    attribute_column("fund_slug", _("Identifiant du fonds."), _("Identifiant du fonds"), path="fund.slug"),
    attribute_column("fund", _("Nom du fonds."), _("Fonds"), path="fund.name"),
    attribute_column(
        "association", _("Association porteuse."), _("Association porteuse"), path="fund.association.name"
    ),
    attribute_column(
        "scheme", _("Dispositif."), _("Dispositif"), path="fund.scheme", display=tabular.choice_label(Fund.Scheme)
    ),
    attribute_column("contribution", _("Apport du financeur, en euros."), _("Apport du financeur (€)")),
    attribute_column("envelope", _("Enveloppe du fonds, en euros."), _("Enveloppe (€)"), path="row.envelope"),
    attribute_column("requests", _("Demandes déposées."), _("Demandes déposées"), path="row.requests"),
    attribute_column("granted_count", _("Demandes accordées."), _("Demandes accordées"), path="row.granted_count"),
    attribute_column("granted", _("Montant accordé, en euros."), _("Accordé (€)"), path="row.granted"),
    attribute_column("paid", _("Montant versé, en euros."), _("Versé (€)"), path="row.paid"),
    attribute_column("remaining", _("Reste non accordé, en euros."), _("Reste non accordé (€)"), path="row.remaining"),
    attribute_column(
        "participants_women", _("Participantes (femmes)."), _("Participantes (femmes)"), path="row.participants_women"
    ),
    attribute_column(
        "participants_men", _("Participants (hommes)."), _("Participants (hommes)"), path="row.participants_men"
    ),
]

THEME_COLUMNS: list[Column] = [
    attribute_column("theme", _("Thématique."), _("Thématique"), path="label"),
    attribute_column("projects", _("Projets accordés."), _("Projets accordés")),
    attribute_column("amount", _("Montant accordé, en euros."), _("Montant accordé (€)")),
]


def filename(report: ConsolidatedReport, extension: str) -> str:
    return f"{report.filename_stem}.{extension}"


def render_consolidated_pdf(report: ConsolidatedReport) -> bytes:
    return render_pdf(template=TEMPLATE, context={"report": report})


def _total_row(report: ConsolidatedReport) -> list:
    t = report.totals
    return [
        None,
        str(_("Total")),
        None,
        None,
        report.contribution,
        t.envelope,
        t.requests,
        t.granted_count,
        t.granted,
        t.paid,
        t.remaining,
        t.participants_women,
        t.participants_men,
    ]


def consolidated_xlsx(report: ConsolidatedReport) -> bytes:
    """Two sheets for people: "Fonds" (one row per fund, then the total) and "Thématiques"."""
    fund_rows: list[ConsolidatedRow] = report.rows
    funds = [tabular.people_row(FUND_COLUMNS, row) for row in fund_rows]
    if fund_rows:
        funds.append(_total_row(report))
    return tabular.xlsx_workbook_bytes(
        sheets=[
            (str(_("Fonds")), tabular.people_headers(FUND_COLUMNS), funds),
            (
                str(_("Thématiques")),
                tabular.people_headers(THEME_COLUMNS),
                [tabular.people_row(THEME_COLUMNS, theme) for theme in report.themes],
            ),
        ],
        widths=True,
    )
