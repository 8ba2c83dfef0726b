"""The grants of a fund in the SCDL "subventions" format (version 2.1.1), the national open data schema.

One row per grant decided by the fund's committee in a year: `scdl_rows(fund=..., year=...)` reads them
in one query (`granted_decisions`) and maps each to the schema's sixteen fields, as the strings the CSV
file holds. The rules of each field live in schema/scdl-subventions-2.1.1.json only; `check_rows` applies
them (opendata/validation.py) and the tests check the files with frictionless against the same file.

Choices (README, "Open data"):
- the attributor is the carrier association that runs the fund (`idAttribuant`: its SIRET);
- `dateConvention` is the date of the committee session that granted it (the portal records no separate
  convention), `referenceDecision` the request's reference;
- `montant` is the effective amount: the decision plus its amendments; a grant amended to nothing is left out;
- `conditionsVersement` and `datesPeriodeVersement` come from the payments (see `payment_terms`);
- a beneficiary that is an association is named with its SIRET and RNA; a residents' group is people: no
  identifier, and its name only if the holder agreed to show the project publicly
  (`Application.showcase_consent`), otherwise a neutral label naming the neighbourhood.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, IntegerField, Max, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from applications.models import Application, Holder
from applications.rules import bilan_due_on
from committees.models import Amendment, Decision, Payment
from core.money import sum_subquery
from core.tabular import neutralise_formula
from funds.models import Fund
from opendata.validation import FieldError, field_names, load_schema, validate_rows

SCHEMA_PATH = Path(__file__).with_name("schema") / "scdl-subventions-2.1.1.json"
SCHEMA_VERSION = "2.1.1"
FILE_STEM = "subventions"
LICENCE_NAME = "Licence Ouverte / Open Licence version 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"

NATURE_CASH = "aide en numéraire"
SINGLE = "unique"
STAGGERED = "échelonné"
NOT_NOTIFIED = "non"
SOLE_BENEFICIARY = "1.00"
GROUP_LABEL = "Groupe d'habitants"


def schema() -> dict:
    return load_schema(SCHEMA_PATH)


def fields() -> list[str]:
    """The header of the files: the schema's field names, in its order."""
    return field_names(schema())


# --- Reading ----------------------------------------------------------------------------------------------


def _payments_of_request():
    return Payment.objects.filter(application=OuterRef("item__application")).order_by().values("application")


