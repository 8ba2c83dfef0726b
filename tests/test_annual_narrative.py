"""The association's own words in the annual report (issue 17): staff write them on the report page, the PDF and
the XLSX carry them, the funders read them and cannot edit them."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import AuditEntry
from reports import services
from reports.models import NARRATIVE_MAX_LENGTH, AnnualNarrative
from tests.annual_fixtures import plain, prepare_pdf, url

pytestmark = pytest.mark.django_db

WORDS = {
    "summary": "Une année de fêtes de quartier et de jardins partagés.",
    "highlights": "La fête du square en juin a réuni trois cents voisins.",
    "difficulties": "Trouver des bénévoles pour le comité en été.",
    "perspectives": "Ouvrir un deuxième appel en septembre.",
}


def test_staff_write_the_texts_on_the_report_page(client, world, staff):
    client.force_login(staff)
    page = client.get(url("report", world.fund)).content.decode()
    assert 'action="/rapports/pic-hommelet-2025/2025/textes/"' in page
    assert "Enregistrer les textes du rapport" in page
    response = client.post(url("report_narrative", world.fund), WORDS)
    assert response.status_code == 302
    assert response["Location"] == url("report", world.fund) + "#rapport-textes"
    narrative = AnnualNarrative.objects.get(fund=world.fund)
    assert (narrative.summary, narrative.updated_by) == (WORDS["summary"], staff)
    entry = AuditEntry.objects.get(action="annual_report.save_narrative")
    assert entry.actor == staff and entry.data["changed"] == list(WORDS)
    page = client.get(url("report", world.fund)).content.decode()
    assert "Une année de fêtes de quartier" in page  # back in the form, ready to be edited


def test_pdf_and_xlsx_carry_the_texts(client, world, staff):
    services.save_annual_narrative(user=staff, fund=world.fund, **WORDS)
    client.force_login(staff)
    pdf = PdfReader(io.BytesIO(prepare_pdf(client, world.fund)[1]))
    text = plain(" ".join(page.extract_text() for page in pdf.pages))
    assert "Le mot de l'association porteuse" in text or "Le mot de l’association porteuse" in text
    for value in WORDS.values():
        assert value in text, value
    workbook = load_workbook(io.BytesIO(client.get(url("report_xlsx", world.fund)).content))
    rows = list(workbook["Mot de l'association"].iter_rows(values_only=True))
    assert rows[0] == ("Partie", "Texte")
    assert rows[1:] == [
        ("Synthèse de l'année", WORDS["summary"]),
        ("Temps forts", WORDS["highlights"]),
        ("Difficultés rencontrées", WORDS["difficulties"]),
        ("Perspectives", WORDS["perspectives"]),
    ]


def test_an_empty_report_says_the_texts_are_not_written(client, world, staff):
    client.force_login(staff)
    workbook = load_workbook(io.BytesIO(client.get(url("report_xlsx", world.fund)).content))
    texts = [row[1] for row in workbook["Mot de l'association"].iter_rows(min_row=2, values_only=True)]
    assert texts == ["Non renseigné par l'association."] * 4


@pytest.mark.parametrize("persona", ["region_staff", "city_staff"])
def test_funders_read_the_texts_and_cannot_edit_them(client, request, world, staff, persona):
    services.save_annual_narrative(user=staff, fund=world.fund, **WORDS)
    client.force_login(request.getfixturevalue(persona))
    page = client.get(url("report", world.fund)).content.decode()
    assert "La fête du square en juin" in page
    assert "Enregistrer les textes du rapport" not in page
    assert client.post(url("report_narrative", world.fund), {"summary": "Piraté"}).status_code == 404
    assert AnnualNarrative.objects.get(fund=world.fund).summary == WORDS["summary"]
    with pytest.raises(PermissionDenied):
        services.save_annual_narrative(user=request.getfixturevalue(persona), fund=world.fund, **WORDS)


@pytest.mark.parametrize("persona", ["other_staff", "resident", "committee_member", "outsider"])
def test_others_are_refused(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(url("report_narrative", world.fund), WORDS).status_code == 404
    assert not AnnualNarrative.objects.exists()


def test_too_long_a_text_is_refused_and_nothing_is_saved(client, world, staff):
    client.force_login(staff)
    response = client.post(url("report_narrative", world.fund), {**WORDS, "summary": "x" * (NARRATIVE_MAX_LENGTH + 1)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce texte est trop long" in html and "Raccourcissez-le" in html
    assert 'href="#id_summary"' in html
    assert not AnnualNarrative.objects.exists()
    assert not AuditEntry.objects.filter(action="annual_report.save_narrative").exists()


def test_a_get_on_the_save_address_is_not_allowed(client, world, staff):
    client.force_login(staff)
    assert client.get(url("report_narrative", world.fund)).status_code == 405
