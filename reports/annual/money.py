"""The annual report's money: what was granted, by theme or neighbourhood, amendments included."""

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from applications.models import Application
from committees.models import Amendment, Decision
from core.money import CENT, ZERO
from funds.models import Fund, Theme
from reports.annual.values import AmountRow, share_percent


def _of_funds(path: str, fund: Fund | list[int]) -> dict:
    """The lookup of one fund, or of several (a list of ids: the funders' dashboard and consolidated report)."""
    return {f"{path}__in": fund} if isinstance(fund, list | tuple) else {path: fund}


def granted_decisions(fund: Fund | list[int]) -> QuerySet[Decision]:
    # Scoped as committees.selectors.granted_total, so the rows add up to the fund's total granted.
    return Decision.objects.filter(
        **_of_funds("item__session__committee__fund", fund), outcome=Decision.Outcome.GRANTED
    )


def granted_amendments(fund: Fund | list[int]) -> QuerySet[Amendment]:
    return Amendment.objects.filter(
        **_of_funds("decision__item__session__committee__fund", fund), decision__outcome=Decision.Outcome.GRANTED
    )


def granted_by(
    fund: Fund | list[int],
    *,
    key: str,
    label: str,
    code: str | None,
    missing: str,
    total: Decimal,
    request_q: Callable[[str], Q] | None = None,
):
    """Effective amount granted grouped by one field of the request (two grouped queries), for one fund or the
    funds of a list of ids; `request_q(prefix)` restricts the requests (the dashboard's filters)."""
    fields = {"key": F(f"item__application__{key}"), "name": F(f"item__application__{label}")}
    if code:
        fields["code"] = F(f"item__application__{code}")
    decisions, amendments = granted_decisions(fund), granted_amendments(fund)
    if request_q is not None:
        decisions = decisions.filter(request_q("item__application__"))
        amendments = amendments.filter(request_q("decision__item__application__"))
    rows = (
        decisions.values(**fields)
        .annotate(amount=Sum("amount_granted"), projects=Count("item__application", distinct=True))
        .order_by()
    )
    deltas = {
        row["key"]: row["delta"] or ZERO
        for row in amendments.values(key=F(f"decision__item__application__{key}"))
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


def granted_by_theme(
    fund_ids: list[int],
    *,
    missing: str,
    request_q: Callable[[str], Q] | None = None,
    deltas: dict[int | None, Decimal] | None = None,
) -> list[AmountRow]:
    """`granted_by(fund_ids, key="theme", ...)` over several funds (the funders' pages), the same rows, in three
    queries. Each decision's theme is read through its request's primary key rather than joined: the planner
    then walks the funds' sessions and agenda items by their indexes, as for the amounts by fund, instead of
    scanning every granted decision of the region. `deltas`: the amendments' deltas by theme when the caller
    already holds them (the funders' rows), else read here."""
    decisions, amendments = granted_decisions(fund_ids), granted_amendments(fund_ids)
    if request_q is not None:
        decisions = decisions.filter(request_q("item__application__"))
        amendments = amendments.filter(request_q("decision__item__application__"))
    theme = Subquery(Application.objects.filter(pk=OuterRef("item__application")).order_by().values("theme")[:1])
    rows = list(
        decisions.values(key=theme)
        .annotate(amount=Sum("amount_granted"), projects=Count("item__application", distinct=True))
        .order_by()
    )
    if deltas is None:
        deltas = dict(
            amendments.values_list(F("decision__item__application__theme"))
            .annotate(delta=Sum("amount_delta"))
            .order_by()
        )
    names = dict(
        Theme.objects.filter(pk__in=[row["key"] for row in rows if row["key"]]).order_by().values_list("pk", "name")
    )
    result = [
        AmountRow(
            label=names.get(row["key"]) or missing,
            code="",
            projects=row["projects"],
            amount=((row["amount"] or ZERO) + (deltas.get(row["key"]) or ZERO)).quantize(CENT),
            share=None,
        )
        for row in rows
    ]
    result.sort(key=lambda r: (-r.amount, r.label))
    return result
