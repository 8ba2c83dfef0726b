"""The annual report's charts (SVG, drawn by `reports.charts`)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from core.templatetags.portal_format import format_money, format_number
from funds.models import Fund
from reports import charts
from reports.annual.values import AmountRow, Participation, format_percent


def theme_chart(fund: Fund, rows: list[AmountRow]) -> str:
    bars = [
        charts.Bar(row.label, row.amount, f"{format_money(row.amount)} ({format_percent(row.share)})") for row in rows
    ]
    return charts.horizontal_bar_chart(
        chart_id=f"graphique-thematiques-{fund.pk}",
        title=_("Montants accordés par thématique — %(fund)s") % {"fund": fund.name},
        description=charts.values_description(_("Montant accordé par thématique : %(values)s."), bars),
        bars=bars,
    )


def people_text(count: int, share: Decimal | None) -> str:
    return f"{format_number(count)} ({format_percent(share)})"


def participation_chart(fund: Fund, participation: Participation) -> str:
    groups = [
        (_("Participant·es"), participation.participants),
        (_("Habitant·es mobilisé·es"), participation.mobilised),
    ]
    women = charts.Series(
        _("Femmes"),
        charts.WOMEN_COLOUR,
        [count.women for _label, count in groups],
        [people_text(count.women, count.women_share) for _label, count in groups],
    )
    men = charts.Series(
        _("Hommes"),
        charts.MEN_COLOUR,
        [count.men for _label, count in groups],
        [people_text(count.men, count.men_share) for _label, count in groups],
    )
    description = " ".join(
        _("%(group)s : %(women)s femmes (%(women_share)s), %(men)s hommes (%(men_share)s).")
        % {
            "group": label,
            "women": format_number(count.women),
            "women_share": format_percent(count.women_share),
            "men": format_number(count.men),
            "men_share": format_percent(count.men_share),
        }
        for label, count in groups
    )
    return charts.grouped_bar_chart(
        chart_id=f"graphique-participation-{fund.pk}",
        title=_("Participation des femmes et des hommes — %(fund)s") % {"fund": fund.name},
        description=description,
        groups=[charts.Group(label) for label, _count in groups],
        series=[women, men],
    )
