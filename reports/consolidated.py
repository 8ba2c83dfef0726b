"""The consolidated report of a funder for one year (issue 17): every fund it co-funds that year, side by side.

Readers: the funders' staff (the Région's staff see every fund the Région co-funds, a City's staff those their City
co-funds) and the administrator (who chooses the funder); a carrier association's staff and residents are refused
(`reports.permissions.may_read_consolidated_report`). A user linked to several funders chooses one.

Per fund: the funder's contribution, the envelope, requests filed and granted, amounts granted and paid, what is
left, participants by gender (the dashboard's figures, `reports.dashboards.rows_for`); over all the funds: the
totals, the granted projects and amounts by theme, and the three charts. Every figure is a grouped aggregate over
the year's funds of that funder: the number of queries does not depend on the number of funds or requests.
The page, the PDF (one row per fund: a few pages at most) and the XLSX read the same `ConsolidatedReport`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from core.money import ZERO
from funds.models import Fund, FundCoFunder, Funder
from reports import funders_charts
from reports.annual.values import AmountRow, share_percent
from reports.dashboards import Filters, FundRow, Totals, rows_for, totals
from reports.permissions import may_read_consolidated_report, readable_funds


@dataclass(frozen=True)
class ConsolidatedRow:
    row: FundRow
    contribution: Decimal  # what the funder gives this fund

    @property
    def fund(self) -> Fund:
        return self.row.fund

    @property
    def contribution_share(self) -> Decimal | None:
        return share_percent(self.contribution, self.row.envelope)


@dataclass(frozen=True)
class ConsolidatedReport:
    funder: Funder
    year: int
    rows: list[ConsolidatedRow]
    totals: Totals
    contribution: Decimal
    themes: list[AmountRow]
    money_chart: str
    theme_chart: str
    participation_chart: str
    generated_at: datetime.datetime

    @property
    def filename_stem(self) -> str:
        return f"rapport-consolide-{self.funder.pk}-{self.year}"


def funders_for(user) -> QuerySet[Funder]:
    """The funders whose consolidated report the user may read: their own (all co-funders for the administrator)."""
    if not may_read_consolidated_report(user):
        return Funder.objects.none()
    funders = Funder.objects.all() if user.is_superuser else Funder.objects.filter(staff_links__user=user)
    return funders.filter(fund_links__isnull=False).distinct().order_by("name")


def choose_funder(user, chosen: str | None) -> tuple[Funder, list[Funder]]:
    """The funder of the report (`chosen`, an id, or the user's first) and those the user may choose; 404 for
    whoever may not read a consolidated report, and for a funder that is not theirs."""
    if not may_read_consolidated_report(user):
        raise Http404
    funders = list(funders_for(user))
    if not funders:
        raise Http404
    if not chosen:
        return funders[0], funders
    funder = next((funder for funder in funders if str(funder.pk) == chosen), None)
    if funder is None:
        raise Http404
    return funder, funders


def years_of(funder: Funder) -> list[int]:
    """The years of the funds this funder co-funds, newest first (for the year links)."""
    return sorted(set(Fund.objects.filter(cofunders__funder=funder).values_list("year", flat=True)), reverse=True)


def consolidated_report(*, user, funder: Funder, year: int) -> ConsolidatedReport:
    """Every fund `funder` co-funds in `year` that the user may read, compared (constant number of queries)."""
    funds = list(
        Fund.objects.filter(pk__in=readable_funds(user).filter(year=year, cofunders__funder=funder).values("pk"))
        .select_related("association")
        .order_by("name", "pk")
    )
    ids = [fund.pk for fund in funds]
    contributions = dict(
        FundCoFunder.objects.filter(fund__in=ids, funder=funder)
        .values_list("fund")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    fund_rows = rows_for(funds, Filters(year=year))
    rows = [ConsolidatedRow(row=row, contribution=contributions.get(row.fund.pk, ZERO)) for row in fund_rows]
    themes = funders_charts.themes_of(fund_rows)
    return ConsolidatedReport(
        funder=funder,
        year=year,
        rows=rows,
        totals=totals(fund_rows),
        contribution=sum((row.contribution for row in rows), ZERO),
        themes=themes,
        money_chart=funders_charts.money_chart(fund_rows, chart_id="graphique-consolide-fonds"),
        theme_chart=funders_charts.theme_chart(themes, chart_id="graphique-consolide-thematiques"),
        participation_chart=funders_charts.participation_chart(fund_rows, chart_id="graphique-consolide-participation"),
        generated_at=timezone.now(),
    )
