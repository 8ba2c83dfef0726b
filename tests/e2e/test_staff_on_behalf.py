"""Issue 17: a staff member files a request on behalf of a resident who came with a paper form (1280 px), records
the holder's agreement with the signed form, instructs the request on its one page (the grid pre-filled, saved in
one click, « recevable »), sees the sessions it can join, and invites the holder; the resident follows the link on
their phone (375 px) and finds the request in « Mes demandes ».

The journey runs on its own fund, committee and planned session under the demo association (the demo funds'
figures, which other journeys read, stay untouched).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORTS, check_page, click_and_wait, link_in_last_mail, login, logout
from tests.e2e.test_resident import _fill_the_project_up_to_the_bank_details
from tests.factories.applications import MINIMAL_PDF

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "equipe@hommelet.demo.example.org"
HOLDER_EMAIL = "habitante.papier@example.org"
HOLDER_NAME = "Les voisines de la rue Watteau"


def prepare_fund():
    """A fund of the demo association (this year), its committee and a planned session in a month."""
    from funds.models import CarrierAssociation
    from tests.factories import CommitteeFactory, CommitteeSessionFactory, FundFactory

    today = timezone.localdate()
    hommelet = CarrierAssociation.objects.get(slug="centre-social-hommelet")
    fund = FundFactory(
        association=hommelet,
        slug="parcours-pour-le-compte",
        name="Fonds du parcours « pour le compte »",
        year=today.year,
        envelope=Decimal("5000.00"),
        call_opens_on=datetime.date(today.year, 1, 1),
        call_closes_on=datetime.date(today.year, 12, 31),
        max_grant=Decimal("900.00"),
        themes=list(hommelet.funds.get(slug="pic-hommelet-2025").themes.all()[:3]),
        neighbourhoods=list(hommelet.neighbourhoods.order_by("code")[:1]),
    )
    committee = CommitteeFactory(fund=fund, name="Comité du parcours « pour le compte »")
    session = CommitteeSessionFactory(committee=committee, date=today + datetime.timedelta(days=30))
    return fund, session


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_staff_file_on_behalf_and_the_holder_takes_over(page, viewport, tmp_path):
    fund, session = prepare_fund()
    today = timezone.localdate()
    signed = tmp_path / "formulaire-signe.pdf"
    signed.write_bytes(MINIMAL_PDF)
    rib = tmp_path / "rib.pdf"
    rib.write_bytes(MINIMAL_PDF)

    application = _create_the_draft(page, fund)
    _fill_in_the_request(page, today, rib)
    _record_the_agreement_and_file(page, application, today, signed)
    _instruct_on_the_one_page(page, fund, application, session)
    link = _invite_the_holder(page)
    _take_over_on_a_phone(page, application, link)


def _create_the_draft(page, fund):
    """Staff file the request on behalf of the resident (1280 px): the draft."""
    from applications.models import Application

    login(page, STAFF_EMAIL)
    page.goto("/equipe/demandes/")
    click_and_wait(page, page.get_by_role("link", name="Déposer une demande pour un porteur"))
    check_page(page, "pour-un-porteur")
    page.get_by_label("Fonds").select_option(str(fund.pk))
    page.get_by_label("Adresse e-mail du porteur (facultatif)").fill(HOLDER_EMAIL)
    click_and_wait(page, page.get_by_role("button", name="Créer le brouillon"))
    check_page(page, "etape-porteur")
    application = Application.objects.get(fund=fund)
    assert application.filed_on_behalf_by.email == STAFF_EMAIL
    return application


def _fill_in_the_request(page, today, rib) -> None:
    """The holder, the project, the date, the people, the budget and a document: the summary cannot be filed yet."""
    # The holders staff typed in before for other residents are offered too: this one is new.
    page.get_by_role("radio", name="Un nouveau groupe d'habitants ou une nouvelle association").check()
    page.get_by_role("radio", name="Un groupe d'habitants", exact=True).check()
    page.locator("#id_new-name").fill(HOLDER_NAME)
    page.locator("#id_new-referent_name").fill("Samia Papier")
    page.locator("#id_new-referent_phone").fill("06 12 34 56 78")
    page.locator("#id_new-co_holders_count").fill("2")
    page.locator("#id_new-co_holders_first_names").fill("Inès, Paul")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    check_page(page, "etape-projet")
    _fill_the_project_up_to_the_bank_details(
        page,
        today,
        rib,
        title="Goûter partagé de la rue Watteau",
        objectives="Faire se rencontrer les voisin·es.",
        description="Un goûter ouvert à toute la rue, préparé par les familles.",
    )
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    check_page(page, "recapitulatif-sans-accord")
    expect(page.locator("main")).to_contain_text("Demande saisie pour le compte du porteur")
    expect(page.get_by_role("button", name="Déposer ma demande")).to_have_count(0)


def _record_the_agreement_and_file(page, application, today, signed) -> None:
    """The holder's agreement: the date and the signed paper form; then the request is filed."""
    from applications.models import Attachment
    from core.models import AuditEntry

    click_and_wait(page, page.get_by_role("link", name="Noter l'accord du porteur"))
    check_page(page, "accord-du-porteur")
    page.get_by_label("Date de signature du formulaire par le porteur").fill(today.isoformat())
    page.get_by_label("Formulaire papier signé (scan ou photo)").set_input_files(str(signed))
    click_and_wait(page, page.get_by_role("button", name="Enregistrer l'accord du porteur"))
    check_page(page, "recapitulatif")
    assert application.attachments.filter(kind=Attachment.Kind.SIGNED_FORM).count() == 1
    click_and_wait(page, page.get_by_role("button", name="Déposer ma demande"))
    application.refresh_from_db()
    assert application.status == "submitted" and application.reference, application.status
    assert AuditEntry.objects.filter(action="application.submit_on_behalf", target_id=str(application.pk)).exists()


