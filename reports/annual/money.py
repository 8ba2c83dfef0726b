"""The annual report's money: what was granted, by theme or neighbourhood, amendments included."""

from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum

from committees.models import Amendment, Decision
from core.money import CENT, ZERO
from funds.models import Fund
from reports.annual.values import AmountRow, share_percent


def granted_decisions(fund: Fund) -> QuerySet[Decision]:
    # Scoped as committees.selectors.granted_total, so the rows add up to the fund's total granted.
    return Decision.objects.filter(item__session__committee__fund=fund, outcome=Decision.Outcome.GRANTED)


def granted_amendments(fund: Fund) -> QuerySet[Amendment]:
    return Amendment.objects.filter(
        decision__item__session__committee__fund=fund, decision__outcome=Decision.Outcome.GRANTED
    )


def granted_by(fund: Fund, *, key: str, label: str, code: str | None, missing: str, total: Decimal):
    """Effective amount granted grouped by one field of the request (two grouped queries)."""
    fields = {"key": F(f"item__application__{key}"), "name": F(f"item__application__{label}")}
    if code:
        fields["code"] = F(f"item__application__{code}")
    rows = (
        granted_decisions(fund)
        .values(**fields)
        .annotate(amount=Sum("amount_granted"), projects=Count("item__application", distinct=True))
        .order_by()
    )
    deltas = {
        row["key"]: row["delta"] or ZERO
        for row in granted_amendments(fund)
        .values(key=F(f"decision__item__application__{key}"))
        .annotate(delta=Sum("amount_delta"))
        .order_by()
    }
    result = []
    for row in rows:
        amount = ((row["amount"] or ZERO) + deltas.get(row["key"], ZERO)).quantize(CENT)
        result.append(
            AmountRow(
                label=row["name"] or missing,
                code=row.get("code") or "",
                projects=row["projects"],
                amount=amount,
                share=share_percent(amount, total),
            )
        )
    result.sort(key=lambda r: (-r.amount, r.label))
    return result
