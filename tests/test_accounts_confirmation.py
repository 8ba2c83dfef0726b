"""Resident accounts: the e-mail confirmation link and sending it again."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services
from accounts.models import User
from accounts.tokens import email_confirmation_token
from core.models import AuditEntry
from tests.accounts_support import confirmation_link, link_in

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
