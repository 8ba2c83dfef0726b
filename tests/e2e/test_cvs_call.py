"""An association files a CVS request (CERFA 12156) in the MEL's call; the Ville de Roubaix's referent gives
the commune's opinion; the MEL's staff declare it eligible and record the programming decision per funder, then
read the call's follow-up (envelope, programmed, paid by funder). Staff pages: 1280 px only.

The association is created here; the demo's CVS call (devdata/demo/cvs.py) is the fund it files in.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, click_to, login, logout, main_text, save_and_continue, visit

pytestmark = pytest.mark.e2e

MEL_STAFF = "equipe@mel.demo.example.org"
CITY_REFERENT = "ville-roubaix@demo.example.org"


@pytest.fixture(params=["desktop"])
def viewport(request):
    """Staff and funders' pages: the journey runs at 1280 px."""
    return request.param


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_cvs_call(page):
    from funds.models import Fund, Funder
    from tests.factories import UserFactory

    fund = Fund.objects.get(slug=f"cvs-mel-{timezone.localdate().year + 1}")
    state = Funder.objects.get(name__startswith="État")
    mel = Funder.objects.get(name="Métropole Européenne de Lille")
    roubaix = Funder.objects.get(name="Ville de Roubaix")
    association = UserFactory(email="parcours.cvs@example.org", email_confirmed_at=timezone.now())

    _describe_the_structure(page, fund, association)
    _describe_the_project_and_the_commitments(page)
    _fill_in_the_budget(page, state, mel, roubaix)
    application = _send_the_documents_and_file(page, association)
    _give_the_city_opinion(page, application)
    _declare_eligible_and_programme(page, fund, application, state, mel, roubaix)
    _pay_the_state_part(page, application, state)
    _read_the_call_follow_up(page, fund, application, state)


def _describe_the_structure(page, fund, association) -> None:
    """The association files its request, step by step: first it describes itself (a SIRET and the republican
    commitment are needed)."""
    from funds.validators import make_siret
    from tests.factories.accounts import DEFAULT_PASSWORD

    login(page, association.email, DEFAULT_PASSWORD)
    page.goto(f"/demandes/nouvelle/{fund.slug}/")  # the open call's link leads to the CVS form
    check_page(page, "cvs-commencer")
    assert "CERFA 12156" in main_text(page)
    click_to(page, page.get_by_role("button", name="Commencer ma demande"), "cvs-structure")
    page.get_by_label("Association loi 1901", exact=True).check()
    page.locator("#id_name").fill("Association Parcours du quartier (fictive)")
    page.locator("#id_address").fill("5 rue du Parcours")
    page.locator("#id_postcode").fill("59100")
    page.locator("#id_city").fill("Roubaix")
    page.locator("#id_representative_name").fill("Prénom Présidente")
    page.locator("#id_representative_role").fill("Présidente")
    page.locator("#id_referent_name").fill("Prénom Coordinatrice")
    page.locator("#id_referent_email").fill("coordination@parcours.example.org")
    # Without SIRET nor the contrat d'engagement républicain: a French error, nothing saved.
    save_and_continue(page, "cvs-structure-erreurs")
    assert "Une association doit indiquer son numéro SIRET" in main_text(page)
    page.locator("#id_siret").fill(make_siret(77_000_123))
    page.locator("#id_republican_commitment").check()
    save_and_continue(page, "cvs-projet")


