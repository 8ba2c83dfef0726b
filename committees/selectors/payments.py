"""The statement of payments of a fund, and its rows for the CSV export."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Sum

from applications.models import Application
from committees.models import (
    Amendment,
    Decision,
    Payment,
)
from committees.selectors.money import granted_total
from core.money import cents, sum_subquery
from funds.models import Fund


@dataclass(frozen=True)
class PaymentsStatement:
    fund: Fund
    lines: list[Application]  # granted requests, annotated: granted, paid_advance, paid_balance, paid, to_pay
    payments: list[Payment]
    total_granted: Decimal
    total_advance: Decimal
    total_balance: Decimal
    total_paid: Decimal
    total_to_pay: Decimal


def payments_statement(*, fund: Fund) -> PaymentsStatement:
    """The statement of payments of a fund: per granted request (one annotated query) and every payment."""
    decisions = Decision.objects.filter(item__application=OuterRef("pk"), outcome=Decision.Outcome.GRANTED)
    amendments = Amendment.objects.filter(decision__item__application=OuterRef("pk"))
    payments = Payment.objects.filter(application=OuterRef("pk"))
    lines = list(
        Application.objects.filter(fund=fund, agenda_items__decision__outcome=Decision.Outcome.GRANTED)
        .select_related("holder")
        .annotate(
            decided=sum_subquery(decisions, "amount_granted", "item__application"),
            amended=sum_subquery(amendments, "amount_delta", "decision__item__application"),
            paid_advance=sum_subquery(payments.filter(kind=Payment.Kind.ADVANCE), "amount", "application"),
            paid_balance=sum_subquery(payments.filter(kind=Payment.Kind.BALANCE), "amount", "application"),
        )
        .order_by("number", "pk")
    )
    for line in lines:
        line.granted = cents(line.decided + line.amended)
        line.paid = cents(line.paid_advance + line.paid_balance)
        line.to_pay = line.granted - line.paid
    all_payments = list(
        Payment.objects.filter(application__fund=fund)
        .select_related("application__holder", "recorded_by")
        .order_by("paid_on", "pk")
    )
    totals = Payment.objects.filter(application__fund=fund).aggregate(
        advance=Sum("amount", filter=Q(kind=Payment.Kind.ADVANCE)),
        balance=Sum("amount", filter=Q(kind=Payment.Kind.BALANCE)),
    )
    total_granted = granted_total(fund=fund)
    total_advance = cents(totals["advance"])
    total_balance = cents(totals["balance"])
    total_paid = total_advance + total_balance
    return PaymentsStatement(
        fund=fund,
        lines=lines,
        payments=all_payments,
        total_granted=total_granted,
        total_advance=total_advance,
        total_balance=total_balance,
        total_paid=total_paid,
        total_to_pay=total_granted - total_paid,
    )


def payment_export_rows(*, statement: PaymentsStatement) -> list[dict]:
    """The statement as flat rows: one per payment, and one per granted request not paid at all yet.

    Values are typed (text, Decimal, date, or None); the export writes them.
    """
    by_application: dict[int, list[Payment]] = {}
    for payment in statement.payments:
        by_application.setdefault(payment.application_id, []).append(payment)
    rows = []
    for line in statement.lines:
        base = {
            "reference": line.reference,
            "title": line.title,
            "holder": line.holder.name if line.holder else None,
            "amount_granted": line.granted,
        }
        payments = by_application.get(line.pk) or [None]
        for payment in payments:
            rows.append(
                {
                    **base,
                    "kind": payment.kind if payment else None,
                    "paid_on": payment.paid_on if payment else None,
                    "amount": payment.amount if payment else None,
                    "method": payment.method if payment else None,
                    "payment_reference": payment.reference if payment else None,
                    "recorded_by": str(payment.recorded_by) if payment else None,
                }
            )
    return rows
