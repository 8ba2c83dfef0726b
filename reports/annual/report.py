"""The annual report of a fund, put together."""

from django.utils import timezone
from django.utils.translation import gettext as _

from committees.selectors import fund_figures_totals, fund_money_summary
from funds.models import Fund
from reports.annual.activity import activity_of, project_rows
from reports.annual.bilans import effects_of, participation_of, quotes_of
from reports.annual.money import Grouping, granted_by_groupings
from reports.annual.report_charts import participation_chart, theme_chart
from reports.annual.values import QUOTES_SHOWN, AnnualReport
from reports.models import AnnualNarrative


def annual_report(*, fund: Fund, with_projects: bool = True) -> AnnualReport:
    """Every figure of the fund's annual report, in a number of queries that does not grow with the projects.

    `with_projects=False` (the web page, which shows 100 projects at a time from `project_queryset`): the
    list of projects is left empty and every figure is still computed by aggregates over the whole fund.
    """
    fund = Fund.objects.select_related("association").get(pk=fund.pk)
    # The fund's totals from its requests' figures (one query), as `fund_money_summary` would read them from
    # every decision, amendment and payment.
    money = fund_money_summary(fund=fund, **fund_figures_totals(fund=fund))
    projects = project_rows(fund) if with_projects else None
    participation = participation_of(fund)
    by_theme, by_neighbourhood = granted_by_groupings(
        fund,
        groupings=[
            Grouping(key="theme", label="theme__name", code=None, missing=_("Thématique non renseignée")),
            Grouping(
                key="neighbourhood",
                label="neighbourhood__name",
                code="neighbourhood__code",
                missing=_("Quartier non renseigné"),
            ),
        ],
        total=money.granted,
    )
    # The page shows the first quotes of each kind and says how many more there are; the documents have them all.
    quotes = quotes_of(fund, limit=None if with_projects else QUOTES_SHOWN)
    return AnnualReport(
        fund=fund,
        year=fund.year,
        funders=[share.funder.name for share in money.by_cofunder],
        money=money,
        by_theme=by_theme,
        by_neighbourhood=by_neighbourhood,
        activity=activity_of(fund, granted_amount=money.granted),
        participation=participation,
        effects=effects_of(fund, bilans_count=participation.bilans),
        projects=projects or [],
        difficulties=quotes.difficulties,
        perspectives=quotes.perspectives,
        difficulties_count=quotes.difficulties_count,
        perspectives_count=quotes.perspectives_count,
        generated_at=timezone.now(),
        theme_chart=theme_chart(fund, by_theme),
        participation_chart=participation_chart(fund, participation),
        narrative=AnnualNarrative.objects.filter(fund=fund).first(),
    )
