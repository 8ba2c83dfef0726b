"""Resident accounts: login, password reset and password change."""

from django.urls import reverse

from tests.accounts_support import STRONG_PASSWORD, link_in, logged_in_user_id
from tests.factories import DEFAULT_PASSWORD

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
