"""The annual report of a fund: its page, PDF and XLSX, and the command that writes them.

The expected numbers below are worked out by hand from `factories.build_annual_report_scenario` (its
docstring lists the requests).
"""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.models import Application
from reports.annual import annual_report
from tests import factories as f
from tests.annual_fixtures import plain, prepare_pdf, report_fixture, scenario_fixture, url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


# --- Page, PDF, XLSX, command ----------------------------------------------------------------------------


def test_page_shows_the_figures_in_french_format_and_the_charts(client, world, staff, scenario):
    client.force_login(staff)
    response = client.get(url("report", world.fund))
    assert response.status_code == 200
    html = plain(response.content.decode())
    for expected in (
        "Rapport annuel 2025 — PIC Hommelet 2025",
        "20 000,00 €",
        "2 200,00 €",
        "1 520,00 €",
        "17 800,00 €",
        "680,00 €",
        "733,33 €",
        "35,5 jours (sur 4 demandes décidées)",
        "1 540,00 €",
        "1 300,00 €",
        "59 %",
        "77 %",
        "55 %",
        "58 %",
        "65 %",  # women among the participants of the isolation projects: 51 / 79
        "Trouver une salle libre le samedi.",
        "PIC-2025-0007",
        "10/03/2025",
    ):
        assert expected in html, expected
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert "Brouillon jamais déposé" not in html
    assert "Projet de Lille Sud" not in html
    assert "Texte d&#x27;un bilan renvoyé" not in html


def test_report_shows_no_personal_data(client, world, staff, scenario):
    client.force_login(staff)
    html = client.get(url("report", world.fund)).content.decode()
    holder = scenario.a.holder
    for personal in (holder.name, holder.referent_name, scenario.a.created_by.email, scenario.b.holder.name):
        assert personal not in html


def test_pdf_holds_the_figures_in_french_format(client, world, staff, scenario):
    client.force_login(staff)
    response, content = prepare_pdf(client, world.fund)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapport-annuel-pic-hommelet-2025-2025.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(content))
    text = plain(" ".join(page.extract_text() for page in reader.pages))
    for expected in (
        "PIC Hommelet 2025",
        "Région Hauts-de-France, Ville de Roubaix",
        "20 000,00 €",
        "2 200,00 €",
        "1 520,00 €",
        "17 800,00 €",
        "733,33 €",
        "35,5 jours",
        "1 300,00 € (59 %)",  # the chart's own labels
        "900,00 € (41 %)",
        "71 (55 %)",
        "58 (45 %)",
        "Trouver une salle libre le samedi.",
        "Un café citoyen",
        f"Page 1 sur {len(reader.pages)}",
    ):
        assert expected in text, expected
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    assert reader.metadata.title == "Rapport annuel 2025 — PIC Hommelet 2025"
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "fr"
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # PDF/UA-1 identification (XMP)


