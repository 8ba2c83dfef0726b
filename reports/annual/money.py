"""The annual report's money: what was granted, by theme or neighbourhood, amendments included."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from applications.models import Application
from committees.models import Amendment, Decision, RequestFigures
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


@dataclass(frozen=True)
class Grouping:
    """A field of the request the amounts granted are grouped by: its key, its label (and code) for the rows, the
    label of the requests without a value."""

    key: str
    label: str
    code: str | None
    missing: str


def granted_by(
    fund: Fund | list[int],
    *,
    key: str,
    label: str,
    code: str | None,
    missing: str,
    total: Decimal,
    request_q: Callable[[str], Q] | None = None,
) -> list[AmountRow]:
    """Effective amount granted grouped by one field of the request (one grouped query), for one fund or the
    funds of a list of ids; `request_q(prefix)` restricts the requests (the dashboard's filters)."""
    grouping = Grouping(key=key, label=label, code=code, missing=missing)
    return granted_by_groupings(fund, groupings=[grouping], total=total, request_q=request_q)[0]


def granted_by_groupings(
    fund: Fund | list[int],
    *,
    groupings: list[Grouping],
    total: Decimal,
    request_q: Callable[[str], Q] | None = None,
) -> list[list[AmountRow]]:
    """`granted_by` for several fields at once, in one grouped query over the granted requests' figures (their
    effective amounts, amendments included: `committees.models.RequestFigures`), grouped by all the fields
    together; each field's rows are then summed from those cells (a request has one value of each field)."""
    figures = RequestFigures.objects.filter(**_of_funds("fund", fund), granted=True)
    if request_q is not None:
        figures = figures.filter(request_q("application__"))
    fields = {}
    for index, grouping in enumerate(groupings):
        fields[f"key{index}"] = F(f"application__{grouping.key}")
        fields[f"name{index}"] = F(f"application__{grouping.label}")
        if grouping.code:
            fields[f"code{index}"] = F(f"application__{grouping.code}")
    cells = list(figures.values(**fields).annotate(amount=Sum("granted_amount"), projects=Count("pk")).order_by())
    return [
        _grouped_rows(cells, index=index, missing=grouping.missing, total=total)
        for index, grouping in enumerate(groupings)
    ]


def _grouped_rows(cells: list[dict], *, index: int, missing: str, total: Decimal):
    """One field's rows (the largest amount first) from the cells of `granted_by_groupings`."""
    groups: dict = {}
    for cell in cells:
        group = groups.setdefault(
            cell[f"key{index}"],
            {"name": cell[f"name{index}"], "code": cell.get(f"code{index}"), "amount": ZERO, "projects": 0},
        )
        group["amount"] += cell["amount"]
        group["projects"] += cell["projects"]
    result = [
        AmountRow(
            label=group["name"] or missing,
            code=group["code"] or "",
            projects=group["projects"],
            amount=group["amount"].quantize(CENT),
            share=share_percent(group["amount"].quantize(CENT), total),
        )
        for group in groups.values()
    ]
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
