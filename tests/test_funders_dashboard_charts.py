"""The funders' dashboard (issue 17): charts above the table, a table that fits 1280 px with the annual report
link in the fund's cell, the consolidated report one click away for funders, CSV and XLSX side by side."""

import re
from decimal import Decimal

import pytest

from core.money import ZERO
from funds.models import Fund
from reports.annual.money import granted_by, granted_by_theme
from reports.dashboards import Filters, rows_for
from reports.funders_charts import themes_of
from tests.annual_fixtures import plain, scenario_fixture  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

DASHBOARD = "/financeurs/"


def svgs(html: str) -> list[str]:
    return re.findall(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*id="([^"]+)"', html)


def test_charts_above_the_table_with_their_text_alternative(client, region_staff, scenario):
    client.force_login(region_staff)
    html = client.get(DASHBOARD).content.decode()
    assert svgs(html) == ["graphique-tableau-fonds", "graphique-tableau-thematiques", "graphique-tableau-participation"]
    assert html.index("graphique-tableau-fonds") < html.index("<table")
    text = plain(html)
    # Each chart says its values in words (<desc>), the table repeats them.
    assert "PIC Hommelet 2025 : 2 200,00 € sur 20 000,00 €" in text
    assert "Lutte contre l&#x27;isolement : 3 projets — 2 000,00 €" in text
    assert 'aria-labelledby="graphique-tableau-fonds-titre graphique-tableau-fonds-description"' in html


def test_the_theme_chart_follows_a_theme_filter(client, region_staff, world, scenario):
    client.force_login(region_staff)
    innovation = world.themes[0]
    text = plain(client.get(DASHBOARD, {"theme": innovation.pk}).content.decode())
    assert "Innovation sociale : 1 projet — 900,00 €" in text
    assert "isolement : 3 projets" not in text


def test_the_themes_over_several_funds_are_the_annual_reports_rows(world, scenario):
    """Over Hommelet's and Lille Sud's funds, `granted_by`, `granted_by_theme` (the funders' pages' name for it)
    and the charts' `themes_of` (the amendments' deltas taken from the rows) all give the scenario's known answers:
    isolement is A 800 + C 500 + Lille 700, innovation is B 1 000 − 100 amended; Nouveau Roubaix holds C alone."""
    funds = list(Fund.objects.order_by("pk"))
    ids = [fund.pk for fund in funds]
    isolation = ("Lutte contre l'isolement", 3, Decimal("2000.00"))
    innovation = ("Innovation sociale", 1, Decimal("900.00"))
    cases = (
        (Filters(), [isolation, innovation]),
        (Filters(theme=world.themes[0].pk), [innovation]),
        (Filters(neighbourhood=scenario.nouveau_roubaix.pk), [("Lutte contre l'isolement", 1, Decimal("500.00"))]),
    )
    for filters, known in cases:
        request_q = filters.request_q if filters.restricts_requests else None
        expected = granted_by(
            ids, key="theme", label="theme__name", code=None, missing="?", total=ZERO, request_q=request_q
        )
        assert [(row.label, row.projects, row.amount) for row in expected] == known
        got = granted_by_theme(ids, missing="?", request_q=request_q)
        assert [(row.label, row.projects, row.amount) for row in got] == known
        charted = themes_of(rows_for(funds, filters), filters)
        assert [(row.projects, row.amount) for row in charted] == [row[1:] for row in known]


def test_the_table_has_seven_columns_and_the_report_link_in_the_fund_cell(client, region_staff, scenario):
    client.force_login(region_staff)
    html = client.get(DASHBOARD).content.decode()
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert head.count('<th scope="col"') == 7
    row = html[html.index('<th scope="row" class="fund-cell">PIC Hommelet 2025') :]
    row = row[: row.index("</th>")]
    assert 'href="/rapports/pic-hommelet-2025/2025/"' in row
    assert "7 / 3" in html and "71 / 58" in html  # requests filed / granted; women / men


def test_exports_offered_side_by_side(client, region_staff, scenario):
    client.force_login(region_staff)
    html = client.get(DASHBOARD).content.decode()
    assert "Exporter en XLSX (tableur en français)" in html and "Exporter en CSV (codes pour les logiciels)" in html


def test_funders_get_the_consolidated_report_link_association_staff_do_not(client, region_staff, staff, scenario):
    client.force_login(region_staff)
    assert 'href="/financeurs/rapport-consolide/2025/"' in client.get(DASHBOARD).content.decode()
    client.force_login(staff)
    assert "/financeurs/rapport-consolide/" not in client.get(DASHBOARD).content.decode()


def test_no_chart_when_no_fund_is_listed(client, region_staff, world):
    client.force_login(region_staff)
    html = client.get(DASHBOARD, {"year": "2025", "theme": "999999"}).content.decode()
    assert svgs(html) == []
