"""The annual report's tables as an Excel workbook: one sheet per part, numbers as numbers, dates as dates.

Sheets (French names, for the association's and funders' staff): Synthèse, Mot de l'association, Cofinanceurs,
Thématiques, Quartiers, Participation, Effets, Projets, Difficultés et perspectives. Amounts are number cells in euros
(`#,##0.00 "€"`), shares are percentage cells (0.5909 shown as 59 %), dates are date cells. Text typed by
residents that a spreadsheet would run as a formula is neutralised (see docs/exports.md).
"""

import datetime
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from core.tabular import append_header, neutralise_formula
from reports.annual import AnnualReport

MONEY_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0%"
DATE_FORMAT = "dd/mm/yyyy"


class Percent(Decimal):
    """A share in percent (59.09) written as a percentage cell (0.5909)."""


def _cell_value(value):
    if value is None:
        return None, None
    if isinstance(value, Percent):
        return float(Decimal(value) / 100), PERCENT_FORMAT
    if isinstance(value, Decimal):
        return value, MONEY_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    if isinstance(value, int | float):
        return value, None
    return neutralise_formula(str(value)), None


def _percent(value: Decimal | None) -> Percent | None:
    return None if value is None else Percent(value)


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list]) -> None:
    """One sheet of a write-only workbook: each row is written once and never read back (linear in rows)."""
    sheet = workbook.create_sheet(title=title[:31])
    typed = [[_cell_value(value) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in typed:
        for index, (cell_value, _format) in enumerate(row):
            widths[index] = max(widths[index], min(len(str(cell_value or "")), 60))
    # Write-only: column widths and frozen panes are declared before the first row.
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, width + 2)
    sheet.freeze_panes = "A2"
    append_header(sheet, headers)
    for row in typed:
        sheet.append([_cell(sheet, cell_value, number_format) for cell_value, number_format in row])


def _cell(sheet, value, number_format: str | None):
    if not number_format:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _summary_sheet(report: AnnualReport) -> tuple:
    money = report.money
    activity = report.activity
    participation = report.participation
    return (
        _("Synthèse"),
        [_("Indicateur"), _("Valeur")],
        [
            [_("Fonds"), report.fund.name],
            [_("Association porteuse"), report.association.name],
            [_("Dispositif"), str(report.fund.get_scheme_display())],
            [_("Année"), report.year],
            [_("Cofinanceurs"), ", ".join(report.funders)],
            [_("Enveloppe"), money.envelope],
            [_("Accordé"), money.granted],
            [_("Versé"), money.paid],
            [_("Reste de l'enveloppe (non accordé)"), money.remaining],
            [_("Reste à verser"), money.to_pay],
            [_("Demandes reçues (déposées)"), activity.received],
            [_("Demandes recevables"), activity.eligible],
            [_("Demandes accordées"), activity.granted],
            [_("Demandes ajournées (au moins une fois)"), activity.deferred],
            [_("Demandes refusées"), activity.refused],
            [_("Subvention moyenne accordée"), activity.average_grant],
            [
                _("Délai médian entre le dépôt et la décision (jours)"),
                float(activity.median_days_to_decision) if activity.median_days_to_decision is not None else None,
            ],
            [_("Bilans comptés (déposés ou acceptés)"), participation.bilans],
            [_("Participantes (femmes)"), participation.participants.women],
            [_("Participants (hommes)"), participation.participants.men],
            [_("Part des femmes parmi les participant·es"), _percent(participation.participants.women_share)],
            [_("Part des hommes parmi les participant·es"), _percent(participation.participants.men_share)],
            [_("Habitantes mobilisées"), participation.mobilised.women],
            [_("Habitants mobilisés"), participation.mobilised.men],
            [_("Part des femmes parmi les habitant·es mobilisé·es"), _percent(participation.mobilised.women_share)],
            [_("Part des hommes parmi les habitant·es mobilisé·es"), _percent(participation.mobilised.men_share)],
        ],
    )


def _cofunders_sheet(report: AnnualReport) -> tuple:
    money = report.money
    return (
        _("Cofinanceurs"),
        [_("Cofinanceur"), _("Apport"), _("Part"), _("Accordé"), _("Versé"), _("Reste")],
        [
            [s.funder.name, s.contribution, _percent(s.share_percent), s.granted, s.paid, s.remaining]
            for s in money.by_cofunder
        ],
    )


def _themes_sheet(report: AnnualReport) -> tuple:
    return (
        _("Thématiques"),
        [_("Thématique"), _("Projets accordés"), _("Montant accordé"), _("Part")],
        [[row.label, row.projects, row.amount, _percent(row.share)] for row in report.by_theme],
    )


def _neighbourhoods_sheet(report: AnnualReport) -> tuple:
    return (
        _("Quartiers"),
        [_("Quartier"), _("Code QPV"), _("Projets accordés"), _("Montant accordé"), _("Part")],
        [[row.label, row.code, row.projects, row.amount, _percent(row.share)] for row in report.by_neighbourhood],
    )


def _participation_sheet(report: AnnualReport) -> tuple:
    participation = report.participation
    return (
        _("Participation"),
        [
            _("Thématique"),
            _("Bilans"),
            _("Participantes (femmes)"),
            _("Participants (hommes)"),
            _("Habitantes mobilisées"),
            _("Habitants mobilisés"),
        ],
        [
            [
                row.label,
                row.bilans,
                row.participants.women,
                row.participants.men,
                row.mobilised.women,
                row.mobilised.men,
            ]
            for row in participation.by_theme
        ]
        + [
            [
                _("Total"),
                participation.bilans,
                participation.participants.women,
                participation.participants.men,
                participation.mobilised.women,
                participation.mobilised.men,
            ]
        ],
    )


def _effects_sheet(report: AnnualReport) -> tuple:
    return (
        _("Effets"),
        [_("Niveau"), _("Effet"), _("Élément observé"), _("Bilans")],
        [
            row
            for level in report.effects.levels
            for effect in level.effects
            for row in (
                [[level.label, effect.label, "", effect.bilans]]
                + [[level.label, effect.label, item.label, item.bilans] for item in effect.items]
            )
        ],
    )


def _projects_sheet(report: AnnualReport) -> tuple:
    return (
        _("Projets"),
        [
            _("Référence"),
            _("Projet"),
            _("Thématique"),
            _("Quartier"),
            _("Déposée le"),
            _("Statut"),
            _("Montant demandé"),
            _("Montant accordé"),
            _("Montant versé"),
            _("Décidée le"),
            _("Délai (jours)"),
        ],
        [
            [
                p.reference,
                p.title,
                p.theme,
                p.neighbourhood,
                p.submitted_on,
                p.status_label,
                p.amount_requested,
                p.granted,
                p.paid,
                p.decided_on,
                p.days_to_decision,
            ]
            for p in report.projects
        ],
    )


def _quotes_sheet(report: AnnualReport) -> tuple:
    return (
        _("Difficultés et perspectives"),
        [_("Rubrique"), _("Référence"), _("Projet"), _("Texte")],
        [[_("Difficulté"), q.reference, q.title, q.text] for q in report.difficulties]
        + [
            [_("Perspective"), q.reference, q.title, f"{q.label} : {q.text}" if q.label else q.text]
            for q in report.perspectives
        ],
    )


def _narrative_sheet(report: AnnualReport) -> tuple:
    """The association's own words (issue 17): one row per part, "" when not written."""
    return (
        _("Mot de l'association"),
        [_("Partie"), _("Texte")],
        [[title, text or _("Non renseigné par l'association.")] for title, text in report.narrative_parts],
    )


SHEETS = (
    _summary_sheet,
    _narrative_sheet,
    _cofunders_sheet,
    _themes_sheet,
    _neighbourhoods_sheet,
    _participation_sheet,
    _effects_sheet,
    _projects_sheet,
    _quotes_sheet,
)


def annual_report_xlsx(report: AnnualReport) -> bytes:
    workbook = Workbook(write_only=True)
    for build in SHEETS:
        title, headers, rows = build(report)
        _sheet(workbook, title, headers, rows)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
