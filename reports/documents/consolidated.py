"""The consolidated report of a funder as a PDF (through `core.pdf.render_pdf`) and as an XLSX for people
(through `core.tabular`: French headers, amounts as number cells).

The PDF is one row per fund, so it stays short (a page or two even for the Région's hundred funds of a year).
"""

from django.utils.translation import gettext_lazy as _

from core import tabular
from core.pdf import render_pdf
from core.tabular import Column
from funds.models import Fund
from reports.consolidated import ConsolidatedReport, ConsolidatedRow

TEMPLATE = "reports/consolidated/pdf.html"


def _row(attribute: str):
    return lambda r: getattr(r.row, attribute)


FUND_COLUMNS: list[Column] = [
    Column("fund_slug", _("Identifiant du fonds."), lambda r: r.fund.slug, label=_("Identifiant du fonds")),
    Column("fund", _("Nom du fonds."), lambda r: r.fund.name, label=_("Fonds")),
    Column(
        "association", _("Association porteuse."), lambda r: r.fund.association.name, label=_("Association porteuse")
    ),
    Column(
        "scheme",
        _("Dispositif."),
        lambda r: r.fund.scheme,
        label=_("Dispositif"),
        display=tabular.choice_label(Fund.Scheme),
    ),
    Column(
        "contribution",
        _("Apport du financeur, en euros."),
        lambda r: r.contribution,
        label=_("Apport du financeur (€)"),
    ),
    Column("envelope", _("Enveloppe du fonds, en euros."), _row("envelope"), label=_("Enveloppe (€)")),
    Column("requests", _("Demandes déposées."), _row("requests"), label=_("Demandes déposées")),
    Column("granted_count", _("Demandes accordées."), _row("granted_count"), label=_("Demandes accordées")),
    Column("granted", _("Montant accordé, en euros."), _row("granted"), label=_("Accordé (€)")),
    Column("paid", _("Montant versé, en euros."), _row("paid"), label=_("Versé (€)")),
    Column("remaining", _("Reste non accordé, en euros."), _row("remaining"), label=_("Reste non accordé (€)")),
    Column(
        "participants_women",
        _("Participantes (femmes)."),
        _row("participants_women"),
        label=_("Participantes (femmes)"),
    ),
    Column("participants_men", _("Participants (hommes)."), _row("participants_men"), label=_("Participants (hommes)")),
]

THEME_COLUMNS: list[Column] = [
    Column("theme", _("Thématique."), lambda t: t.label, label=_("Thématique")),
    Column("projects", _("Projets accordés."), lambda t: t.projects, label=_("Projets accordés")),
    Column("amount", _("Montant accordé, en euros."), lambda t: t.amount, label=_("Montant accordé (€)")),
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
