"""Journey of issue 17 (funders' reports), at 1280 px: the association's staff write the annual report's own words
and export its PDF and XLSX; the Région's staff open the dashboard (charts above a table that fits the screen), the
consolidated report, and download its PDF and XLSX; the administrator reads the audit log in French."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import click_to, login, logout, prepare_and_download, visit

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "equipe@hommelet.demo.example.org"
REGION_EMAIL = "region@demo.example.org"
ADMIN_EMAIL = "admin@demo.example.org"
REPORT = "/rapports/pic-hommelet-2025/2025/"
SUMMARY = "Parcours financeurs : une année riche en fêtes de voisins."
PERSPECTIVES = "Parcours financeurs : un second appel à l'automne."


@pytest.fixture
def viewport():
    """Staff and funders work at 1280 px."""
    return "desktop"


def download(page, link_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    value = info.value
    return value.suggested_filename, Path(value.path()).read_bytes()


def pdf_text(content: bytes) -> str:
    assert content[:5] == b"%PDF-"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"[\s\u202f\u00a0]+", " ", text)


def no_horizontal_scroll(page, selector: str) -> None:
    """The element's content fits its width (no sideways scrolling needed to read the table)."""
    sizes = page.eval_on_selector(selector, "el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] <= sizes[1], f"{selector} scrolls sideways: {sizes}"


def test_funder_reports(page):
    _staff_write_and_export_the_annual_report(page)
    _region_reads_the_dashboard_and_the_report(page)
    _region_downloads_the_consolidated_report(page)
    _admin_reads_the_audit_log_in_french(page)


def _staff_write_and_export_the_annual_report(page) -> None:
    """1. The association's staff write their words on the annual report page, then export."""
    login(page, STAFF_EMAIL)
    visit(page, REPORT, "rapport-annuel-equipe")
    expect(page.get_by_role("heading", name="Le mot de l'association porteuse")).to_be_visible()
    page.get_by_label("Synthèse de l'année").fill(SUMMARY)
    page.get_by_label("Perspectives", exact=True).fill(PERSPECTIVES)
    click_to(page, page.get_by_role("button", name="Enregistrer les textes du rapport"), "rapport-annuel-textes")
    expect(page.locator("main")).to_contain_text("Les textes du rapport annuel sont enregistrés")
    expect(page.get_by_label("Synthèse de l'année")).to_have_value(SUMMARY)
    name, content = prepare_and_download(
        page, page.get_by_role("link", name="Télécharger le rapport (PDF)").first, "rapport-annuel-pdf"
    )
    assert name.endswith(".pdf")
    text = pdf_text(content)
    assert SUMMARY in text and PERSPECTIVES.replace("'", "’") in text.replace("'", "’")
    click_to(page, page.get_by_role("link", name="Retour au rapport annuel"), "rapport-annuel-retour")
    name, content = download(page, "Télécharger les tableaux (XLSX)")
    assert name.endswith(".xlsx")
    words = load_workbook(io.BytesIO(content))["Mot de l'association"]
    assert ("Synthèse de l'année", SUMMARY) in list(words.iter_rows(values_only=True))
    logout(page)


def _region_reads_the_dashboard_and_the_report(page) -> None:
    """2. The Région's staff: the dashboard's charts above a table that fits 1280 px."""
    login(page, REGION_EMAIL)
    visit(page, "/financeurs/", "tableau-financeurs")
    expect(page.locator("svg#graphique-tableau-fonds")).to_be_visible()
    expect(page.locator("svg#graphique-tableau-thematiques")).to_be_visible()
    expect(page.locator("svg#graphique-tableau-participation")).to_be_visible()
    no_horizontal_scroll(page, ".funders-table-wrapper")
    report_link = page.get_by_role("link", name=re.compile(r"^Rapport annuel 2025 du fonds PIC Hommelet 2025")).first
    expect(report_link).to_be_visible()
    box = report_link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280

    # The funder reads the association's words, without a form to change them.
    click_to(page, report_link, "rapport-annuel-financeur")
    expect(page.locator("main")).to_contain_text(SUMMARY)
    expect(page.get_by_role("button", name="Enregistrer les textes du rapport")).to_have_count(0)
    page.go_back()
    page.wait_for_load_state()


def _region_downloads_the_consolidated_report(page) -> None:
    """3. The consolidated report: page, then the year 2025, its PDF and its XLSX."""
    click_to(page, page.get_by_role("link", name=re.compile(r"^Rapport consolidé \d{4} de vos fonds")), "consolide")
    click_to(page, page.get_by_role("link", name="2025", exact=True), "consolide-2025")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport consolidé 2025 — Région Hauts-de-France")
    expect(page.locator("svg#graphique-consolide-fonds")).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("PIC Hommelet 2025"))).to_be_visible()
    no_horizontal_scroll(page, "table.consolidated")
    name, content = download(page, "Télécharger le rapport consolidé (PDF)")
    assert name.endswith(".pdf")
    text = pdf_text(content)
    assert "Financeur : Région Hauts-de-France" in text and "PIC Hommelet 2025" in text
    name, content = download(page, "Télécharger les tableaux (XLSX)")
    assert name.endswith(".xlsx")
    funds = load_workbook(io.BytesIO(content))["Fonds"]
    header = [cell.value for cell in funds[1]]
    assert header[:2] == ["Identifiant du fonds", "Fonds"] and "Apport du financeur (€)" in header
    assert funds.cell(row=2, column=header.index("Accordé (€)") + 1).data_type == "n"
    logout(page)


def _admin_reads_the_audit_log_in_french(page) -> None:
    """4. The administrator reads the audit log in French: the texts saved above, by their label."""
    login(page, ADMIN_EMAIL)
    visit(page, "/administration/journal/?action=annual_report.save_narrative", "journal-francais")
    expect(page.locator("main")).to_contain_text("Textes du rapport annuel enregistrés")
    expect(page.locator(".audit-summary").first).to_contain_text("Textes du rapport annuel 2025")
    visit(page, "/administration/journal/?action=application.pay_advance", "journal-acomptes")
    expect(page.locator(".audit-summary").first).to_contain_text("Accordée → Acompte versé")
    visit(page, "/administration/journal/?action=committees.record_payment.advance", "journal-versements")
    expect(page.locator("main")).to_contain_text("Acompte versé")
    expect(page.locator(".audit-summary").first).to_contain_text("Acompte de")
