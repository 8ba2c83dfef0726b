"""Resident accounts: sign-up, e-mail confirmation, login, password reset and change, "Mon compte"."""

import datetime
import re
from smtplib import SMTPException

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services
from accounts.models import User
from accounts.tokens import email_confirmation_token
from core.models import AuditEntry
from tests.factories import DEFAULT_PASSWORD

STRONG_PASSWORD = "Tournesol-du-quartier-84"
LINK_PATH = re.compile(r"https?://[^/\s]+(/\S+)")


def signup_data(**overrides) -> dict:
    data = {
        "email": "  Nadia.Nouvelle@Example.org ",
        "first_name": "Nadia",
        "last_name": "Nouvelle",
        "phone": "06 12 34 56 78",
        "password": STRONG_PASSWORD,
        "password_confirm": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def link_in(message) -> str:
    """The path of the single link in a plain-text e-mail."""
    paths = LINK_PATH.findall(message.body)
    assert len(paths) == 1, message.body
    return paths[0]


def confirmation_link(user) -> str:
    return services.confirmation_path(user=user)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# Sign-up -----------------------------------------------------------------------------------------


def test_signup_page_is_in_french_with_autocomplete(client, db):
    response = client.get(reverse("signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Créer un compte" in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="given-name"' in html
    assert 'autocomplete="family-name"' in html
    assert 'autocomplete="tel"' in html
    assert html.count('autocomplete="new-password"') == 2


def test_signup_creates_logs_in_and_sends_a_working_confirmation_link(client, db, mailoutbox, settings):
    response = client.post(reverse("signup"), signup_data())

    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    user = User.objects.get(email="nadia.nouvelle@example.org")
    assert (user.first_name, user.last_name, user.phone) == ("Nadia", "Nouvelle", "06 12 34 56 78")
    assert user.check_password(STRONG_PASSWORD)
    assert user.email_confirmed_at is None
    assert not services.is_email_confirmed(user)
    assert logged_in_user_id(client) == str(user.pk)
    assert AuditEntry.objects.filter(action="account.created", target_id=str(user.pk), actor=user).count() == 1

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nadia.nouvelle@example.org"]
    assert settings.PORTAL_NAME in message.subject
    assert "\n" not in message.subject
    assert "Bonjour Nadia" in message.body
    path = link_in(message)
    assert path.startswith("/compte/confirmer/")

    response = client.get(path)
    assert response.status_code == 200
    assert "Adresse e-mail confirmée" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert services.is_email_confirmed(user)
    assert AuditEntry.objects.filter(action="account.email_confirmed", target_id=str(user.pk)).count() == 1


def test_signup_follows_a_safe_next_and_ignores_an_external_one(client, db):
    response = client.post(reverse("signup") + "?next=/appels/", signup_data())
    assert response.url == "/appels/"

    client.logout()
    response = client.post(
        reverse("signup"), signup_data(email="autre@example.org", next="https://pirate.example/compte/")
    )
    assert response.url == reverse("portal:dashboard")


def test_logged_in_user_visiting_signup_goes_to_account(client, resident):
    client.force_login(resident)
    response = client.get(reverse("signup"))
    assert response.status_code == 302
    assert response.url == reverse("account")


def test_signup_with_an_existing_email_in_other_case_is_refused(client, resident, mailoutbox):
    response = client.post(reverse("signup"), signup_data(email="AMINA.Resident@Example.ORG"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [str(services.DUPLICATE_EMAIL_MESSAGE)]
    assert "Un compte existe déjà avec cette adresse : connectez-vous ou utilisez « Mot de passe oublié »" in (
        response.content.decode()
    )
    assert User.objects.filter(email__iexact="amina.resident@example.org").count() == 1
    assert mailoutbox == []
    assert logged_in_user_id(client) is None


def test_register_service_refuses_a_duplicate_even_without_the_form(resident):
    with pytest.raises(ValidationError) as excinfo:
        services.register_resident(
            email="Amina.Resident@EXAMPLE.org", password=STRONG_PASSWORD, first_name="A", last_name="B"
        )
    assert "email" in excinfo.value.message_dict
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Court-1", "Ce mot de passe est trop court"),
        ("password123", "Ce mot de passe est trop courant"),
        ("8451237690342", "Ce mot de passe est entièrement numérique"),
        ("nadia.nouvelle", "Le mot de passe est trop semblable"),
    ],
)
def test_weak_passwords_are_refused_in_french(client, db, mailoutbox, password, expected):
    response = client.post(reverse("signup"), signup_data(password=password, password_confirm=password))

    assert response.status_code == 200
    errors = response.context["form"].errors["password"]
    assert any(expected in error for error in errors), errors
    assert not User.objects.exists()
    assert mailoutbox == []


def test_register_service_checks_the_password_too(db):
    with pytest.raises(ValidationError) as excinfo:
        services.register_resident(email="x@example.org", password="1234", first_name="X", last_name="Y")
    assert "password" in excinfo.value.message_dict
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client, db):
    response = client.post(reverse("signup"), signup_data(password_confirm=STRONG_PASSWORD + "x"))

    assert response.status_code == 200
    assert response.context["form"].errors["password_confirm"] == [
        "Les deux mots de passe sont différents. Tapez deux fois exactement le même mot de passe."
    ]
    assert not User.objects.exists()


def test_missing_fields_and_bad_phone_get_french_errors_linked_to_the_fields(client, db):
    response = client.post(reverse("signup"), signup_data(email="nadia chez example.org", first_name="", phone="x"))

    assert response.status_code == 200
    form = response.context["form"]
    assert "Cette adresse e-mail n'est pas valide" in form.errors["email"][0]
    assert form.errors["first_name"] == ["Ce champ est obligatoire."]
    assert "Ce numéro n'est pas valide" in form.errors["phone"][0]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_first_name_error"' in html
    assert not User.objects.exists()


def test_signup_still_works_when_the_mail_server_fails(client, db, monkeypatch):
    def broken_send_mail(*args, **kwargs):
        raise SMTPException("server down")

    # The outbox delivers through the configured back-end (in-process without a task queue).
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken_send_mail)
    response = client.post(reverse("signup"), signup_data(), follow=True)

    user = User.objects.get(email="nadia.nouvelle@example.org")
    assert logged_in_user_id(client) == str(user.pk)
    assert "pas pu partir" in response.content.decode()


# E-mail confirmation -----------------------------------------------------------------------------


def test_confirmation_link_works_only_once(client, resident):
    path = confirmation_link(resident)

    assert "Adresse e-mail confirmée" in client.get(path).content.decode()
    resident.refresh_from_db()
    first_confirmation = resident.email_confirmed_at
    assert first_confirmation is not None

    response = client.get(path)
    assert "Ce lien ne fonctionne plus" in response.content.decode()
    resident.refresh_from_db()
    assert resident.email_confirmed_at == first_confirmation
    assert AuditEntry.objects.filter(action="account.email_confirmed").count() == 1


def test_an_older_link_stops_working_once_the_address_is_confirmed(client, resident):
    older = confirmation_link(resident)
    newer = confirmation_link(resident)  # e.g. after "Renvoyer"
    client.get(newer)
    resident.refresh_from_db()
    confirmed_at = resident.email_confirmed_at

    assert "Ce lien ne fonctionne plus" in client.get(older).content.decode()
    resident.refresh_from_db()
    assert resident.email_confirmed_at == confirmed_at


def test_second_click_by_the_owner_says_already_confirmed(client, resident):
    client.force_login(resident)
    path = confirmation_link(resident)
    client.get(path)

    html = client.get(path).content.decode()
    assert "Adresse déjà confirmée" in html
    assert reverse("resend_confirmation") not in html


@pytest.mark.parametrize("tamper", ["token", "uid", "garbage_uid"])
def test_tampered_link_fails(client, resident, other_resident, tamper):
    uid = urlsafe_base64_encode(force_bytes(resident.pk))
    token = email_confirmation_token.make_token(resident)
    if tamper == "token":
        token = token[:-1] + ("a" if token[-1] != "a" else "b")
    elif tamper == "uid":
        uid = urlsafe_base64_encode(force_bytes(other_resident.pk))
    else:
        uid = "nimportequoi"

    response = client.get(reverse("confirm_email", kwargs={"uidb64": uid, "token": token}))

    assert response.status_code == 200
    assert "Ce lien ne fonctionne plus" in response.content.decode()
    assert not User.objects.filter(email_confirmed_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="account.email_confirmed").exists()


def test_a_password_reset_token_does_not_confirm_the_email(client, resident):
    uid = urlsafe_base64_encode(force_bytes(resident.pk))
    token = default_token_generator.make_token(resident)
    client.get(reverse("confirm_email", kwargs={"uidb64": uid, "token": token}))
    resident.refresh_from_db()
    assert resident.email_confirmed_at is None


def test_expired_link_shows_the_resend_button(client, resident, monkeypatch, settings):
    path = confirmation_link(resident)
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(email_confirmation_token, "_now", lambda: later)
    client.force_login(resident)

    html = client.get(path).content.decode()

    assert "Ce lien ne fonctionne plus" in html
    assert f'action="{reverse("resend_confirmation")}"' in html
    resident.refresh_from_db()
    assert resident.email_confirmed_at is None


def test_invalid_link_tells_an_anonymous_visitor_to_log_in(client, resident):
    html = client.get(reverse("confirm_email", kwargs={"uidb64": "MQ", "token": "abc-def"})).content.decode()
    assert "Connectez-vous" in html
    assert f"{reverse('login')}?next={reverse('account')}" in html
    assert reverse("resend_confirmation") not in html


def test_another_user_cannot_confirm_with_someone_elses_token(client, resident, other_resident):
    client.force_login(other_resident)
    own_uid = urlsafe_base64_encode(force_bytes(other_resident.pk))
    stolen_token = email_confirmation_token.make_token(resident)

    html = client.get(reverse("confirm_email", kwargs={"uidb64": own_uid, "token": stolen_token})).content.decode()

    assert "Ce lien ne fonctionne plus" in html
    other_resident.refresh_from_db()
    resident.refresh_from_db()
    assert other_resident.email_confirmed_at is None
    assert resident.email_confirmed_at is None


def test_opening_someone_elses_valid_link_confirms_only_that_address(client, resident, other_resident):
    """The link proves the owner reads that mailbox; whoever is logged in on the device gains nothing."""
    client.force_login(other_resident)
    client.get(confirmation_link(resident))

    other_resident.refresh_from_db()
    resident.refresh_from_db()
    assert resident.email_confirmed_at is not None
    assert other_resident.email_confirmed_at is None


def test_changing_the_address_invalidates_links_sent_to_the_old_one(client, resident):
    path = confirmation_link(resident)
    resident.email = "amina.nouvelle-adresse@example.org"
    resident.save()

    assert "Ce lien ne fonctionne plus" in client.get(path).content.decode()
    resident.refresh_from_db()
    assert resident.email_confirmed_at is None


def test_is_email_confirmed(resident):
    from django.contrib.auth.models import AnonymousUser

    assert services.is_email_confirmed(AnonymousUser()) is False
    assert services.is_email_confirmed(resident) is False
    resident.email_confirmed_at = timezone.now()
    assert services.is_email_confirmed(resident) is True


# Resend ------------------------------------------------------------------------------------------


def test_resend_sends_a_new_working_link(client, resident, mailoutbox):
    client.force_login(resident)

    response = client.post(reverse("resend_confirmation"), follow=True)

    assert response.redirect_chain == [(reverse("account"), 302)]
    assert "Un nouvel e-mail de confirmation a été envoyé à amina.resident@example.org" in response.content.decode()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amina.resident@example.org"]
    client.get(link_in(mailoutbox[0]))
    resident.refresh_from_db()
    assert resident.email_confirmed_at is not None


def test_resend_does_nothing_for_a_confirmed_address(client, resident, mailoutbox):
    resident.email_confirmed_at = timezone.now()
    resident.save()
    client.force_login(resident)

    response = client.post(reverse("resend_confirmation"), follow=True)

    assert "déjà confirmée" in response.content.decode()
    assert mailoutbox == []


def test_resend_needs_login_and_post(client, resident, mailoutbox):
    response = client.post(reverse("resend_confirmation"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

    client.force_login(resident)
    response = client.get(reverse("resend_confirmation"))
    assert response.status_code == 302
    assert response.url == reverse("account")
    assert mailoutbox == []


# Login -------------------------------------------------------------------------------------------


def test_login_by_email_ignores_case(client, resident):
    response = client.post(reverse("login"), {"username": "  AMINA.Resident@Example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert logged_in_user_id(client) == str(resident.pk)


def test_wrong_password_gives_a_french_message(client, resident):
    response = client.post(reverse("login"), {"username": resident.email, "password": "pas-le-bon-mot-de-passe"})

    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_login_page_links_to_signup_keeping_next(client, db):
    html = client.get(reverse("login") + "?next=/compte/").content.decode()
    assert f'href="{reverse("signup")}?next=/compte/"' in html


# Password reset and change -----------------------------------------------------------------------


def test_password_reset_email_and_confirm_page(client, resident, mailoutbox, settings):
    response = client.post(reverse("password_reset"), {"email": "Amina.RESIDENT@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "Regardez vos e-mails" in client.get(response.url).content.decode()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["amina.resident@example.org"]
    assert message.subject == f"{settings.PORTAL_NAME} : choisir un nouveau mot de passe"
    assert settings.PORTAL_NAME in message.body
    path = link_in(message)

    response = client.get(path, follow=True)
    html = response.content.decode()
    assert "Choisir un nouveau mot de passe" in html
    assert html.count('autocomplete="new-password"') == 2
    set_password_url = response.redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Mot de passe enregistré" in response.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(STRONG_PASSWORD)

    # The link is spent.
    assert "Ce lien ne fonctionne plus" in client.get(path, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "personne@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_change(client, resident):
    client.force_login(resident)
    assert "Changer mon mot de passe" in client.get(reverse("password_change")).content.decode()

    response = client.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Mot de passe changé" in response.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(STRONG_PASSWORD)


def test_password_change_refuses_anonymous(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Mon compte --------------------------------------------------------------------------------------


def test_account_page_refuses_anonymous(client, db):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('account')}"


def test_account_page_shows_unconfirmed_email_with_resend_button(client, resident):
    client.force_login(resident)
    html = client.get(reverse("account")).content.decode()

    assert "amina.resident@example.org" in html
    assert "pas encore confirmée" in html
    assert f'action="{reverse("resend_confirmation")}"' in html
    assert f'href="{reverse("password_change")}"' in html
    assert 'value="Amina"' in html


def test_account_page_shows_confirmed_email(client, resident):
    resident.email_confirmed_at = timezone.make_aware(datetime.datetime(2025, 5, 24, 10, 0))
    resident.save()
    client.force_login(resident)

    html = client.get(reverse("account")).content.decode()

    assert "Adresse confirmée le 24/05/2025" in html
    assert reverse("resend_confirmation") not in html


def test_account_page_edits_name_and_phone(client, resident):
    client.force_login(resident)

    response = client.post(
        reverse("account"), {"first_name": " Aminata ", "last_name": "Habitante", "phone": "+33 6 12 34 56 78"}
    )

    assert response.status_code == 302
    assert response.url == reverse("account")
    resident.refresh_from_db()
    assert (resident.first_name, resident.last_name, resident.phone) == ("Aminata", "Habitante", "+33 6 12 34 56 78")
    assert resident.email == "amina.resident@example.org"


def test_account_page_refuses_invalid_values(client, resident):
    client.force_login(resident)

    response = client.post(reverse("account"), {"first_name": "", "last_name": "Habitante", "phone": "abc"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["first_name"] == ["Ce champ est obligatoire."]
    assert "phone" in form.errors
    resident.refresh_from_db()
    assert resident.first_name == "Amina"


# Navigation --------------------------------------------------------------------------------------


def test_menu_offers_signup_to_visitors_and_account_to_members(client, resident):
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("signup")}"' in html
    assert f'href="{reverse("account")}"' not in html

    client.force_login(resident)
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("account")}"' in html
    assert f'href="{reverse("signup")}"' not in html
