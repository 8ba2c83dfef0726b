"""The funders' dashboard: who sees which funds, the comparison figures, the filters and the exports.

Figures come from `factories.build_annual_report_scenario` (Hommelet) plus Lille Sud's one granted request.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from applications.workflow import Status
from committees.models import Amendment, Decision
from committees.selectors import application_paid
from funds.models import Fund
from reports import dashboards
from reports.documents.dashboard_export import COLUMNS, HEADERS
from reports.funders_charts import themes_of
from reports.models import Bilan
from reports.workflow import COUNTED_BILAN_STATUSES
from tests import factories as f

pytestmark = pytest.mark.django_db

DASHBOARD = "/financeurs/"


@pytest.fixture
def scenario(world, staff):
    return f.build_annual_report_scenario(world, staff)


def rows_of(response) -> dict[str, object]:
    return {row.fund.slug: row for row in response.context["rows"]}


def figures(row) -> tuple:
    return (
        row.envelope,
        row.granted,
        row.paid,
        row.remaining,
        row.requests,
        row.granted_count,
        row.participants_women,
        row.participants_men,
    )


HOMMELET = (
    Decimal("20000.00"),
    Decimal("2200.00"),
    Decimal("1520.00"),
    Decimal("17800.00"),
    7,
    3,
    71,
    58,
)
LILLE_SUD = (Decimal("20000.00"), Decimal("700.00"), Decimal("560.00"), Decimal("19300.00"), 1, 1, 999, 28)


def test_urls():
    assert reverse("annual:dashboard") == DASHBOARD
    assert reverse("annual:dashboard_csv") == "/financeurs/export.csv"
    assert reverse("annual:dashboard_xlsx") == "/financeurs/export.xlsx"


def test_region_staff_compare_every_fund_they_cofund(client, region_staff, scenario):
    client.force_login(region_staff)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows) == ["pic-hommelet-2025", "pic-lille-sud-2025"]
    assert figures(rows["pic-hommelet-2025"]) == HOMMELET
    assert figures(rows["pic-lille-sud-2025"]) == LILLE_SUD
    html = response.content.decode()
    assert 'href="/rapports/pic-hommelet-2025/2025/"' in html
    assert 'href="/rapports/pic-lille-sud-2025/2025/"' in html
    totals = response.context["totals"]
    assert (totals.envelope, totals.granted, totals.paid, totals.remaining) == (
        Decimal("40000.00"),
        Decimal("2900.00"),
        Decimal("2080.00"),
        Decimal("37100.00"),
    )
    assert (totals.requests, totals.granted_count, totals.participants_women, totals.participants_men) == (
        8,
        4,
        1070,
        86,
    )
    assert "40\u202f000,00\u00a0€" in html and "2\u202f900,00\u00a0€" in html


def test_city_staff_see_only_their_citys_fund(client, city_staff, scenario):
    client.force_login(city_staff)
    response = client.get(DASHBOARD)
    assert list(rows_of(response)) == ["pic-hommelet-2025"]
    assert figures(rows_of(response)["pic-hommelet-2025"]) == HOMMELET
    html = response.content.decode()
    assert "PIC Lille Sud 2025" not in html
    assert "pic-lille-sud-2025" not in html
    export = client.get(reverse("annual:dashboard_csv")).getvalue().decode("utf-8-sig")
    assert "pic-lille-sud-2025" not in export and "PIC Lille Sud" not in export


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("staff", ["pic-hommelet-2025"]),
        ("other_staff", ["pic-lille-sud-2025"]),
        ("admin_user", ["pic-hommelet-2025", "pic-lille-sud-2025"]),
    ],
)
def test_association_staff_see_their_own_funds_and_the_admin_all(client, scenario, persona, expected, request):
    client.force_login(request.getfixturevalue(persona))
    assert list(rows_of(client.get(DASHBOARD))) == expected


@pytest.mark.parametrize("persona", ["resident", "outsider", "committee_member"])
def test_others_get_404(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for name in ("dashboard", "dashboard_csv", "dashboard_xlsx"):
        assert client.get(reverse(f"annual:{name}")).status_code == 404, name


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- Filters ---------------------------------------------------------------------------------------------


def test_theme_filter_restricts_request_figures_but_not_the_envelope(client, region_staff, world, scenario):
    client.force_login(region_staff)
    innovation = world.themes[0]
    response = client.get(DASHBOARD, {"theme": innovation.pk})
    rows = rows_of(response)
    # B (granted 1 000 − 100, paid 720, bilan 20 / 30), D (refused) and E (eligible).
    assert figures(rows["pic-hommelet-2025"]) == (
        Decimal("20000.00"),
        Decimal("900.00"),
        Decimal("720.00"),
        Decimal("17800.00"),
        3,
        1,
        20,
        30,
    )
    # Lille Sud offers the theme but has no request in it: listed, with the whole fund's remainder.
    assert figures(rows["pic-lille-sud-2025"]) == (
        Decimal("20000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("19300.00"),
        0,
        0,
        0,
        0,
    )
    assert "l'enveloppe et son reste non accordé sont ceux du fonds entier" in response.content.decode().replace(
        "&#x27;", "'"
    )


def test_neighbourhood_filter(client, region_staff, scenario):
    client.force_login(region_staff)
    rows = rows_of(client.get(DASHBOARD, {"neighbourhood": scenario.nouveau_roubaix.pk}))
    assert list(rows) == ["pic-hommelet-2025"]
    # Only C: granted 500, nothing paid, its bilan was returned (not counted).
    assert figures(rows["pic-hommelet-2025"]) == (
        Decimal("20000.00"),
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("17800.00"),
        1,
        1,
        0,
        0,
    )


def test_commune_filter(client, region_staff, world, scenario):
    client.force_login(region_staff)
    lille = world.other_neighbourhood.communes.get()
    roubaix = world.neighbourhood.communes.get()
    assert list(rows_of(client.get(DASHBOARD, {"commune": lille.pk}))) == ["pic-lille-sud-2025"]
    rows = rows_of(client.get(DASHBOARD, {"commune": roubaix.pk}))
    assert list(rows) == ["pic-hommelet-2025"]
    assert figures(rows["pic-hommelet-2025"]) == HOMMELET


def test_year_and_scheme_filters(client, region_staff, world, scenario):
    older = f.FundFactory(
        association=world.hommelet,
        name="PIC Hommelet 2024",
        slug="pic-hommelet-2024",
        year=2024,
        envelope=Decimal("15000.00"),
        call_opens_on=datetime.date(2024, 1, 1),
        call_closes_on=datetime.date(2024, 12, 31),
    )
    f.FundCoFunderFactory(fund=older, funder=world.region, amount=Decimal("15000.00"))
    client.force_login(region_staff)
    assert list(rows_of(client.get(DASHBOARD))) == ["pic-hommelet-2025", "pic-lille-sud-2025", "pic-hommelet-2024"]
    assert list(rows_of(client.get(DASHBOARD, {"year": 2024}))) == ["pic-hommelet-2024"]
    assert list(rows_of(client.get(DASHBOARD, {"year": 2025}))) == ["pic-hommelet-2025", "pic-lille-sud-2025"]
    assert list(rows_of(client.get(DASHBOARD, {"scheme": "pic"}))) == [
        "pic-hommelet-2025",
        "pic-lille-sud-2025",
        "pic-hommelet-2024",
    ]
    assert rows_of(client.get(DASHBOARD, {"scheme": "cvs"})) == {}


def test_filter_choices_offer_only_what_the_users_funds_hold(client, city_staff, world, scenario):
    client.force_login(city_staff)
    form = client.get(DASHBOARD).context["form"]
    assert [name for pk, name in form.fields["commune"].choices if pk] == ["Roubaix"]
    assert world.other_neighbourhood.pk not in [pk for pk, _name in form.fields["neighbourhood"].choices]
    # Lille is not a choice for the Ville de Roubaix: the filter is invalid and lists no fund.
    lille = world.other_neighbourhood.communes.get()
    response = client.get(DASHBOARD, {"commune": lille.pk})
    assert response.context["rows"] == []
    assert "Un filtre n'est pas valide : aucun fonds" in response.content.decode()
    export = client.get(reverse("annual:dashboard_csv"), {"commune": lille.pk}).getvalue().decode("utf-8-sig")
    assert export.splitlines() == [";".join(HEADERS + ["report_url"])]


def test_request_figures_equal_the_sums_of_each_requests_payments_and_bilan(world, scenario):
    """The grouped read (payments through each request, its bilan joined) gives what adding up the requests one
    by one gives, whatever the filter."""
    funds = list(Fund.objects.order_by("pk"))
    lille = world.other_neighbourhood.communes.get()
    for filters in (
        dashboards.Filters(),
        dashboards.Filters(theme=world.themes[0].pk),
        dashboards.Filters(neighbourhood=scenario.nouveau_roubaix.pk),
        dashboards.Filters(commune=lille.pk),
    ):
        expected = {}
        for application in Application.objects.filter(fund__in=funds).filter(filters.request_q()):
            bilan = Bilan.objects.filter(application=application, status__in=COUNTED_BILAN_STATUSES).first()
            paid, requests, women, men = expected.get(application.fund_id, (Decimal("0.00"), 0, 0, 0))
            expected[application.fund_id] = (
                paid + application_paid(application=application),
                requests + (application.submitted_at is not None),
                women + (bilan.participant_women or 0 if bilan else 0),
                men + (bilan.participant_men or 0 if bilan else 0),
            )
        rows = dashboards.rows_for(funds, filters)
        got = {row.fund.pk: (row.paid, row.requests, row.participants_women, row.participants_men) for row in rows}
        assert got == {fund.pk: expected.get(fund.pk, (Decimal("0.00"), 0, 0, 0)) for fund in funds}, filters


def test_granted_figures_equal_the_decisions_and_amendments_added_up(world, scenario):
    """The rows and the theme chart read the requests' figures: they give what adding up each granted decision
    and its amendments, request by request, gives (the source rows the envelope rules read), whatever the
    filter; the envelope left is the whole fund's."""
    funds = list(Fund.objects.order_by("pk"))
    assert Amendment.objects.exists()  # the scenario amends a grant: the figures must include it
    for filters in (
        dashboards.Filters(),
        dashboards.Filters(theme=world.themes[0].pk),
        dashboards.Filters(neighbourhood=scenario.nouveau_roubaix.pk),
    ):
        by_fund, by_theme, granted_all = {}, {}, {}
        for decision in Decision.objects.filter(outcome=Decision.Outcome.GRANTED).select_related("item__application"):
            application = decision.item.application
            amount = decision.amount_granted + sum(
                (a.amount_delta for a in Amendment.objects.filter(decision=decision)), Decimal("0")
            )
            granted_all[application.fund_id] = granted_all.get(application.fund_id, Decimal("0")) + amount
            if not Application.objects.filter(pk=application.pk).filter(filters.request_q()).exists():
                continue
            amounts, requests = by_fund.get(application.fund_id, (Decimal("0"), set()))
            by_fund[application.fund_id] = (amounts + amount, requests | {application.pk})
            theme_amount, theme_requests = by_theme.get(application.theme_id, (Decimal("0"), set()))
            by_theme[application.theme_id] = (theme_amount + amount, theme_requests | {application.pk})
        rows = dashboards.rows_for(funds, filters)
        got = {row.fund.pk: (row.granted, row.granted_count, row.remaining) for row in rows}
        expected = {
            fund.pk: (
                by_fund.get(fund.pk, (Decimal("0"), set()))[0],
                len(by_fund.get(fund.pk, (Decimal("0"), set()))[1]),
                fund.envelope - granted_all.get(fund.pk, Decimal("0")),
            )
            for fund in funds
        }
        assert got == expected, filters
        charted = sorted((row.projects, row.amount) for row in themes_of(rows, filters))
        assert charted == sorted((len(ids), amount) for amount, ids in by_theme.values()), filters


