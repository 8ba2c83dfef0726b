"""Issue 16 (helper "todo"), on a phone (375 px): a resident with a granted request and an unread message sees the
"À faire" block opening "Mon espace", reads the message, files the bilan from the block's button (the block
empties), changes her e-mail address through the link sent to the new one, and opens her fund's help page.

The resident, her association's fund and request are created here: the demo data other journeys read is left as
it is.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from tests.e2e.conftest import check_page, click_and_wait, click_to, link_in_last_mail, login, main_text, open_menu

pytestmark = pytest.mark.e2e

PASSWORD = "Mot-de-passe-a-faire-2025"
NEW_EMAIL = "nadia.nouvelle.adresse@example.org"


@pytest.fixture
def viewport():
    """Residents at 375 px."""
    return "mobile"


def resident_with_a_granted_request():
    """A resident whose request was granted and its advance paid, her bilan written but not filed (its due date
    has passed), and a message from the association she has not read."""
    from funds.models import Neighbourhood, Theme
    from tests import factories as f

    today = timezone.localdate()
    now = timezone.now()
    association = f.CarrierAssociationFactory(
        name="Maison de quartier des Trois Ponts",
        slug="maison-trois-ponts",
        address="12 rue des Trois Ponts",
        postcode="59100",
        city="Roubaix",
        contact_email="accueil@trois-ponts.example.org",
        contact_phone="03 20 11 22 33",
        opening_hours="Du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h.",
    )
    staff = f.UserFactory(email="equipe@trois-ponts.example.org", first_name="Karim", email_confirmed_at=now)
    f.AssociationStaffFactory(association=association, user=staff)
    resident = f.UserFactory(
        email="nadia.afaire@example.org",
        first_name="Nadia",
        last_name="Afaire",
        password=PASSWORD,
        email_confirmed_at=now,
    )
    fund = f.FundFactory(
        association=association,
        name=f"PIC des Trois Ponts {today.year}",
        slug=f"pic-trois-ponts-{today.year}",
        year=today.year,
        call_opens_on=datetime.date(today.year, 1, 1),
        call_closes_on=today - datetime.timedelta(days=60),
        themes=list(Theme.objects.filter(is_active=True).order_by("position")[:2]),
        neighbourhoods=list(Neighbourhood.objects.filter(communes__insee_code="59512").order_by("code")[:1]),
    )
    application = _grant_with_a_late_bilan_and_a_message(fund, resident, staff, today, now)
    return resident, application, fund


def _grant_with_a_late_bilan_and_a_message(fund, resident, staff, today, now):
    """The request granted 45 days ago and its advance paid, the bilan filled in (not filed), a message from the
    association: the request."""
    from applications import services as application_services
    from committees import services as committee_services
    from reports import services as report_services
    from tests import factories as f
    from tests.bilan_fixtures import fill_for_submission

    starts = now - datetime.timedelta(days=50)
    application = f.GrantedApplicationFactory(
        fund=fund,
        created_by=resident,
        status="granted",
        title="Repas partagé des Trois Ponts",
        reference=f"PIC-{today.year}-PONTS",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
    )
    f.record_decision(
        application=application,
        outcome="granted",
        amount="250",
        session_date=today - datetime.timedelta(days=45),
        decided_by=staff,
    )
    committee_services.record_payment(
        user=staff, application=application, kind="advance", paid_on=today, method="transfer"
    )
    application.refresh_from_db()
    bilan = report_services.start_bilan(user=resident, application=application)
    fill_for_submission(bilan, resident)
    application_services.post_message(
        user=staff, application=application, body="Bonjour Nadia, pensez à déposer votre bilan, il est en retard."
    )
    return application


def _todo_block(page):
    return page.get_by_role("region", name="À faire")


def test_resident_todo_block_bilan_email_and_help(page):
    resident, application, fund = resident_with_a_granted_request()
    login(page, resident.email, PASSWORD)

    _read_the_message_from_the_todo_block(page)
    _file_the_bilan_from_the_todo_block(page, application)
    _see_the_todo_block_empty(page)
    _change_the_email_address(page, resident)
    _open_the_help_page(page, fund)


def _read_the_message_from_the_todo_block(page) -> None:
    """The "À faire" block opening "Mon espace": the late bilan and the unread message, each with its button."""
    check_page(page, "mon-espace-a-faire")
    block = _todo_block(page)
    assert block.is_visible()
    text = block.inner_text()
    assert "Bilan en retard" in text and "1 nouveau message" in text

    # The message: read on the request's page; the block no longer counts it.
    click_to(page, block.get_by_role("link", name="Lire le message"), "demande-message")
    assert "pensez à déposer votre bilan" in main_text(page)
    open_menu(page)
    click_to(page, page.get_by_role("link", name="Mon espace", exact=True), "mon-espace-message-lu")
    text = _todo_block(page).inner_text()
    assert "nouveau message" not in text and "Bilan en retard" in text


def _file_the_bilan_from_the_todo_block(page, application) -> None:
    """The bilan, from the block's button: the bilan page, its summary, filed."""
    click_to(page, _todo_block(page).get_by_role("link", name="Déposer mon bilan"), "bilan")
    click_to(page, page.get_by_role("link", name="Relire et déposer mon bilan"), "bilan-recapitulatif")
    page.get_by_label("Je certifie que les informations de ce bilan sont exactes.").check()
    click_to(page, page.get_by_role("button", name="Déposer le bilan"), "bilan-depose")
    application.refresh_from_db()
    assert application.status == "bilan_received"
    visit_ok = page.goto("/bilans/mes-bilans/")
    assert visit_ok.ok
    check_page(page, "mes-bilans")
    assert "à déposer" not in main_text(page)


