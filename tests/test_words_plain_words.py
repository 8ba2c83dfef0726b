"""Plain words: budget lines in everyday words with their account beside them (budget form, summary, receipt and
bilan PDFs), the holder step asks first "un groupe d'habitants ou une association ?" and reads only the fields
of that choice, and the French texts without typos."""

import io

import pytest
from pypdf import PdfReader

from applications import services
from applications.budget import ExpenseCategory, ResourceCategory, plain_choices
from applications.documents.receipt import render_receipt_pdf
from applications.forms import HolderForm
from applications.models import Application, Holder
from tests import factories as f
from tests.request_fixtures import (  # noqa: F401  (fixtures)
    NEW_GROUP_HOLDER,
    NOW,
    client_of,
    in_march_2025,
    private_media,
    step_url,
)

PURCHASES = "Achats : matériel, nourriture, boissons, petites fournitures (compte 60)"
SALES = "Recettes du projet : buvette, ventes, participation des habitant·es (compte 70)"


@pytest.fixture
def draft(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    f.AttachmentFactory(application=application)
    return application


def test_every_category_has_everyday_words_then_its_account():
    expenses, resources = dict(plain_choices("expense")), dict(plain_choices("resource"))
    assert list(expenses) == ExpenseCategory.values and list(resources) == ResourceCategory.values
    assert str(expenses["60"]) == PURCHASES
    assert str(resources["74"]) == "Subventions : mairie, Région, CAF, bailleur… (compte 74)"
    assert str(expenses["indirect"]).endswith("(charges indirectes)")
    assert str(resources["indirect"]).endswith("(ressources indirectes)")
    for code, label in [*expenses.items(), *resources.items()]:
        words, _, account = str(label).rpartition(" (")
        assert words and not words[0].isdigit(), label  # the words come first, not the code
        assert account in {f"compte {code})", "charges indirectes)", "ressources indirectes)"}, label


def test_the_budget_form_offers_everyday_words(resident, draft):
    html = client_of(resident).get(step_url(draft, "budget")).content.decode()
    assert f'<option value="60" selected>{PURCHASES}</option>' in html
    assert "Type de dépense" in html and "Ce que vous payez" in html
    assert "60 — Achats" not in html


def test_the_summary_and_the_receipt_show_everyday_words_with_the_account(resident, draft):
    html = client_of(resident).get(step_url(draft, "summary")).content.decode()
    assert PURCHASES in html and SALES in html
    resident.email_confirmed_at = NOW
    resident.save(update_fields=["email_confirmed_at"])
    services.submit_application(user=resident, application=draft, today=NOW.date())
    draft = Application.objects.for_pages().get(pk=draft.pk)
    reader = PdfReader(io.BytesIO(render_receipt_pdf(application=draft)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Achats : matériel, nourriture, boissons, petites fournitures (compte 60)" in text
    assert "Recettes du projet : buvette, ventes, participation des habitant·es (compte 70)" in text


def test_the_holder_step_asks_for_whom_first_and_marks_each_kind_of_fields(resident, world):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=None)
    html = client_of(resident).get(step_url(application, "holder")).content.decode()
    question = html.index("Vous déposez pour : un groupe d&#x27;habitants ou une association ?")
    assert question < html.index('name="new-name"')
    assert "Un groupe d&#x27;habitants" in html and "Une association" in html
    assert '<fieldset class="mt-3" data-holder-kind="group">' in html
    assert '<fieldset class="mt-3" data-holder-kind="association">' in html
    assert "js/holder_kind.js" in html


def test_a_group_is_saved_without_what_was_typed_for_an_association(resident, world):
    """Without JavaScript both fieldsets show: what was typed in the other one is neither checked nor kept."""
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=None)
    response = client_of(resident).post(
        step_url(application, "holder"),
        {**NEW_GROUP_HOLDER, "new-siret": "123", "new-postcode": "trop long pour un code", "new-city": "Roubaix"},
    )
    assert response.status_code == 302, response.content.decode()
    holder = Holder.objects.get(name=NEW_GROUP_HOLDER["new-name"])
    saved = (holder.kind, holder.co_holders_count, holder.siret, holder.postcode, holder.city)
    assert saved == ("group", 2, "", "", "")


def test_an_association_is_checked_on_its_own_fields_only():
    form = HolderForm(
        {
            "kind": "association",
            "name": "Association des locataires",
            "referent_name": "Amina Habitante",
            "co_holders_count": "pas un nombre",
            "co_holders_first_names": "Nadia",
            "rna": "",
            "address": "",
        }
    )
    assert not form.is_valid()
    assert "co_holders_count" not in form.errors  # a group's field, not read for an association
    assert {"siret", "address", "postcode", "city", "republican_commitment"} <= set(form.errors)
    assert form.cleaned_data["co_holders_first_names"] == ""


def test_no_holder_kind_says_how_to_fix_it():
    form = HolderForm({"name": "X", "referent_name": "Y"})
    assert not form.is_valid()
    assert form.errors["kind"] == ["Indiquez pour qui vous déposez : un groupe d'habitants ou une association."]


def test_the_project_step_asks_what_you_will_do_without_a_typo(resident, draft):
    html = client_of(resident).get(step_url(draft, "project")).content.decode()
    assert "Description : qu&#x27;allez-vous faire, avec qui, comment ?" in html
    assert "que allez-vous" not in html
