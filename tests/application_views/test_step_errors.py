"""The resident's web journey.

In this file: errors are shown, in French, and nothing is saved.
"""

from decimal import Decimal

import pytest
from django.utils.html import escape

from applications import services
from applications.models import Attachment
from applications.workflow import Status
from tests import factories as f
from tests.application_views.helpers import (
    assert_shows,
    budget_data,
    client_of,
    filed_application,
    pdf_bytes,
    upload_of,
)
from tests.request_fixtures import detail_url, step_url

# --- Errors are shown, in French, and nothing is saved ----------------------------------------------


def test_inverted_dates(draft, resident, world):
    before = (draft.starts_at, draft.ends_at)
    response = client_of(resident).post(
        step_url(draft, "when_where"),
        {
            "start_date": "2025-06-14",
            "start_time": "18:00",
            "end_date": "2025-06-14",
            "end_time": "14:00",
            "place": "Square",
            "neighbourhood": world.neighbourhood.pk,
            "action": "next",
        },
    )
    assert_shows(response, "La fin du projet doit être après son début : vérifiez les dates et les heures.")
    assert "Une information est à corriger" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.starts_at, draft.ends_at) == before


def test_over_long_title(draft, resident, world):
    response = client_of(resident).post(
        step_url(draft, "project"),
        {"title": "x" * 201, "theme": world.themes[0].pk, "objectives": "o", "description": "d", "action": "next"},
    )
    assert_shows(response, "Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 201).")
    draft.refresh_from_db()
    assert draft.title == "Fête des voisins"


def test_theme_and_neighbourhood_of_another_fund_are_refused(draft, resident, world):
    other_theme = f.ThemeFactory(slug="circuits-courts", name="Circuits courts")
    response = client_of(resident).post(
        step_url(draft, "project"),
        {"title": "Titre", "theme": other_theme.pk, "objectives": "o", "description": "d", "action": "next"},
    )
    assert_shows(response, "Choisissez une thématique de la liste.")
    assert "Circuits courts" not in response.content.decode()
    response = client_of(resident).post(
        step_url(draft, "when_where"),
        {
            "start_date": "2025-06-14",
            "start_time": "14:00",
            "end_date": "2025-06-14",
            "end_time": "18:00",
            "place": "Square",
            "neighbourhood": world.other_neighbourhood.pk,
            "action": "next",
        },
    )
    assert_shows(response, "Choisissez un quartier de la liste.")
    theme_before = draft.theme
    draft.refresh_from_db()
    assert draft.theme == theme_before and draft.neighbourhood == world.neighbourhood


def _stored_budget(application):
    application.refresh_from_db()
    lines = sorted(application.budget_lines.values_list("side", "label", "amount"))
    return application.amount_requested, lines


def test_negative_amounts(draft, resident):
    before = _stored_budget(draft)
    response = client_of(resident).post(
        step_url(draft, "budget"),
        budget_data(expenses=[("60", "Goûter", "-50")], amount_requested="-10"),
    )
    assert_shows(response, "Le montant doit être supérieur à zéro : écrivez par exemple 120 ou 120,50.")
    assert response.content.decode().count(escape("Le montant doit être supérieur à zéro")) >= 2
    assert _stored_budget(draft) == before


def test_unbalanced_budget(draft, resident):
    before = _stored_budget(draft)
    response = client_of(resident).post(
        step_url(draft, "budget"),
        budget_data(expenses=[("60", "Goûter", "300")], resources=[("70", "Buvette", "20")], amount_requested="250"),
    )
    assert_shows(response, "Votre budget n'est pas équilibré", "il manque 30,00\u00a0€ de ressources")
    assert _stored_budget(draft) == before


def test_a_grant_needs_its_funder_and_investment_is_not_eligible(draft, resident):
    before = _stored_budget(draft)
    response = client_of(resident).post(
        step_url(draft, "budget"),
        budget_data(
            expenses=[("68", "Amortissement", "300")], resources=[("74", "Aide", "50")], amount_requested="250"
        ),
    )
    assert_shows(response, "Précisez qui verse cette subvention", "ne sont pas éligibles")
    assert _stored_budget(draft) == before


def test_budget_lines_can_be_removed_by_clearing_them(draft, resident):
    response = client_of(resident).post(
        step_url(draft, "budget"),
        budget_data(
            expenses=[("60", "Goûter", "250"), ("60", "", "")], resources=[("70", "", "")], amount_requested="250"
        ),
    )
    assert response.status_code == 302
    assert _stored_budget(draft) == (Decimal("250.00"), [("expense", "Goûter", Decimal("250.00"))])


_SIX_MB_PDF = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.mark.parametrize(
    ("content", "action", "message"),
    [
        pytest.param(_SIX_MB_PDF, "upload", "Ce fichier pèse 6,0 Mo : le maximum est de 5 Mo.", id="6_mb"),
        pytest.param(_EXE, "next", "Ce fichier n'est pas un document PDF, JPEG ou PNG", id="exe_renamed_pdf"),
    ],
)
def test_a_refused_upload_is_not_stored(draft, resident, content, action, message):
    response = client_of(resident).post(
        step_url(draft, "attachments"),
        {"piece-kind": "quote", "piece-file": upload_of("devis.pdf", content), "action": action},
    )
    assert_shows(response, message)
    assert not Attachment.objects.exists()


def test_summary_lists_what_is_missing_with_links(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, title="", budget=False)
    response = client_of(resident).get(step_url(application, "summary"))
    assert_shows(response, "Avant de déposer", "Donnez un titre à votre projet.")
    content = response.content.decode()
    assert f'href="{step_url(application, "project")}"' in content
    assert f'href="{step_url(application, "budget")}"' in content
    assert "Déposer ma demande" not in content


def test_submitting_without_a_confirmed_email_says_how_to_fix(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    services.add_attachment(
        user=resident, application=application, kind="bank_details", uploaded_file=upload_of("rib.pdf", pdf_bytes())
    )
    response = client_of(resident).post(step_url(application, "summary"))
    assert_shows(response, "Confirmez d'abord votre adresse e-mail")
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.reference == ""


def test_a_filed_request_is_no_longer_editable(world, resident):
    application = filed_application(world, resident)
    response = client_of(resident).get(step_url(application, "project"))
    assert response.status_code == 302 and response.url == detail_url(application)


def test_unknown_step_is_404(draft, resident):
    assert client_of(resident).get(step_url(draft, "nope")).status_code == 404
