"""Resident accounts: the "Mon compte" page and the menu (sign-up, confirmation and login: test_accounts_*.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone

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
