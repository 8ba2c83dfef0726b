"""The charts of the funders' pages (dashboard and consolidated report): the annual report's server-made SVGs
(`reports.charts`), drawn over several funds: money by fund, projects by theme, participation by gender.

Each chart has a title and a description stating every value in words (`<title>`/`<desc>`), and the page shows
the same values in its table. The figures come from the rows the page already holds (`reports.dashboards.FundRow`)
and from one grouped read of the amounts by theme over the same funds: a chart costs what the page shows.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.money import ZERO
from core.templatetags.portal_format import format_money, format_number
from reports import charts
from reports.annual.money import granted_by_theme
from reports.annual.report_charts import people_text
from reports.annual.values import AmountRow, GenderCount, share_percent
from reports.dashboards import Filters, FundRow


def themes_of(rows: list[FundRow], filters: Filters | None = None) -> list[AmountRow]:
    """Granted requests and amounts by theme over these rows' funds (none without rows), restricted to the
    requests the dashboard's filters select (those the rows were computed with)."""
    if not rows:
        return []
    themes = granted_by_theme(
        [row.fund.pk for row in rows],
        missing=_("Thématique non renseignée"),
        request_q=filters.request_q if filters is not None and filters.restricts_requests else None,
    )
    total = sum((row.amount for row in themes), ZERO)
    return [
        AmountRow(row.label, row.code, row.projects, row.amount, share_percent(row.amount, total)) for row in themes
    ]


def money_chart(rows: list[FundRow], *, chart_id: str) -> str:
    bars = [
        charts.Bar(
            row.fund.name,
            row.granted,
            _("%(granted)s sur %(envelope)s")
            % {"granted": format_money(row.granted), "envelope": format_money(row.envelope)},
        )
        for row in rows
    ]
    return charts.horizontal_bar_chart(
        chart_id=chart_id,
        title=_("Montants accordés par fonds"),
        description=charts.values_description(_("Montant accordé et enveloppe de chaque fonds : %(values)s."), bars),
        bars=bars,
    )


def _projects(count: int) -> str:
    return ngettext("%(count)s projet", "%(count)s projets", count) % {"count": format_number(count)}


def theme_chart(themes: list[AmountRow], *, chart_id: str) -> str:
    bars = [
        charts.Bar(row.label, row.projects, f"{_projects(row.projects)} — {format_money(row.amount)}") for row in themes
    ]
    return charts.horizontal_bar_chart(
        chart_id=chart_id,
        title=_("Projets accordés par thématique"),
        description=charts.values_description(
            _("Projets accordés et montant accordé par thématique : %(values)s."), bars
        ),
        bars=bars,
    )


def participation_chart(rows: list[FundRow], *, chart_id: str) -> str:
    people = GenderCount(
        women=sum(row.participants_women for row in rows), men=sum(row.participants_men for row in rows)
    )
    label = _("Participant·es")
    women = charts.Series(
        _("Femmes"), charts.WOMEN_COLOUR, [people.women], [people_text(people.women, people.women_share)]
    )
    men = charts.Series(_("Hommes"), charts.MEN_COLOUR, [people.men], [people_text(people.men, people.men_share)])
    return charts.grouped_bar_chart(
        chart_id=chart_id,
        title=_("Participation des femmes et des hommes (d'après les bilans)"),
        description=_("%(group)s : %(women)s femmes, %(men)s hommes.")
        % {"group": label, "women": women.texts[0], "men": men.texts[0]},
        groups=[charts.Group(label)],
        series=[women, men],
    )


def dashboard_charts(rows: list[FundRow], filters: Filters | None = None) -> list[tuple[str, str]]:
    """The dashboard's three charts (heading, SVG) over the page's funds; none when the page lists no fund."""
    if not rows:
        return []
    return [
        (_("Montants accordés par fonds"), money_chart(rows, chart_id="graphique-tableau-fonds")),
        (
            _("Projets accordés par thématique"),
            theme_chart(themes_of(rows, filters), chart_id="graphique-tableau-thematiques"),
        ),
        (
            _("Participation des femmes et des hommes"),
            participation_chart(rows, chart_id="graphique-tableau-participation"),
        ),
    ]