def granted_decisions(*, fund: Fund, year: int) -> QuerySet[Decision]:
    """The fund's grants decided in sessions of `year`, with their amendments and payments summed: one query."""
    payments = _payments_of_request()
    return (
        Decision.objects.filter(
            item__session__committee__fund=fund, outcome=Decision.Outcome.GRANTED, item__session__date__year=year
        )
        .select_related("item__session", "item__application__holder", "item__application__neighbourhood")
        .annotate(
            amended=sum_subquery(Amendment.objects.filter(decision=OuterRef("pk")), "amount_delta", "decision"),
            paid_count=Coalesce(
                Subquery(payments.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
            ),
            paid_total=sum_subquery(
                Payment.objects.filter(application=OuterRef("item__application")), "amount", "application"
            ),
            first_paid=Subquery(payments.annotate(day=Min("paid_on")).values("day")),
            last_paid=Subquery(payments.annotate(day=Max("paid_on")).values("day")),
        )
        .order_by("item__session__date", "item__application__reference", "pk")
    )


def published_years() -> dict[int, list[int]]:
    """For each published fund, the years in which its committee granted something (one query)."""
    rows = (
        Decision.objects.filter(outcome=Decision.Outcome.GRANTED, item__session__committee__fund__is_published=True)
        .annotate(year=ExtractYear("item__session__date"))
        .values_list("item__session__committee__fund", "year")
        .distinct()
        .order_by()
    )
    years: dict[int, list[int]] = {}
    for fund_id, year in rows:
        years.setdefault(fund_id, []).append(year)
    return {fund_id: sorted(found, reverse=True) for fund_id, found in years.items()}


# --- Mapping ----------------------------------------------------------------------------------------------


def group_label(application: Application) -> str:
    """The neutral name of a residents' group: no person, only the neighbourhood."""
    if application.neighbourhood_id is None:
        return GROUP_LABEL
    return f"{GROUP_LABEL} (quartier {application.neighbourhood.name})"


def beneficiary(application: Application) -> tuple[str, str, str]:
    """(name, SIRET, RNA) as published. A residents' group is people: never an identifier."""
    holder = application.holder
    if holder is not None and holder.kind == Holder.Kind.ASSOCIATION:
        return holder.name, holder.siret, holder.rna
    if holder is not None and application.showcase_consent:
        return holder.name, "", ""
    return group_label(application), "", ""


@dataclass(frozen=True)
class Payments:
    count: int
    total: Decimal
    first: datetime.date | None
    last: datetime.date | None


def payment_terms(*, amount: Decimal, payments: Payments, decided_on: datetime.date, fund: Fund, ends_on=None):
    """(`conditionsVersement`, `datesPeriodeVersement`) of a grant.

    Two payments or more: staggered, from the first to the last. One payment of the whole amount: single,
    on its date. Otherwise (nothing or part paid yet) the fund's rule tells: an advance below 100 % means
    staggered; the period runs from the first payment (or the decision) to the last payment once all is
    paid, else to the expected balance: the project's end plus the delay for its bilan.
    """
    fully_paid = payments.count > 0 and payments.total >= amount
    if payments.count >= 2:
        conditions = STAGGERED
    elif payments.count == 1 and fully_paid:
        conditions = SINGLE
    else:
        conditions = SINGLE if fund.advance_percent >= 100 else STAGGERED
    start = payments.first or decided_on
    if fully_paid:
        end = payments.last
    else:
        expected = bilan_due_on(project_end=ends_on, decided_on=decided_on, due_days=fund.bilan_due_days)
        end = max(start, expected)
    if conditions == SINGLE and fully_paid:
        return conditions, start.isoformat()
    return conditions, f"{start.isoformat()}/{end.isoformat()}"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def row_of(decision: Decision, fund: Fund) -> dict[str, str]:
    """One grant as the schema's fields (strings, "" for a missing value)."""
    application = decision.item.application
    amount = decision.amount_granted + decision.amended
    name, siret, rna = beneficiary(application)
    ends_on = timezone.localdate(application.ends_at) if application.ends_at else None
    conditions, period = payment_terms(
        amount=amount,
        payments=Payments(decision.paid_count, decision.paid_total, decision.first_paid, decision.last_paid),
        decided_on=decision.item.session.date,
        fund=fund,
        ends_on=ends_on,
    )
    return {
        "nomAttribuant": neutralise_formula(fund.association.name),
        "idAttribuant": fund.association.siret,
        "dateConvention": decision.item.session.date.isoformat(),
        "referenceDecision": neutralise_formula(application.reference),
        "nomBeneficiaire": neutralise_formula(name),
        "idBeneficiaire": siret,
        "rnaBeneficiaire": rna,
        "objet": neutralise_formula(application.title),
        "montant": _money(amount),
        "nature": NATURE_CASH,
        "conditionsVersement": conditions,
        "datesPeriodeVersement": period,
        "idRAE": "",
        "notificationUE": NOT_NOTIFIED,
        "pourcentageSubvention": SOLE_BENEFICIARY,
        "dispositifAide": "",
    }


def scdl_rows(*, fund: Fund, year: int) -> list[dict[str, str]]:
    """The fund's grants of `year` as SCDL rows (pass a fund with its `association` loaded)."""
    return [
        row_of(decision, fund)
        for decision in granted_decisions(fund=fund, year=year)
        if decision.amount_granted + decision.amended > 0
    ]


def check_rows(rows: list[dict[str, str]]) -> list[FieldError]:
    """The schema's rules broken by the rows (empty: the file may be published)."""
    return validate_rows(schema(), rows)
