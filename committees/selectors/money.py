"""Amounts granted and paid. Granted amounts are *effective*: the decision's amount plus the deltas of its
amendments (a decision is never edited; a correction after the session is an `Amendment`)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery, Sum

from applications.models import Application
from committees.models import (
    Amendment,
    Decision,
    Payment,
    RequestFigures,
)
from core.money import CENT, MONEY_OUTPUT, ZERO, cents  # noqa: F401  (MONEY_OUTPUT: re-exported)
from funds.models import Fund, Funder


def granted_total(*, fund: Fund) -> Decimal:
    """Effective amount granted in the fund: decisions plus their amendments (two aggregates)."""
    decided = Decision.objects.filter(item__session__committee__fund=fund, outcome=Decision.Outcome.GRANTED).aggregate(
        total=Sum("amount_granted")
    )["total"]
    amended = Amendment.objects.filter(decision__item__session__committee__fund=fund).aggregate(
        total=Sum("amount_delta")
    )["total"]
    return cents((decided or ZERO) + (amended or ZERO))


def paid_by_application() -> Subquery:
    """What was paid to the request `OuterRef("pk")` (NULL if nothing): summed over a fund's requests, the
    payments are read through their request index, a few per request, never by scanning every payment."""
    return Subquery(
        Payment.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")[:1],
        output_field=MONEY_OUTPUT,
    )


def paid_total(*, fund: Fund) -> Decimal:
    total = Application.objects.filter(fund=fund).annotate(paid=paid_by_application()).aggregate(total=Sum("paid"))
    return cents(total["total"])


def granted_decision(*, application: Application) -> Decision | None:
    return (
        Decision.objects.filter(item__application=application, outcome=Decision.Outcome.GRANTED)
        .select_related("item__session")
        .first()
    )


def effective_amount(*, decision: Decision) -> Decimal:
    delta = decision.amendments.aggregate(total=Sum("amount_delta"))["total"]
    return cents(decision.amount_granted + (delta or ZERO))


def granted_amount(*, application: Application) -> Decimal:
    """The effective amount granted to a request, 0 if none."""
    decision = granted_decision(application=application)
    return effective_amount(decision=decision) if decision else ZERO


def advance_amount(*, fund: Fund, granted: Decimal) -> Decimal:
    """The advance: the fund's share (e.g. 80 %) of the amount granted, rounded to the cent."""
    return (granted * fund.advance_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def application_paid(*, application: Application) -> Decimal:
    return cents(Payment.objects.filter(application=application).aggregate(total=Sum("amount"))["total"])


@dataclass(frozen=True)
class EffectiveDecision:
    decision: Decision
    amount: Decimal
    conditions: str
    reason: str
    amendments: list[Amendment]

    @property
    def outcome(self) -> str:
        return self.decision.outcome

    @property
    def amended(self) -> bool:
        return bool(self.amendments)


def effective_decision(*, decision: Decision, amendments: list[Amendment] | None = None) -> EffectiveDecision:
    """The decision as it stands after its amendments, applied in order."""
    if amendments is None:
        amendments = list(decision.amendments.order_by("created_at", "pk"))
    amount = decision.amount_granted
    conditions = decision.conditions
    reason = decision.reason
    for amendment in amendments:
        amount += amendment.amount_delta
        changes = amendment.changes or {}
        if "conditions" in changes:
            conditions = changes["conditions"]["after"]
        if "reason" in changes:
            reason = changes["reason"]["after"]
    return EffectiveDecision(
        decision=decision, amount=cents(amount), conditions=conditions, reason=reason, amendments=amendments
    )


@dataclass(frozen=True)
class CofunderMoney:
    funder: Funder
    contribution: Decimal  # the co-funder's part of the envelope
    share_percent: Decimal
    granted: Decimal
    paid: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class FundMoneySummary:
    fund: Fund
    envelope: Decimal
    granted: Decimal
    paid: Decimal
    remaining: Decimal  # envelope not yet granted
    to_pay: Decimal  # granted not yet paid
    by_cofunder: list[CofunderMoney] = field(default_factory=list)


def _split(total: Decimal, weights: list[Decimal], envelope: Decimal) -> list[Decimal]:
    """total * weight / envelope for each weight, in cents; when the weights make the whole envelope,
    the rounding difference goes to the last (smallest) share so the parts add up to the total."""
    if not envelope:
        return [ZERO for _ in weights]
    parts = [(total * weight / envelope).quantize(CENT, rounding=ROUND_HALF_UP) for weight in weights]
    if parts and sum(weights) == envelope:
        parts[-1] += total - sum(parts)
    return parts


def fund_figures_totals(*, fund: Fund) -> dict[str, Decimal]:
    """`granted` and `paid` of the fund, summed from its requests' figures (one query through the fund's index):
    the same amounts as `granted_total` and `paid_total`, which read the decisions, amendments and payments."""
    totals = RequestFigures.objects.filter(fund=fund).aggregate(granted=Sum("granted_amount"), paid=Sum("paid_amount"))
    return {"granted": cents(totals["granted"]), "paid": cents(totals["paid"])}


def fund_money_summary(*, fund: Fund, granted: Decimal | None = None, paid: Decimal | None = None) -> FundMoneySummary:
    """Envelope, granted, paid and remaining for a fund, and the same split by co-funder share; `granted` and
    `paid` when the caller already has them (`fund_figures_totals`), else read from the source rows."""
    envelope = cents(fund.envelope)
    granted = granted_total(fund=fund) if granted is None else granted
    paid = paid_total(fund=fund) if paid is None else paid
    remaining = envelope - granted
    cofunders = list(fund.cofunders.select_related("funder").order_by("-amount", "funder__name"))
    weights = [cofunder.amount for cofunder in cofunders]
    by_cofunder = [
        CofunderMoney(
            funder=cofunder.funder,
            contribution=cents(cofunder.amount),
            share_percent=(cofunder.amount * 100 / envelope).quantize(CENT, rounding=ROUND_HALF_UP)
            if envelope
            else ZERO,
            granted=share_granted,
            paid=share_paid,
            remaining=share_remaining,
        )
        for cofunder, share_granted, share_paid, share_remaining in zip(
            cofunders,
            _split(granted, weights, envelope),
            _split(paid, weights, envelope),
            _split(remaining, weights, envelope),
            strict=True,
        )
    ]
    return FundMoneySummary(
        fund=fund,
        envelope=envelope,
        granted=granted,
        paid=paid,
        remaining=remaining,
        to_pay=granted - paid,
        by_cofunder=by_cofunder,
    )


def fund_cofunder_names(*, fund: Fund) -> list[str]:
    """The co-funders' names, the largest contribution first (one query): the letters thank them."""
    return list(fund.cofunders.order_by("-amount", "funder__name").values_list("funder__name", flat=True))
