"""A resident's account: Mon compte, a new confirmation e-mail, the password changed then forgotten and
reset from the e-mailed link, a submitted request withdrawn, a funded project read on the public
showcase, and the account closed.

The resident and her requests are created here, in a fund of her own association whose call is over:
the demo data other journeys read is left as it is.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.e2e.conftest import (
    check_page,
    click_and_wait,
    click_to,
    fill_fields,
    link_in_last_mail,
    logout,
    main_text,
    open_menu,
    visit,
)

pytestmark = pytest.mark.e2e

FIRST_PASSWORD = "Premier-mot-de-passe-2025"
CHANGED_PASSWORD = "Deuxieme-mot-de-passe-2025"
RESET_PASSWORD = "Troisieme-mot-de-passe-2025"


def log_in(page, email: str, password: str) -> None:
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))


def resident_with_requests(viewport: str):
    """A resident (address not confirmed yet) with a submitted request and a draft, in a closed call."""
    from funds.models import Neighbourhood, Theme
    from tests import factories as f

    today = timezone.localdate()
    association = f.CarrierAssociationFactory(name=f"Amicale du Nouveau Roubaix ({viewport})")
    fund = f.FundFactory(
        association=association,
        name=f"PIC du Nouveau Roubaix {today.year} ({viewport})",
        slug=f"pic-nouveau-roubaix-{today.year}-{viewport}",
        year=today.year,
        call_opens_on=datetime.date(today.year, 1, 1),
        call_closes_on=today - datetime.timedelta(days=60),
        themes=list(Theme.objects.filter(is_active=True).order_by("position")[:2]),
        neighbourhoods=list(Neighbourhood.objects.filter(communes__insee_code="59512").order_by("code")[:1]),
    )
    resident = f.UserFactory(
        email=f"compte.{viewport}@example.org", first_name="Sofia", last_name="Compte", password=FIRST_PASSWORD
    )
    submitted = f.ApplicationFactory(
        fund=fund,
        created_by=resident,
        status="submitted",
        title=f"Atelier vélo du square ({viewport})",
        reference=f"PIC-{today.year}-VELO-{viewport[:3].upper()}",
        number=1,
        submitted_at=timezone.now() - datetime.timedelta(days=3),
    )
    draft = f.ApplicationFactory(fund=fund, created_by=resident, holder=submitted.holder, title="Brouillon à effacer")
    return resident, submitted, draft


def _confirm_the_address_and_add_a_phone(page, resident) -> None:
    email = resident.email
    # A new confirmation e-mail, whose link confirms the address.
    mail.outbox.clear()
    click_to(page, page.get_by_role("button", name="Renvoyer l'e-mail de confirmation"), "confirmation-renvoyee")
    assert f"Un nouvel e-mail de confirmation a été envoyé à {email}." in main_text(page)
    visit(page, link_in_last_mail(email), "adresse-confirmee")
    resident.refresh_from_db()
    assert resident.email_confirmed_at is not None
    visit(page, "/compte/", "mon-compte-confirme")
    assert "Adresse confirmée le" in main_text(page)

    # The profile: a phone number.
    page.get_by_label("Téléphone (facultatif)").fill("06 12 34 56 78")
    click_to(page, page.get_by_role("button", name="Enregistrer", exact=True), "informations-enregistrees")
    assert "Vos informations sont enregistrées." in main_text(page)
    resident.refresh_from_db()
    assert resident.phone.replace(" ", "") == "0612345678"


def _change_the_password(page, resident) -> None:
    # Change the password: a wrong current password is refused, then the change is made.
    click_to(page, page.get_by_role("link", name="Changer mon mot de passe"), "changer-mot-de-passe")
    fill_fields(
        page,
        {
            "#id_old_password": "pas-le-bon-mot-de-passe",
            "#id_new_password1": CHANGED_PASSWORD,
            "#id_new_password2": CHANGED_PASSWORD,
        },
    )
    click_to(page, page.get_by_role("button", name="Changer le mot de passe"), "changer-mot-de-passe-erreur")
    assert "/compte/mot-de-passe/changer/" in page.url
    fill_fields(
        page,
        {
            "#id_old_password": FIRST_PASSWORD,
            "#id_new_password1": CHANGED_PASSWORD,
            "#id_new_password2": CHANGED_PASSWORD,
        },
    )
    click_to(page, page.get_by_role("button", name="Changer le mot de passe"), "mot-de-passe-change")
    assert page.get_by_role("heading", level=1, name="Mot de passe changé").is_visible()
    resident.refresh_from_db()
    assert resident.check_password(CHANGED_PASSWORD)
    logout(page)


def _reset_the_forgotten_password(page, resident) -> None:
    email = resident.email
    # Forgotten password: from the log-in page, the e-mailed link, a new password, logged in again.
    page.goto("/compte/connexion/")
    click_to(page, page.get_by_role("link", name=re.compile("Mot de passe oublié")), "mot-de-passe-oublie")
    mail.outbox.clear()
    page.locator("#id_email").fill(email)
    click_to(page, page.get_by_role("button", name="Recevoir le lien"), "regardez-vos-emails")
    assert page.get_by_role("heading", level=1, name="Regardez vos e-mails").is_visible()
    visit(page, link_in_last_mail(email), "nouveau-mot-de-passe")
    page.locator("#id_new_password1").fill(RESET_PASSWORD)
    page.locator("#id_new_password2").fill(RESET_PASSWORD)
    click_to(page, page.get_by_role("button", name="Enregistrer le mot de passe"), "mot-de-passe-enregistre")
    assert page.get_by_role("heading", level=1, name="Mot de passe enregistré").is_visible()
    resident.refresh_from_db()
    assert resident.check_password(RESET_PASSWORD) and not resident.check_password(CHANGED_PASSWORD)
    click_and_wait(page, page.get_by_role("link", name="Se connecter").last)
    log_in(page, email, RESET_PASSWORD)
    assert "/compte/connexion/" not in page.url, page.url


def _close_the_account(page, resident, submitted, draft) -> None:
    from accounts.models import User
    from applications.models import Application

    email = resident.email
    # Close the account: the wrong password is refused, then the account is closed and anonymised.
    page.goto("/compte/")
    click_to(page, page.get_by_role("link", name="Fermer mon compte"), "fermer-mon-compte")
    page.get_by_label("Votre mot de passe, pour confirmer").fill("pas-le-bon-mot-de-passe")
    click_to(page, page.get_by_role("button", name="Fermer définitivement mon compte"), "fermer-mon-compte-erreur")
    assert "Mot de passe incorrect." in main_text(page)
    assert User.objects.get(pk=resident.pk).is_active
    page.get_by_label("Votre mot de passe, pour confirmer").fill(RESET_PASSWORD)
    click_to(page, page.get_by_role("button", name="Fermer définitivement mon compte"), "compte-ferme")
    assert "Votre compte est fermé." in main_text(page)
    closed = User.objects.get(pk=resident.pk)
    assert not closed.is_active and closed.email != email and closed.phone == ""
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert Application.objects.filter(pk=submitted.pk, status="withdrawn").exists()
    # Logged out, and the old address no longer opens a session.
    page.goto("/compte/connexion/")
    log_in(page, email, RESET_PASSWORD)
    check_page(page, "connexion-refusee")
    assert "/compte/connexion/" in page.url
    assert "Adresse e-mail ou mot de passe incorrect." in main_text(page)


def test_resident_manages_her_account(page, viewport):
    resident, submitted, draft = resident_with_requests(viewport)
    email = resident.email

    # Log in from the menu, then Mon compte.
    page.goto("/")
    open_menu(page)
    click_and_wait(page, page.get_by_role("link", name="Se connecter"))
    log_in(page, email, FIRST_PASSWORD)
    open_menu(page)
    click_to(page, page.get_by_role("link", name="Mon compte"), "mon-compte")
    assert "Votre adresse n'est pas encore confirmée" in main_text(page)

    _confirm_the_address_and_add_a_phone(page, resident)
    _change_the_password(page, resident)
    _reset_the_forgotten_password(page, resident)

    # Withdraw the submitted request, with a reason.
    visit(page, "/mes-demandes/", "mes-demandes")
    click_to(page, page.get_by_role("link", name=submitted.title), "demande-deposee")
    click_to(page, page.get_by_role("link", name="Retirer ma demande"), "retirer-ma-demande")
    page.locator("main textarea").fill("Le square est en travaux cet automne.")
    click_to(page, page.get_by_role("button", name="Oui, retirer ma demande"), "demande-retiree")
    assert "Votre demande est retirée." in main_text(page)
    assert "Retirée par le porteur" in main_text(page)
    submitted.refresh_from_db()
    assert submitted.status == "withdrawn"
    assert page.get_by_role("link", name="Retirer ma demande").count() == 0

    # The public showcase: a funded project's page. The back office of a fund stays closed to her.
    open_menu(page)
    click_to(page, page.get_by_role("link", name="Projets financés"), "projets-finances")
    first = page.locator("main .card-title a").first
    title = first.inner_text().strip()
    click_to(page, first, "projet-finance")
    assert re.search(r"/projets/\d+/$", page.url), page.url
    assert page.get_by_role("heading", level=1).inner_text().strip() == title
    assert page.request.get(f"/fonds/{submitted.fund.slug}/").status == 404

    _close_the_account(page, resident, submitted, draft)
