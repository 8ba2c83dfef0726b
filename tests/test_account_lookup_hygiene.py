"""Issue 14, rule 9: sign-up and the committees' member lookup answer the same way whether or not an address
has an account.

The attacker: a visitor probing addresses on « Créer un compte » or « Renvoyer l'e-mail », and a staff member
probing them through the committee member form. Each pair of answers is compared byte for byte, the CSRF
token removed.
"""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from committees.models import CommitteeMember
from tests.accounts_support import link_in, signup_data
from tests.committee_helpers import client_for, page_url

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
KNOWN = "amina.resident@example.org"  # the `resident` persona
UNKNOWN = "personne.inconnue@example.org"


def without_csrf(response) -> str:
    return CSRF_INPUT.sub("", response.content.decode())


def answer(client: Client, url: str, data: dict, capture) -> tuple:
    """What an attacker observes: the status and target of the answer, the page it leads to, the cookies."""
    with capture(execute=True):
        response = client.post(url, data)
    page = client.get(response.url) if response.status_code == 302 else response
    session_user = client.session.get("_auth_user_id")
    return (response.status_code, response.get("Location"), page.status_code, without_csrf(page), session_user)


# --- Sign-up ---------------------------------------------------------------------------------------------


def test_signup_answers_the_same_for_a_known_and_an_unknown_address(resident, django_capture_on_commit_callbacks):
    assert resident.email == KNOWN
    known = answer(Client(), reverse("signup"), signup_data(email=KNOWN), django_capture_on_commit_callbacks)
    unknown = answer(Client(), reverse("signup"), signup_data(email=UNKNOWN), django_capture_on_commit_callbacks)

    assert known == unknown
    assert known[:3] == (302, reverse("signup_done"), 200)
    assert "Vérifiez votre boîte e-mail" in known[3] and known[4] is None
    # Each address received its own e-mail: a warning to the owner, a confirmation link to the new account.
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {KNOWN, UNKNOWN}
    assert "essayer de créer un compte" in by_address[KNOWN].body
    assert "/compte/confirmer/" in by_address[UNKNOWN].body


def test_signup_form_errors_are_the_same_for_a_known_and_an_unknown_address(resident):
    weak = {"password": "1234", "password_confirm": "1234"}
    known = Client().post(reverse("signup"), signup_data(email=KNOWN, **weak))
    unknown = Client().post(reverse("signup"), signup_data(email=UNKNOWN, **weak))
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known).replace(KNOWN, "@") == without_csrf(unknown).replace(UNKNOWN, "@")
    assert "Un compte existe déjà" not in without_csrf(known)


def test_signup_mails_to_an_existing_address_are_throttled(resident, django_capture_on_commit_callbacks):
    client = Client()
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("signup"), signup_data(email=KNOWN), follow=True)
    assert len(mail.outbox) == 3
    assert "pas pu partir pour le moment" in response.content.decode()
    assert client.session.get("_auth_user_id") is None


def test_resend_from_the_check_your_inbox_page_answers_the_same(resident, other_resident, db):
    pending = User.objects.create_user(email="en.attente@example.org", password="x", first_name="Léo")
    other_resident.email_confirmed_at = other_resident.date_joined
    other_resident.save(update_fields=["email_confirmed_at"])
    url = reverse("signup_done")
    pages = set()
    for address in (pending.email, other_resident.email, UNKNOWN):
        client = Client()
        response = client.post(url, {"email": address}, follow=True)
        pages.add((response.redirect_chain[-1], without_csrf(response)))
        assert client.session.get("_auth_user_id") is None
    assert len(pages) == 1
    # Only the account that waits for its confirmation received a link; it confirms and logs in.
    assert [message.to for message in mail.outbox] == [[pending.email]]
    client = Client()
    assert "Adresse e-mail confirmée" in client.get(link_in(mail.outbox[0])).content.decode()
    assert client.session.get("_auth_user_id") == str(pending.pk)


# --- Committee member lookup -------------------------------------------------------------------------------


def member_data(address: str) -> dict:
    return {
        "full_name": "Karim Voisin",
        "college": "resident",
        "organisation": "",
        "mandate_start": "2025-01-01",
        "mandate_end": "",
        "email": "",
        "account_email": address,
    }


def lookup_answer(client, committee, address: str, capture) -> tuple:
    """The staff's view of one lookup: the answer, the committee page after it and the member's edit form."""
    status, location, _page_status, page, _session = answer(
        client, page_url("member_add", committee.pk), member_data(address), capture
    )
    member = CommitteeMember.objects.get(committee=committee, full_name="Karim Voisin")
    edit = without_csrf(client.get(page_url("member_edit", member.pk)))
    pages = [
        text.replace(address.lower(), "@").replace(f"/membres/{member.pk}/", "/membres/N/") for text in (page, edit)
    ]
    return (status, location, *pages), member


def test_member_lookup_answers_the_same_for_a_known_and_an_unknown_address(
    world, staff, resident, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    known, linked = lookup_answer(client, world.committee, KNOWN.upper(), django_capture_on_commit_callbacks)
    assert (linked.user, linked.email) == (resident, KNOWN)
    assert mail.outbox == []  # the account is linked silently
    linked.delete()

    unknown, waiting = lookup_answer(client, world.committee, UNKNOWN, django_capture_on_commit_callbacks)
    assert (waiting.user, waiting.email) == (None, UNKNOWN)
    assert known[:2] == unknown[:2] == (302, page_url("committee_detail", world.committee.pk))
    assert known == unknown
    assert "Aucun compte" not in unknown[2]

    # The person without an account is invited; once they sign up and confirm, the seat is theirs.
    [invitation] = mail.outbox
    assert invitation.to == [UNKNOWN] and world.committee.name in invitation.subject
    assert reverse("signup") in invitation.body
    mail.outbox.clear()
    newcomer = Client()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.post(reverse("signup"), signup_data(email=UNKNOWN))
    newcomer.get(link_in(mail.outbox[0]))
    waiting.refresh_from_db()
    assert waiting.user == User.objects.get(email=UNKNOWN)


def test_editing_an_unlinked_member_does_not_invite_again(world, staff, django_capture_on_commit_callbacks):
    client = client_for(staff)
    _seen, member = lookup_answer(client, world.committee, UNKNOWN, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url("member_edit", member.pk), {**member_data(UNKNOWN), "college": "association"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
