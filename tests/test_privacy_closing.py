"""Personal data, closing an account: drafts deleted, filed requests kept, the person anonymised."""

import json

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from applications.models import Application, Holder, Message
from applications.workflow import Status
from core.models import AuditEntry
from funds.models import AssociationStaff
from portal import privacy
from tests import factories as f
from tests.factories import DEFAULT_PASSWORD
from tests.privacy_helpers import CLOSE_URL


@pytest.fixture
def closing(world, resident):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder__name="Brouillon de collectif")
    draft_file = f.AttachmentFactory(application=draft)
    filed = f.ApplicationFactory(
        fund=world.fund,
        created_by=resident,
        holder__name="Collectif déposé",
        status=Status.SUBMITTED,
        reference="PIC-2025-0007",
        number=7,
    )
    f.MessageFactory(application=filed, author=resident)
    orphan = f.HolderFactory(owner=resident, name="Porteur jamais utilisé")
    resident.phone = "06 98 76 54 32"
    resident.save()
    return draft, draft_file.file.name, filed, orphan


def test_close_page_explains_in_french(client, resident):
    client.force_login(resident)
    response = client.get(CLOSE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fermer mon compte" in html
    assert "brouillons" in html
    assert "demandes déjà déposées sont conservées" in html
    assert 'autocomplete="current-password"' in html


def test_wrong_password_changes_nothing(client, resident, closing):
    client.force_login(resident)
    response = client.post(CLOSE_URL, {"password": "pas-le-bon"})
    assert response.status_code == 200
    assert "Mot de passe incorrect" in response.content.decode()
    resident.refresh_from_db()
    assert resident.is_active and resident.email == "amina.resident@example.org"
    assert Application.objects.filter(created_by=resident).count() == 2
    assert not AuditEntry.objects.filter(action="account.closed").exists()


def test_closing_deletes_drafts_keeps_filed_requests_and_anonymises(
    client, resident, closing, django_capture_on_commit_callbacks
):
    draft, draft_path, filed, orphan = closing
    assert default_storage.exists(draft_path)
    client.force_login(resident)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CLOSE_URL, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert "_auth_user_id" not in client.session
    assert "Votre compte est fermé" in client.get(response.url).content.decode()

    resident.refresh_from_db()
    assert str(resident) == "Compte fermé"
    assert resident.email == f"closed-{resident.pk}@invalid"
    assert (resident.first_name, resident.last_name, resident.phone) == ("Compte fermé", "", "")
    assert resident.is_active is False
    assert not resident.has_usable_password()

    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(draft_path)
    assert not Holder.objects.filter(pk__in=[draft.holder_id, orphan.pk]).exists()
    filed.refresh_from_db()
    assert filed.created_by_id == resident.pk
    assert filed.holder.name == "Collectif déposé"  # the filed request stays whole for the funders
    assert Message.objects.filter(application=filed, author=resident).count() == 1

    entry = AuditEntry.objects.get(action="account.closed")
    assert entry.actor == resident
    assert entry.data == {"drafts_deleted": 1, "holders_deleted": 2, "filed_requests_kept": 1, "roles_given_up": 0}
    assert "amina" not in json.dumps(entry.data).lower()

    old_login = client.post(reverse("login"), {"username": "amina.resident@example.org", "password": DEFAULT_PASSWORD})
    assert old_login.status_code == 200
    assert "_auth_user_id" not in client.session


def test_closing_gives_up_roles_on_record(client, staff, world):
    seat = f.CommitteeMemberFactory(committee=world.committee, user=staff, full_name="Claire Porteuse")
    client.force_login(staff)
    response = client.post(CLOSE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert not AssociationStaff.objects.filter(user=staff).exists()
    seat.refresh_from_db()
    assert seat.user is None  # the seat stays in the committee's records, without the account
    removed = AuditEntry.objects.get(action="roles.association_staff_removed")
    assert removed.actor == staff
    assert removed.data["email"] == f"closed-{staff.pk}@invalid"  # not written down again
    unlinked = AuditEntry.objects.get(action="roles.committee_member_account_changed")
    assert (unlinked.data["previous_user"], unlinked.data["user"]) == (staff.pk, None)
    assert AuditEntry.objects.get(action="account.closed").data["roles_given_up"] == 2


def test_the_administrator_cannot_close_their_account_this_way(client, admin_user):
    client.force_login(admin_user)
    response = client.post(CLOSE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "administrateur du site ne peut pas être fermé" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_close_account_service_checks_the_password(resident):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        privacy.close_account(user=resident, password="")
    assert "password" in error.value.message_dict


# --- Purge after the retention period ------------------------------------------------------------------
