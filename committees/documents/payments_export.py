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
from core.tabular import Column, choice_label, key_column

COLUMNS: list[Column] = [
    key_column("reference", _("Référence de la demande."), _("Référence")),
    key_column("title", _("Titre du projet."), _("Projet")),
    key_column("holder", _("Porteur de projet."), _("Porteur de projet")),
    key_column("amount_granted", _("Montant accordé après rectifications, en euros."), _("Montant accordé (€)")),
    key_column(
        "kind", _("Type de versement : advance ou balance."), _("Versement"), display=choice_label(Payment.Kind)
    ),
    key_column("paid_on", _("Date du versement."), _("Versé le")),
    key_column("amount", _("Montant versé, en euros."), _("Montant versé (€)")),
    key_column(
        "method",
        _("Mode de paiement : transfer, cheque, cash ou other."),
        _("Mode de paiement"),
        display=choice_label(Payment.Method),
    ),
    key_column("payment_reference", _("Numéro de chèque ou référence du virement."), _("Référence du paiement")),
    key_column("recorded_by", _("Qui a enregistré le versement."), _("Enregistré par")),
]

HEADERS = tabular.code_headers(COLUMNS)


def filename(slug: str, extension: str) -> str:
    return f"versements-{slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_rows(rows: Iterable[dict]) -> Iterable[list]:
    return (tabular.code_row(COLUMNS, row) for row in rows)


def xlsx_bytes(rows: Iterable[dict]) -> bytes:
    """For people: one sheet "Versements", French headers and labels, typed cells."""
    return tabular.people_xlsx_bytes(title=str(_("Versements")), columns=COLUMNS, rows=rows)