def _see_the_todo_block_empty(page) -> None:
    """The block has emptied; "Mes demandes" shows no block either."""
    open_menu(page)
    click_to(page, page.get_by_role("link", name="Mon espace", exact=True), "mon-espace-rien-a-faire")
    assert _todo_block(page).count() == 0
    open_menu(page)
    click_to(page, page.get_by_role("link", name="Mes demandes", exact=True), "mes-demandes")
    assert _todo_block(page).count() == 0


def _change_the_email_address(page, resident) -> None:
    """The e-mail address: changed through the link sent to the new one."""
    from accounts.models import User

    open_menu(page)
    click_to(page, page.get_by_role("link", name="Mon compte", exact=True), "mon-compte")
    click_to(page, page.get_by_role("link", name="Changer mon adresse e-mail"), "changer-adresse")
    page.get_by_label("Nouvelle adresse e-mail").fill(NEW_EMAIL)
    page.get_by_label("Votre mot de passe actuel, pour confirmer").fill(PASSWORD)
    mail.outbox.clear()
    click_to(page, page.get_by_role("button", name="Envoyer le lien de confirmation"), "lien-envoye")
    assert "un lien de confirmation vient de partir" in main_text(page)
    assert User.objects.get(pk=resident.pk).email == resident.email  # not before the link
    page.goto(link_in_last_mail(NEW_EMAIL))
    check_page(page, "adresse-changee")
    assert "Adresse e-mail changée" in main_text(page)
    assert User.objects.get(pk=resident.pk).email == NEW_EMAIL
    assert any(resident.email in message.to for message in mail.outbox)  # the old address is told


def _open_the_help_page(page, fund) -> None:
    """Help: from "Mon espace", the fund's page with its contact, hours and address."""
    open_menu(page)
    click_and_wait(page, page.get_by_role("link", name="Mon espace", exact=True))
    click_to(page, page.get_by_role("link", name=f"Contact, horaires et adresse pour le fonds {fund.name}"), "aide")
    help_text = main_text(page)
    assert "03 20 11 22 33" in help_text and "de 9 h à 12 h" in help_text and "12 rue des Trois Ponts" in help_text
