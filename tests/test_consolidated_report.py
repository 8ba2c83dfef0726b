"""A funder's consolidated report for one year (issue 17): page, PDF and XLSX, and who may read it.

Figures from `factories.build_annual_report_scenario`: Hommelet 2025 (envelope 20 000 €, Région 14 000, Ville de
Roubaix 6 000) granted 2 200 € (3 requests of 7 filed), paid 1 520 €, 71 women and 58 men; Lille Sud 2025 (Région
10 000, Ville de Lille 10 000) granted 700 € to one request, paid 560 €.
"""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.workflow import Status
from tests import factories as f
from tests.annual_fixtures import plain, scenario_fixture  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def url(name: str, year: int = 2025) -> str:
    return reverse(f"annual:{name}", args=[year])


def test_region_staff_compare_every_fund_the_region_cofunds(client, region_staff, scenario):
    client.force_login(region_staff)
    response = client.get(url("consolidated"))
    assert response.status_code == 200
    report = response.context["report"]
    assert [line.fund.slug for line in report.rows] == ["pic-hommelet-2025", "pic-lille-sud-2025"]
    hommelet, lille = report.rows
    assert (hommelet.contribution, hommelet.contribution_share) == (Decimal("14000.00"), Decimal("70.00"))
    assert (hommelet.row.granted, hommelet.row.paid, hommelet.row.requests) == (2200, 1520, 7)
    assert (lille.row.granted, lille.row.paid) == (700, 560)
    assert (report.totals.granted, report.totals.paid, report.contribution) == (2900, 2080, 24000)
    assert [(t.label, t.projects, t.amount) for t in report.themes] == [
        ("Lutte contre l'isolement", 3, Decimal("2000.00")),
        ("Innovation sociale", 1, Decimal("900.00")),
    ]
    html = plain(response.content.decode())
    for expected in ("Rapport consolidé 2025 — Région Hauts-de-France", "2 900,00 €", "24 000,00 €", "70 %"):
        assert expected in html, expected
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert 'id="graphique-consolide-fonds-titre"' in html and "<desc" in html
    assert "/rapports/pic-hommelet-2025/2025/" in html  # each fund's annual report is one click away


def test_city_staff_see_only_the_funds_their_city_cofunds(client, city_staff, scenario):
    client.force_login(city_staff)
    report = client.get(url("consolidated")).context["report"]
    assert report.funder.name == "Ville de Roubaix"
    assert [line.fund.slug for line in report.rows] == ["pic-hommelet-2025"]
    assert report.rows[0].contribution == Decimal("6000.00")
    assert "Projet de Lille Sud" not in client.get(url("consolidated")).content.decode()


def test_pdf_reads_back_with_the_comparison(client, region_staff, scenario):
    client.force_login(region_staff)
    response = client.get(url("consolidated_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapport-consolide-' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) <= 3  # one row per fund: short
    text = plain(" ".join(page.extract_text() for page in reader.pages))
    for expected in (
        "Rapport consolidé 2025",
        "Financeur : Région Hauts-de-France",
        "Région Hauts-de-France — rapport consolidé 2025",  # every page's footer
        "Page 1 sur",
        "PIC Hommelet 2025",
        "PIC Lille Sud 2025",
        "2 200,00 €",
        "2 900,00 €",
        "Comparaison des fonds",
        "Lutte contre l'isolement",
    ):
        assert expected in text, expected


def test_xlsx_is_for_people_french_headers_and_typed_cells(client, region_staff, scenario):
    client.force_login(region_staff)
    response = client.get(url("consolidated_xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Fonds", "Thématiques"]
    sheet = workbook["Fonds"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Identifiant du fonds",
        "Fonds",
        "Association porteuse",
        "Dispositif",
        "Apport du financeur (€)",
        "Enveloppe (€)",
    )
    hommelet = dict(zip(rows[0], rows[1], strict=True))
    assert hommelet["Dispositif"] == "PIC — Projet d'initiative citoyenne"
    assert hommelet["Accordé (€)"] == 2200 and hommelet["Demandes déposées"] == 7
    assert sheet["E2"].data_type == "n" and sheet["E2"].number_format == "#,##0.00"
    assert rows[3][1] == "Total" and rows[3][8] == 2900
    themes = list(workbook["Thématiques"].iter_rows(values_only=True))
    assert themes[0] == ("Thématique", "Projets accordés", "Montant accordé (€)")
    assert themes[1] == ("Lutte contre l'isolement", 3, 2000)


@pytest.mark.parametrize("persona", ["staff", "other_staff", "resident", "committee_member", "outsider"])
@pytest.mark.parametrize("name", ["consolidated", "consolidated_pdf", "consolidated_xlsx"])
def test_association_staff_and_residents_are_refused(client, request, world, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(name)).status_code == 404


def test_a_funder_not_ones_own_is_refused_and_the_admin_chooses(client, city_staff, admin_user, world):
    client.force_login(city_staff)
    assert client.get(url("consolidated"), {"financeur": world.region.pk}).status_code == 404
    client.force_login(admin_user)
    response = client.get(url("consolidated"), {"financeur": world.city_lille.pk})
    assert response.status_code == 200
    assert response.context["report"].funder == world.city_lille
    assert [line.fund.slug for line in response.context["report"].rows] == ["pic-lille-sud-2025"]
    assert 'name="financeur"' in response.content.decode()


def test_a_year_without_funds_says_so_and_links_to_the_others(client, region_staff, world):
    client.force_login(region_staff)
    html = client.get(url("consolidated", 2019)).content.decode()
    assert "Aucun fonds cofinancé en 2019." in html
    assert url("consolidated", 2025) in html


def test_the_number_of_queries_does_not_grow_with_funds(client, region_staff, world, staff):
    client.force_login(region_staff)

    def add_funds(count: int, start: int):
        for n in range(start, start + count):
            fund = f.FundFactory(association=world.hommelet, slug=f"pic-extra-{n}", name=f"PIC extra {n}", year=2025)
            f.FundCoFunderFactory(fund=fund, funder=world.region, amount=Decimal("20000.00"))
            application = f.GrantedApplicationFactory(fund=fund, status=Status.ADVANCE_PAID, theme=world.themes[0])
            f.record_grant_for_bilan(application=application, amount="100", decided_by=staff)
            f.PaymentFactory(application=application, amount=Decimal("80.00"), recorded_by=staff)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url("consolidated")).status_code == 200
        return len(context.captured_queries)

    add_funds(1, 0)
    few = count()
    add_funds(5, 1)
    assert len(client.get(url("consolidated")).context["report"].rows) == 8
    assert count() == few
