"""The statement of a fund's payments as CSV (for scripts) and XLSX (for people): one column declaration.

The CSV keeps the stable headers and codes documented in docs/exports.md (`kind` is `advance`, `method` is
`transfer`…); the XLSX has French headers, the kinds and methods in French ("Acompte", "Virement"), amounts as
number cells and dates as date cells. Rows come from `committees.selectors.payment_export_rows` (typed dicts).
"""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Payment
from core import tabular
from core.tabular import Column, choice_label


def _key(name: str):
    return lambda row: row[name]


COLUMNS: list[Column] = [
    Column("reference", _("Référence de la demande."), _key("reference"), label=_("Référence")),
    Column("title", _("Titre du projet."), _key("title"), label=_("Projet")),
    Column("holder", _("Porteur de projet."), _key("holder"), label=_("Porteur de projet")),
    Column(
        "amount_granted",
        _("Montant accordé après rectifications, en euros."),
        _key("amount_granted"),
        label=_("Montant accordé (€)"),
    ),
    Column(
        "kind",
        _("Type de versement : advance ou balance."),
        _key("kind"),
        label=_("Versement"),
        display=choice_label(Payment.Kind),
    ),
    Column("paid_on", _("Date du versement."), _key("paid_on"), label=_("Versé le")),
    Column("amount", _("Montant versé, en euros."), _key("amount"), label=_("Montant versé (€)")),
    Column(
        "method",
        _("Mode de paiement : transfer, cheque, cash ou other."),
        _key("method"),
        label=_("Mode de paiement"),
        display=choice_label(Payment.Method),
    ),
    Column(
        "payment_reference",
        _("Numéro de chèque ou référence du virement."),
        _key("payment_reference"),
        label=_("Référence du paiement"),
    ),
    Column("recorded_by", _("Qui a enregistré le versement."), _key("recorded_by"), label=_("Enregistré par")),
]

HEADERS = tabular.code_headers(COLUMNS)


def filename(slug: str, extension: str) -> str:
    return f"versements-{slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_rows(rows: Iterable[dict]) -> Iterable[list]:
    return (tabular.code_row(COLUMNS, row) for row in rows)


def xlsx_bytes(rows: Iterable[dict]) -> bytes:
    """For people: one sheet "Versements", French headers and labels, typed cells."""
    return tabular.people_xlsx_bytes(title=str(_("Versements")), columns=COLUMNS, rows=rows)