def test_pdf_lists_the_projects_by_neighbourhood_on_landscape_pages(client, world, staff, scenario, report):
    client.force_login(staff)
    reader = PdfReader(io.BytesIO(prepare_pdf(client, world.fund)[1]))
    annex = [page for page in reader.pages if "5. Les projets" in page.extract_text()]
    assert annex, "the list of projects is in the PDF"
    box = annex[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = plain(" ".join(page.extract_text() for page in annex))
    groups = report.projects_by_neighbourhood
    assert [name for name, _rows in groups] == sorted((name for name, _rows in groups), key=str.casefold)
    for name, rows in groups:
        assert f"{name} ({len(rows)})" in text
    first = report.projects[0]
    assert f"{first.reference}, {first.submitted_on:%d/%m/%Y} — {first.title} — {first.theme}" in text
    assert f"accordé {first.granted:.2f}".replace(".", ",") in text


def test_page_and_pdf_quote_thirty_difficulties_and_point_to_the_xlsx_for_the_rest(client, world, staff):
    for number in range(1, 33):
        f.BilanFactory(
            application__fund=world.fund,
            application__reference=f"PIC-2025-{number:04d}",
            application__number=number,
            status="accepted",
            difficulties=f"Difficulté numéro {number}.",
            other_ideas="",
        )
    report = annual_report(fund=world.fund)
    assert len(report.difficulties) == 32
    assert [q.text for q in report.difficulties_shown][-1] == "Difficulté numéro 30."
    assert report.difficulties_not_shown == 2
    client.force_login(staff)
    page = client.get(url("report", world.fund)).content.decode()
    assert "Difficulté numéro 30." in page
    assert "Difficulté numéro 31." not in page
    assert "Et 2 autres difficultés : toutes figurent dans l'export XLSX du rapport" in page
    pdf = PdfReader(io.BytesIO(prepare_pdf(client, world.fund)[1]))
    text = plain(" ".join(p.extract_text() for p in pdf.pages))
    assert "Difficulté numéro 30." in text
    assert "Difficulté numéro 31." not in text
    assert "Et 2 autres difficultés" in text
    workbook = load_workbook(io.BytesIO(client.get(url("report_xlsx", world.fund)).content))
    quoted = [row[3] for row in workbook["Difficultés et perspectives"].iter_rows(min_row=2, values_only=True)]
    assert "Difficulté numéro 32." in quoted


def test_xlsx_reads_back_with_the_same_figures(client, world, staff, scenario):
    client.force_login(staff)
    response = client.get(url("report_xlsx", world.fund))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Synthèse",
        "Mot de l'association",
        "Cofinanceurs",
        "Thématiques",
        "Quartiers",
        "Participation",
        "Effets",
        "Projets",
        "Difficultés et perspectives",
    ]
    summary = {row[0]: row[1] for row in workbook["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert summary["Enveloppe"] == 20000
    assert summary["Accordé"] == 2200
    assert summary["Versé"] == 1520
    assert summary["Reste de l'enveloppe (non accordé)"] == 17800
    assert summary["Demandes reçues (déposées)"] == 7
    assert summary["Demandes recevables"] == 6
    assert summary["Subvention moyenne accordée"] == pytest.approx(733.33)
    assert summary["Délai médian entre le dépôt et la décision (jours)"] == 35.5
    assert summary["Participantes (femmes)"] == 71
    assert summary["Part des femmes parmi les participant·es"] == pytest.approx(0.5504)
    themes = list(workbook["Thématiques"].iter_rows(min_row=2, values_only=True))
    assert themes == [
        ("Lutte contre l'isolement", 2, 1300, pytest.approx(0.5909)),
        ("Innovation sociale", 1, 900, pytest.approx(0.4091)),
    ]
    assert workbook["Thématiques"]["C2"].number_format == '#,##0.00 "€"'
    projects = list(workbook["Projets"].iter_rows(min_row=2, values_only=True))
    assert len(projects) == 7
    assert projects[0][0] == "PIC-2025-0001"
    assert projects[0][4] == datetime.datetime(2025, 3, 1)
    assert projects[0][7] == 800
    assert projects[0][10] == 40


def test_xlsx_neutralises_formulas_typed_by_residents(client, world, staff, scenario):
    Application.objects.filter(pk=scenario.a.pk).update(title='=HYPERLINK("http://example.org")')
    client.force_login(staff)
    workbook = load_workbook(io.BytesIO(client.get(url("report_xlsx", world.fund)).content))
    assert workbook["Projets"]["B2"].value == '\'=HYPERLINK("http://example.org")'


def test_command_writes_the_same_pdf(world, scenario, tmp_path):
    output = tmp_path / "rapport.pdf"
    stdout = io.StringIO()
    call_command("annual_report", "--fund", world.fund.slug, "--year", "2025", "--output", str(output), stdout=stdout)
    assert "Rapport annuel écrit" in stdout.getvalue()
    reader = PdfReader(output)
    text = plain(" ".join(page.extract_text() for page in reader.pages))
    assert "2 200,00 €" in text and "PIC Hommelet 2025" in text and "Ville de Roubaix" in text


def test_command_writes_the_xlsx_when_asked(world, scenario, tmp_path):
    output = tmp_path / "tableaux.xlsx"
    call_command(
        "annual_report", "--fund", world.fund.slug, "--year", "2025", "--output", str(output), stdout=io.StringIO()
    )
    assert load_workbook(output)["Synthèse"]["B8"].value == 2200


@pytest.mark.parametrize(
    ("slug", "year", "output", "message"),
    [
        ("inconnu", 2025, "r.pdf", "Aucun fonds"),
        ("pic-hommelet-2025", 2024, "r.pdf", "l'année 2025"),
        ("pic-hommelet-2025", 2025, "r.txt", ".pdf ou .xlsx"),
    ],
)
def test_command_refuses_a_wrong_fund_year_or_format(world, tmp_path, slug, year, output, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("annual_report", "--fund", slug, "--year", str(year), "--output", str(tmp_path / output))
    assert not (tmp_path / output).exists()