def _instruct_on_the_one_page(page, fund, application, session) -> None:
    """The one page: grid pre-filled, saved in one click, « recevable », the sessions."""
    from applications.models import CriterionCheck

    page.goto(f"/equipe/demandes/{application.pk}/")
    check_page(page, "page-demande")
    main = page.locator("main")
    expect(main).to_contain_text("Déposée par")
    expect(main).to_contain_text(f"pour le compte de {HOLDER_NAME}")
    click_and_wait(page, page.get_by_role("button", name="Commencer l'instruction"))
    check_page(page, "instruction")
    expect(page.locator("#verifications-automatiques")).to_contain_text("Budget équilibré")
    grid = page.locator("section", has=page.locator("#grille"))
    expect(grid).to_contain_text("pré-rempli : à confirmer")
    # The instructor confirms the pre-filled answers and checks the others, then saves once.
    for radio in grid.get_by_label("Oui, rempli").all():
        radio.check()
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la grille"))
    check_page(page, "grille-enregistree")
    criteria = fund.eligibility_criteria.count()
    assert CriterionCheck.objects.filter(application=application, met=True).count() == criteria
    click_and_wait(page, page.get_by_role("button", name="Déclarer la demande recevable"))
    check_page(page, "recevable")
    application.refresh_from_db()
    assert application.status == "eligible", application.status
    suite = page.locator("#suite").locator("..")
    expect(suite).to_contain_text("Séance du")
    session_link = f"Séance du {session.date:%d/%m/%Y} — {session.committee.name}"
    expect(page.get_by_role("link", name=session_link)).to_be_visible()


def _invite_the_holder(page) -> str:
    """Invite the holder to take the request over: the link in the e-mail."""
    click_and_wait(page, page.get_by_role("button", name="Envoyer l'invitation"))
    check_page(page, "invitation-envoyee")
    expect(page.locator("main")).to_contain_text(f"L'invitation est envoyée à {HOLDER_EMAIL}")
    link = link_in_last_mail(HOLDER_EMAIL)
    assert "/demandes/reprendre/" in link, link
    logout(page)
    return link


def _take_over_on_a_phone(page, application, link) -> None:
    """The resident, on a phone, follows the link (375 px)."""
    from tests.factories import UserFactory
    from tests.factories.accounts import DEFAULT_PASSWORD

    page.set_viewport_size(VIEWPORTS["mobile"])
    UserFactory(email=HOLDER_EMAIL, first_name="Samia", last_name="Papier", email_confirmed_at=timezone.now())
    page.goto(link)
    page.locator("#id_username").fill(HOLDER_EMAIL)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))
    check_page(page, "reprendre")
    expect(page.locator("main")).to_contain_text("Goûter partagé de la rue Watteau")
    click_and_wait(page, page.get_by_role("button", name="Reprendre la demande avec mon compte"))
    check_page(page, "reprise")
    application.refresh_from_db()
    assert application.created_by.email == HOLDER_EMAIL and application.taken_over_at is not None
    page.goto("/mes-demandes/")
    check_page(page, "mes-demandes")
    expect(page.locator("main")).to_contain_text("Goûter partagé de la rue Watteau")
