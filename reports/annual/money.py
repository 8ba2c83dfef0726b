"""The annual report's money: what was granted, by theme or neighbourhood, amendments included."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from committees.models import RequestFigures
from core.money import CENT, ZERO
from funds.models import Fund
from reports.annual.values import AmountRow, share_percent


def _of_funds(path: str, fund: Fund | list[int]) -> dict:
    """The lookup of one fund, or of several (a list of ids: the funders' dashboard and consolidated report)."""
    return {f"{path}__in": fund} if isinstance(fund, list | tuple) else {path: fund}


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
    # The requests' fund said again: PostgreSQL then reads the fund's requests through their own fund index and
    # hashes them, rather than looking each granted request up by its key.
    figures = RequestFigures.objects.filter(
        **_of_funds("fund", fund), **_of_funds("application__fund", fund), granted=True
    )
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
    fund_ids: list[int], *, missing: str, request_q: Callable[[str], Q] | None = None
) -> list[AmountRow]:
    """`granted_by(fund_ids, key="theme", ...)` over several funds (the funders' pages): the granted requests'
    figures of those funds, read through their fund index, grouped by their request's theme (one query)."""
    return granted_by(
        fund_ids, key="theme", label="theme__name", code=None, missing=missing, total=ZERO, request_q=request_q
    )