def _describe_the_project_and_the_commitments(page) -> None:
    """The project, then its commitments (equality, partners, evaluation)."""
    page.locator("#id_title").fill("Ateliers numériques du parcours")
    page.locator("#id_description").fill("Des ateliers pour faire ses démarches en ligne.")
    page.locator("#id_diagnostic").fill("Beaucoup d'habitants sans ordinateur.")
    page.locator("#id_territorial_anchoring").fill("Depuis 2018.")
    page.locator("input[name=neighbourhoods]").nth(0).check()
    page.locator("input[name=neighbourhoods]").nth(1).check()
    page.locator("input[name=ambitions]").last.check()
    page.locator("#id_target_public").fill("Adultes du quartier.")
    save_and_continue(page, "cvs-engagements")

    for field, text in [
        ("gender_objectives", "Autant de femmes que d'hommes."),
        ("gender_means", "Des horaires en journée et une garderie."),
        ("common_law_funding", "Salle prêtée par la commune."),
        ("partnerships", "Médiathèque, France Services."),
        ("evaluation_indicators", "Nombre de personnes accompagnées."),
        ("evaluation_follow_up", "Un bilan par trimestre."),
    ]:
        page.locator(f"#id_{field}").fill(text)
    save_and_continue(page, "cvs-budget")


def _fill_in_the_budget(page, state, mel, roubaix) -> None:
    """The budget and the amount asked of each funder: first unbalanced (refused), then balanced."""
    page.locator("#id_charges-0-category").select_option("64")
    page.locator("#id_charges-0-label").fill("Animateur numérique")
    page.locator("#id_charges-0-amount").fill("5000")
    page.locator("#id_ressources-0-category").select_option("70")
    page.locator("#id_ressources-0-label").fill("Participation des usagers")
    page.locator("#id_ressources-0-amount").fill("500")
    page.locator(f"#id_amount_{state.pk}").fill("2500")
    page.locator(f"#id_amount_{mel.pk}").fill("1000")
    page.locator(f"#id_amount_{roubaix.pk}").fill("500")
    save_and_continue(page, "cvs-budget-desequilibre")
    assert "pas équilibré" in main_text(page)
    page.locator(f"#id_amount_{roubaix.pk}").fill("1000")
    save_and_continue(page, "cvs-pieces")


def _send_the_documents_and_file(page, association):
    """Two documents sent, the summary read, the request filed: the request."""
    from applications.models import Application
    from tests.factories import MINIMAL_PDF

    for kind, name in (("bank_details", "rib.pdf"), ("statutes", "statuts.pdf")):
        page.locator("#id_piece-kind").select_option(kind)
        page.locator("#id_piece-file").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
        )
        click_to(page, page.get_by_role("button", name="Envoyer ce document"), f"cvs-piece-{kind}")
    assert "statuts.pdf" in main_text(page)
    save_and_continue(page, "cvs-recapitulatif")
    assert "Ateliers numériques du parcours" in main_text(page)
    click_to(page, page.get_by_role("button", name="Déposer ma demande"), "cvs-demande-deposee")
    application = Application.objects.get(created_by=association)
    assert application.status == "submitted" and application.reference.startswith("CVS-")
    logout(page)
    return application


def _give_the_city_opinion(page, application) -> None:
    """The Ville de Roubaix's referent gives the commune's opinion."""
    login(page, CITY_REFERENT)
    page.goto(f"/cvs/demandes/{application.pk}/")
    check_page(page, "cvs-referent-ville")
    page.get_by_label("Réservé").check()
    page.locator("#id_avis-comment").fill("Préciser le lieu des ateliers.")
    click_to(page, page.get_by_role("button", name="Enregistrer l'avis"), "cvs-avis-enregistre")
    assert "Ville de Roubaix : Réservé" in main_text(page)
    logout(page)


