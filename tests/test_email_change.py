"""Issue 16: changing one's e-mail address, confirmed by a link sent to the new address."""

import time
import unittest.mock

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import User
from core.models import AuditEntry
from tests.accounts_support import link_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db
NEW = "amina.nouvelle@example.org"


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Post the form; the e-mails queued in the service's transaction leave when it commits."""

    def post(new_email=NEW, password=DEFAULT_PASSWORD):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("email_change"), {"new_email": new_email, "password": password}, follow=True)

    return post


def test_the_account_page_leads_to_the_form(client, resident):
    client.force_login(resident)
    assert reverse("email_change") in client.get(reverse("account")).content.decode()
    assert client.get(reverse("email_change")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("email_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_link_goes_to_the_new_address_and_changes_it_only_when_followed(
    client, resident, mailoutbox, ask, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    page = ask().content.decode()
    assert "un lien de confirmation vient de partir" in page
    [message] = mailoutbox
    assert message.to == [NEW] and "nouvelle adresse" in message.subject
    resident.refresh_from_db()
    assert resident.email == "amina.resident@example.org"  # not yet
    assert AuditEntry.objects.filter(action="account.email_change_requested", target_id=str(resident.pk)).exists()

    link = link_in(message)
    client.logout()  # the link works from another device too
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(link).content.decode()
    assert "Adresse e-mail changée" in page and NEW in page
    resident.refresh_from_db()
    assert resident.email == NEW and resident.email_confirmed_at is not None
    assert AuditEntry.objects.filter(action="account.email_changed", target_id=str(resident.pk)).exists()
    # The old address gets a notice; the new one logs in.
    notice = mailoutbox[-1]
    assert notice.to == ["amina.resident@example.org"] and "a changé" in notice.subject
    assert client.login(username=NEW, password=DEFAULT_PASSWORD)
    # The link works once.
    assert "Ce lien ne fonctionne plus" in client.get(link).content.decode()


def test_an_address_already_used_gets_the_same_answer_and_no_link(client, resident, other_resident, mailoutbox, ask):
    client.force_login(resident)
    used = ask(new_email=other_resident.email.upper()).content.decode()
    fresh_answer = "un lien de confirmation vient de partir"
    assert fresh_answer in used
    [message] = mailoutbox
    assert message.to == [other_resident.email] and "déjà utilisée" in message.subject
    assert reverse("email_change_confirm", kwargs={"token": "x"}).rsplit("/", 2)[0] not in message.body
    resident.refresh_from_db()
    assert resident.email == "amina.resident@example.org"


def test_a_wrong_password_or_the_same_address_is_refused_with_how_to_fix(client, resident, mailoutbox, ask):
    client.force_login(resident)
    page = ask(password="pas-le-bon").content.decode()
    assert "Ce n&#x27;est pas votre mot de passe actuel" in page
    page = ask(new_email="Amina.Resident@example.org").content.decode()
    assert "C&#x27;est déjà votre adresse" in page
    assert mailoutbox == []


def test_the_link_expires_and_refuses_an_address_taken_meanwhile(client, resident, other_resident, settings):
    token = services.email_change_token(user=resident, new_email=NEW)
    User.objects.filter(pk=other_resident.pk).update(email=NEW)
    assert services.confirm_email_change(token=token) is None
    resident.refresh_from_db()
    assert resident.email == "amina.resident@example.org"

    token = services.email_change_token(user=resident, new_email="autre@example.org")
    later = time.time() + settings.PASSWORD_RESET_TIMEOUT + 60
    with unittest.mock.patch("django.core.signing.time.time", return_value=later):
        assert services.confirm_email_change(token=token) is None
    assert services.confirm_email_change(token=token + "x") is None
    page = client.get(reverse("email_change_confirm", kwargs={"token": "abc"})).content.decode()
    assert "Ce lien ne fonctionne plus" in page and reverse("email_change") in page
