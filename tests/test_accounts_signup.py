"""Resident accounts: sign-up (the form, the service, the confirmation e-mail it sends)."""

from smtplib import SMTPException

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import User
from core.models import AuditEntry
from tests.accounts_support import STRONG_PASSWORD, link_in, logged_in_user_id, signup_data

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


def test_signup_creates_the_account_and_its_link_confirms_and_logs_in(client, db, mailoutbox, settings):
    response = client.post(reverse("signup"), signup_data())

    # Issue 14, rule 9: nobody is logged in on the spot, every sign-up lands on "Vérifiez votre boîte e-mail".
    assert response.status_code == 302
    assert response.url == reverse("signup_done")
    user = User.objects.get(email="nadia.nouvelle@example.org")
    assert (user.first_name, user.last_name, user.phone) == ("Nadia", "Nouvelle", "06 12 34 56 78")
    assert user.check_password(STRONG_PASSWORD)
    assert user.email_confirmed_at is None
    assert not services.is_email_confirmed(user)
    assert logged_in_user_id(client) is None
    assert AuditEntry.objects.filter(action="account.created", target_id=str(user.pk), actor=user).count() == 1
    assert "Vérifiez votre boîte e-mail" in client.get(response.url).content.decode()

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
    assert logged_in_user_id(client) == str(user.pk)
    assert AuditEntry.objects.filter(action="account.email_confirmed", target_id=str(user.pk)).count() == 1


def test_signup_follows_a_safe_next_and_ignores_an_external_one(client, db, mailoutbox):
    response = client.post(reverse("signup") + "?next=/appels/", signup_data())
    assert response.url == reverse("signup_done")
    html = client.get(link_in(mailoutbox[0])).content.decode()
    assert 'href="/appels/"' in html

    client.logout()
    response = client.post(
        reverse("signup"), signup_data(email="autre@example.org", next="https://pirate.example/compte/")
    )
    assert response.url == reverse("signup_done")
    html = client.get(link_in(mailoutbox[1])).content.decode()
    assert "pirate.example" not in html
    assert f'href="{reverse("portal:dashboard")}"' in html


def test_logged_in_user_visiting_signup_goes_to_account(client, resident):
    client.force_login(resident)
    response = client.get(reverse("signup"))
    assert response.status_code == 302
    assert response.url == reverse("account")


def test_signup_with_an_existing_email_in_other_case_warns_the_owner(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 14, rule 9: the visitor sees what a new sign-up sees; the owner is told by e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), signup_data(email="AMINA.Resident@Example.ORG"))

    assert response.status_code == 302
    assert response.url == reverse("signup_done")
    assert "Un compte existe déjà" not in client.get(response.url).content.decode()
    assert User.objects.filter(email__iexact="amina.resident@example.org").count() == 1
    assert logged_in_user_id(client) is None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [resident.email]
    assert "essayer de créer un compte" in message.body
    assert f"{reverse('login')}\n" in message.body and f"{reverse('password_reset')}\n" in message.body
    assert AuditEntry.objects.filter(action="account.signup_existing", target_id=str(resident.pk)).count() == 1


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

    assert User.objects.filter(email="nadia.nouvelle@example.org").exists()
    assert response.redirect_chain[-1][0] == reverse("signup_done")
    assert "pas pu partir" in response.content.decode()