# --- Exports ---------------------------------------------------------------------------------------------


def test_csv_export_has_stable_headers_and_plain_values(client, region_staff, scenario):
    client.force_login(region_staff)
    response = client.get(reverse("annual:dashboard_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="tableau-de-bord-financeurs.csv"' in response["Content-Disposition"]
    content = response.getvalue().decode("utf-8")  # streamed
    assert content.startswith("\ufeff")
    assert "\r\n" in content
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
    assert reader.fieldnames == [
        "fund_slug",
        "fund",
        "association",
        "scheme",
        "year",
        "envelope",
        "granted",
        "paid",
        "remaining",
        "requests",
        "granted_count",
        "participants_women",
        "participants_men",
        "report_url",
    ]
    rows = {row["fund_slug"]: row for row in reader}
    assert rows["pic-hommelet-2025"] == {
        "fund_slug": "pic-hommelet-2025",
        "fund": "PIC Hommelet 2025",
        "association": "Centre social de l'Hommelet",
        "scheme": "pic",
        "year": "2025",
        "envelope": "20000.00",
        "granted": "2200.00",
        "paid": "1520.00",
        "remaining": "17800.00",
        "requests": "7",
        "granted_count": "3",
        "participants_women": "71",
        "participants_men": "58",
        "report_url": "http://testserver/rapports/pic-hommelet-2025/2025/",
    }
    assert rows["pic-lille-sud-2025"]["granted"] == "700.00"


def test_csv_export_follows_the_filters(client, region_staff, world, scenario):
    client.force_login(region_staff)
    lille = world.other_neighbourhood.communes.get()
    content = client.get(reverse("annual:dashboard_csv"), {"commune": lille.pk}).getvalue().decode("utf-8-sig")
    slugs = [row["fund_slug"] for row in csv.DictReader(io.StringIO(content), delimiter=";")]
    assert slugs == ["pic-lille-sud-2025"]


def test_xlsx_export_is_for_people_french_headers_labels_and_typed_cells(client, region_staff, scenario):
    client.force_login(region_staff)
    response = client.get(reverse("annual:dashboard_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Fonds"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "Identifiant du fonds",
        "Fonds",
        "Association porteuse",
        "Dispositif",
        "Année",
        "Enveloppe (€)",
        "Accordé (€)",
        "Versé (€)",
        "Reste non accordé (€)",
        "Demandes déposées",
        "Demandes accordées",
        "Participantes (femmes)",
        "Participants (hommes)",
        "Rapport annuel (adresse)",
    ]
    hommelet = dict(zip(rows[0], rows[1], strict=True))
    assert hommelet["Identifiant du fonds"] == "pic-hommelet-2025"
    assert hommelet["Dispositif"] == "PIC — Projet d'initiative citoyenne"
    assert hommelet["Enveloppe (€)"] == 20000
    assert hommelet["Accordé (€)"] == 2200
    assert hommelet["Versé (€)"] == 1520
    assert hommelet["Reste non accordé (€)"] == 17800
    assert (hommelet["Demandes déposées"], hommelet["Demandes accordées"]) == (7, 3)
    assert (hommelet["Participantes (femmes)"], hommelet["Participants (hommes)"]) == (71, 58)
    assert sheet["F2"].number_format == "#,##0.00"
    assert sheet["F2"].data_type == "n"


def test_export_neutralises_formulas_in_names(client, region_staff, world, scenario):
    world.fund.name = "=1+1"
    world.fund.save()
    client.force_login(region_staff)
    content = client.get(reverse("annual:dashboard_csv")).getvalue().decode("utf-8-sig")
    assert "'=1+1" in content


def test_docs_describe_every_export_column():
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "exports.md").read_text(encoding="utf-8")
    section = docs[docs.index("# Exports of the funders' dashboard") :]
    for column in [*HEADERS, "report_url"]:
        assert f"| `{column}` |" in section, column
    assert len(COLUMNS) == 13


# --- Number of queries -----------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_funds_or_requests(client, region_staff, world, staff):
    client.force_login(region_staff)

    def add_funds(count: int, start: int):
        for n in range(start, start + count):
            fund = f.FundFactory(association=world.hommelet, slug=f"pic-extra-{n}", name=f"PIC extra {n}")
            f.FundCoFunderFactory(fund=fund, funder=world.region, amount=Decimal("20000.00"))
            fund.themes.set(world.themes)
            for _i in range(3):
                application = f.GrantedApplicationFactory(fund=fund, status=Status.ADVANCE_PAID)
                f.record_grant_for_bilan(application=application, amount="100", decided_by=staff)
                f.PaymentFactory(application=application, amount=Decimal("80.00"), recorded_by=staff)
                f.BilanFactory(application=application, status="accepted")

    def count(params=None):
        with CaptureQueriesContext(connection) as context:
            assert client.get(DASHBOARD, params or {}).status_code == 200
        return len(context.captured_queries)

    add_funds(1, 0)
    few, few_filtered = count(), count({"theme": world.themes[1].pk})
    add_funds(6, 1)
    response = client.get(DASHBOARD)
    assert len(response.context["rows"]) == 9
    assert response.context["totals"].granted_count == 21
    assert count() == few
    assert count({"theme": world.themes[1].pk}) == few_filtered
    print(f"dashboard: {few} queries, {few_filtered} with a theme filter, for 3 and 9 funds")
