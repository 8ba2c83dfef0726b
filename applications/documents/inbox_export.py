"""Exports of the staff inbox, in CSV and XLSX, with the same columns in the same order.

The columns are defined once, below, and documented in docs/exports.md: headers are stable
English snake_case names that spreadsheets and scripts can rely on; renaming one is a breaking change.
Accessors return typed values (text, integers, decimals, dates, date-times in Paris time, or None);
`core.tabular` writes them in each format and neutralises text a spreadsheet would read as a formula.
The CSV (for scripts) keeps the codes; the XLSX (for people) has French headers and French labels for codes.
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Holder
from applications.workflow import Status
from core import tabular
from core.tabular import Column, attribute_column, choice_label


def _local_datetime(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(value) if value else None


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def _holder(attribute: str) -> Callable[[Application], Any]:
    return lambda a: getattr(a.holder, attribute) if a.holder else None


def _theme(a: Application) -> str | None:
    return a.theme.name if a.theme else None


def _neighbourhood(attribute: str) -> Callable[[Application], Any]:
    return lambda a: getattr(a.neighbourhood, attribute) if a.neighbourhood else None


COLUMNS: list[Column] = [
    attribute_column("reference", _("Référence de la demande (par exemple PIC-2025-0001)."), _("Référence")),
    attribute_column("title", _("Titre du projet."), _("Projet")),
    attribute_column("fund", _("Nom du fonds."), _("Fonds"), path="fund.name"),
    attribute_column(
        "association", _("Association porteuse du fonds."), _("Association porteuse"), path="fund.association.name"
    ),
    Column(
        "holder_name",
        _("Nom du collectif d'habitant·es ou de l'association qui porte le projet."),
        _holder("name"),
        label=_("Porteur de projet"),
    ),
    Column(
        "holder_kind",
        _("Type de porteur : « group » (collectif) ou « association »."),
        _holder("kind"),
        label=_("Type de porteur"),
        display=choice_label(Holder.Kind),
    ),
    Column("theme", _("Thématique choisie."), _theme, label=_("Thématique")),
    Column(
        "neighbourhood_code",
        _("Code du quartier prioritaire (QPV), par exemple QN05980M."),
        _neighbourhood("code"),
        label=_("Code QPV"),
    ),
    Column("neighbourhood", _("Nom du quartier prioritaire."), _neighbourhood("name"), label=_("Quartier")),
    attribute_column(
        "status",
        _("Code du statut (stable, en anglais), par exemple « under_review »."),
        _("Statut"),
        display=choice_label(Status),
    ),
    # In the XLSX the status column already reads in French: its label column is for the CSV only.
    Column(
        "status_label",
        _("Libellé du statut en français."),
        lambda a: str(a.get_status_display()),
        for_people=False,
    ),
    Column(
        "submitted_at",
        _("Date et heure du dépôt, heure de Paris (CSV : ISO 8601 avec décalage horaire)."),
        lambda a: _local_datetime(a.submitted_at),
        label=_("Déposée le"),
    ),
    attribute_column(
        "amount_requested",
        _("Montant demandé au fonds, en euros (CSV : nombre avec un point décimal, par exemple 250.00)."),
        _("Montant demandé (€)"),
    ),
    Column(
        "starts_on",
        _("Date de début du projet (CSV : AAAA-MM-JJ)."),
        lambda a: _local_date(a.starts_at),
        label=_("Début du projet"),
    ),
    Column(
        "ends_on",
        _("Date de fin du projet (CSV : AAAA-MM-JJ)."),
        lambda a: _local_date(a.ends_at),
        label=_("Fin du projet"),
    ),
    attribute_column("expected_women", _("Nombre de femmes attendues."), _("Femmes attendues")),
    attribute_column("expected_men", _("Nombre d'hommes attendus."), _("Hommes attendus")),
    attribute_column(
        "residents_mobilised",
        _("Nombre d'habitant·es mobilisé·es pour organiser le projet."),
        _("Habitant·es mobilisé·es"),
    ),
]

HEADERS = [column.header for column in COLUMNS]


def rows(applications: Iterable[Application]) -> Iterable[list[Any]]:
    """The CSV's rows: stable codes, typed values."""
    for application in applications:
        yield tabular.code_row(COLUMNS, application)


def xlsx_bytes(applications: Iterable[Application]) -> bytes:
    """For people: one sheet, French headers, statuses and kinds in French, numbers as numbers and dates as dates
    (write-only: low memory)."""
    return tabular.people_xlsx_bytes(title=str(_("Demandes")), columns=COLUMNS, rows=applications)


def export_filename(extension: str) -> str:
    return f"demandes-{timezone.localdate():%Y-%m-%d}.{extension}"