def _declare_eligible_and_programme(page, fund, application, state, mel, roubaix) -> None:
    """The MEL's staff: eligibility, then the programming decision per funder."""
    from cvs.models import FundingAsk

    login(page, MEL_STAFF)
    page.goto(f"/cvs/appels/{fund.slug}/suivi/")
    check_page(page, "cvs-suivi-appel")
    click_to(page, page.get_by_role("link", name=application.reference), "cvs-instruction")
    page.get_by_label("Recevable", exact=True).check()
    click_to(page, page.get_by_role("button", name="Enregistrer la recevabilité"), "cvs-recevable")
    page.locator("#id_programmation-decided_on").fill(timezone.localdate().isoformat())
    page.locator("#id_programmation-attendees").fill("MEL\nPréfecture\nVille de Roubaix")
    page.get_by_label("Programmé", exact=True).check()
    page.locator(f"#id_programmation-amount_{state.pk}").fill("2000")
    page.locator(f"#id_programmation-amount_{mel.pk}").fill("1000")
    page.locator(f"#id_programmation-amount_{roubaix.pk}").fill("800")
    click_to(page, page.get_by_role("button", name="Enregistrer la décision"), "cvs-programme")
    expect(page.get_by_role("heading", name="Décision de programmation")).to_be_visible()
    assert "projet programmé" in main_text(page)
    application.refresh_from_db()
    assert application.status == "granted"
    programmed = dict(
        FundingAsk.objects.filter(request__application=application).values_list("funder__name", "amount_programmed")
    )
    assert programmed[roubaix.name] == 800 and programmed[state.name] == 2000


def _pay_the_state_part(page, application, state) -> None:
    """The State pays its part."""
    from cvs.models import FundingAsk

    page.locator("#id_versement-funder").select_option(str(state.pk))
    page.locator("#id_versement-amount").fill("2000")
    page.locator("#id_versement-paid_on").fill(timezone.localdate().isoformat())
    click_to(page, page.get_by_role("button", name="Enregistrer le versement"), "cvs-versement")
    assert FundingAsk.objects.get(request__application=application, funder=state).amount_paid == 2000


def _read_the_call_follow_up(page, fund, application, state) -> None:
    """The call's follow-up, from the fund's back-office page."""
    visit(page, f"/fonds/{fund.slug}/", "fonds-cvs")
    click_to(page, page.get_by_role("link", name="Suivi de l'appel à projets : enveloppe"), "cvs-suivi-final")
    assert application.reference in main_text(page)
    state_row = plain(page.get_by_role("row").filter(has_text=state.name).first.inner_text())
    assert "2 000,00" in state_row


@pytest.mark.parametrize("viewport", ["mobile"], indirect=True)
def test_cvs_request_on_a_phone(page, viewport):
    """At 375 px, an association starts its CVS request and reaches the budget: no page scrolls sideways."""
    from funds.models import Fund
    from tests.factories import UserFactory
    from tests.factories.accounts import DEFAULT_PASSWORD

    fund = Fund.objects.get(slug=f"cvs-mel-{timezone.localdate().year + 1}")
    association = UserFactory(email="telephone.cvs@example.org", email_confirmed_at=timezone.now())
    login(page, association.email, DEFAULT_PASSWORD)
    page.goto(f"/cvs/appels/{fund.slug}/deposer/")
    phone_check(page, "cvs-telephone-commencer")
    click_to(page, page.get_by_role("button", name="Commencer ma demande"), "cvs-telephone-structure")
    phone_check(page, "cvs-telephone-structure-largeur")
    page.get_by_label("Collectivité territoriale", exact=True).check()
    for field, value in [
        ("name", "Commune fictive de Parcours"),
        ("address", "Place de la Mairie"),
        ("postcode", "59100"),
        ("city", "Roubaix"),
        ("representative_name", "Prénom Maire"),
        ("representative_role", "Maire"),
        ("referent_name", "Prénom Cheffe de projet"),
        ("referent_email", "politique-de-la-ville@parcours.example.org"),
    ]:
        page.locator(f"#id_{field}").fill(value)
    save_and_continue(page, "cvs-telephone-projet")
    phone_check(page, "cvs-telephone-projet-largeur")
    page.goto(page.url.replace("/projet/", "/budget/"))
    phone_check(page, "cvs-telephone-budget")


def phone_check(page, step: str) -> None:
    """check_page, and no page-wide horizontal scrolling at 375 px (WCAG 1.4.10, reflow)."""
    check_page(page, step)
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways at 375 px: {width}"
