"""Personal data, the resident's export: one JSON file of everything about them, nothing of anyone else."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment
from applications.workflow import Status
from core.models import AuditEntry
from tests import factories as f
from tests.privacy_helpers import CLOSE_URL, EXPORT_URL


def test_urls():
    assert reverse("account_data_export") == EXPORT_URL
    assert reverse("account_close") == CLOSE_URL


@pytest.fixture
def resident_file(world, resident, other_resident, staff):
    """A resident with a filed request (budget, attachment, messages both ways, history) and a granted one."""
    filed = f.ApplicationFactory(
        fund=world.fund,
        created_by=resident,
        holder__name="Les voisins de la rue de la Paix",
        holder__referent_phone="06 12 34 56 78",
        status=Status.SUBMITTED,
        number=42,
        reference="PIC-2025-0042",
        submitted_at=timezone.now(),
    )
    f.AttachmentFactory(application=filed, original_name="devis-boulangerie.pdf", kind=Attachment.Kind.QUOTE)
    f.MessageFactory(application=filed, author=resident, body="Bonjour, le devis est joint.")
    f.MessageFactory(application=filed, author=staff, body="Réponse de l'équipe : merci, c'est complet.")
    f.StaffNoteFactory(application=filed, author=staff, body="Note interne : porteuse déjà aidée en 2023.")
    f.StatusChangeFactory(application=filed)
    f.StatusChangeFactory(
        application=filed,
        transition="request_completion",
        from_status=Status.SUBMITTED,
        actor=staff,
        to_status=Status.COMPLETION_REQUESTED,
        comment="Merci de joindre le RIB.",
    )
    granted = f.GrantedApplicationFactory(fund=world.fund, created_by=resident, title="Goûter du square")
    f.record_grant_for_bilan(application=granted, amount="600", decided_by=staff, committee=world.committee)
    f.PaymentFactory(application=granted, amount=Decimal("480.00"), recorded_by=staff)
    bilan = f.BilanFactory(application=granted)
    f.BilanExpenseFactory(bilan=bilan)
    f.EffectObservationFactory(bilan=bilan, changes=["social_ties.project_life"])
    f.BilanPhotoFactory(bilan=bilan)

    others = f.ApplicationFactory(
        fund=world.fund, created_by=other_resident, holder__name="Collectif de Bruno", status=Status.SUBMITTED
    )
    f.MessageFactory(application=others, author=other_resident, body="Message de Bruno, privé.")
    return filed, granted


def test_export_downloads_a_json_file_of_everything_about_the_resident(client, resident, resident_file):
    filed, granted = resident_file
    client.force_login(resident)

    response = client.get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-portail-pic-')
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert (data["format"], data["version"]) == ("portail-pic/donnees-personnelles", 1)
    assert data["account"]["email"] == "amina.resident@example.org"
    assert (data["account"]["first_name"], data["account"]["last_name"]) == ("Amina", "Habitante")
    assert {holder["name"] for holder in data["holders"]} == {
        "Les voisins de la rue de la Paix",
        granted.holder.name,
    }
    assert "06 12 34 56 78" in {holder["referent_phone"] for holder in data["holders"]}

    by_reference = {application["reference"]: application for application in data["applications"]}
    assert set(by_reference) == {"PIC-2025-0042", granted.reference}
    _check_filed_request_export(by_reference["PIC-2025-0042"])

    _check_granted_request_export(by_reference[granted.reference])

    assert data["messages"] == [
        {
            "application": "PIC-2025-0042",
            "body": "Bonjour, le devis est joint.",
            "created_at": data["messages"][0]["created_at"],
            "attachment": None,
        }
    ]
    assert AuditEntry.objects.filter(action="privacy.data_exported", actor=resident).count() == 1


def _check_filed_request_export(request):
    assert request["fund"] == {"slug": "pic-hommelet-2025", "name": "PIC Hommelet 2025", "year": 2025}
    assert request["amount_requested"] == "250.00"
    assert [(line["side"], line["amount"]) for line in request["budget_lines"]] == [
        ("expense", "300.00"),
        ("resource", "50.00"),
    ]
    assert request["attachments"] == [
        {
            "kind": "quote",
            "original_name": "devis-boulangerie.pdf",
            "content_type": "application/pdf",
            "size": len(f.MINIMAL_PDF),
            "uploaded_at": request["attachments"][0]["uploaded_at"],
        }
    ]
    assert [(change["transition"], change["by_me"], change["comment"]) for change in request["status_changes"]] == [
        ("submit", True, ""),
        ("request_completion", False, "Merci de joindre le RIB."),
    ]
    assert request["bilan"] is None


def _check_granted_request_export(exported):
    bilan = exported["bilan"]
    assert (bilan["participant_women"], bilan["participant_men"]) == (51, 28)
    assert bilan["difficulties"] == "L'espace est restreint les jours de pluie."
    assert bilan["expenses"][0]["actual_amount"] == "280.00"
    assert bilan["effects"] == [
        {
            "effect": "social_ties",
            "publics": ["neighbours"],
            "changes": ["social_ties.project_life"],
            "narrative": "Des voisins qui ne se parlaient pas ont préparé le goûter ensemble.",
        }
    ]
    assert bilan["attachments"][0]["original_name"] == "photo-de-madame-martin.png"
    assert "file" not in bilan["attachments"][0]
    assert exported["decisions"][0]["amount_granted"] == "600.00"
    assert exported["payments"][0]["amount"] == "480.00"


def test_export_holds_nothing_of_anyone_else(client, resident, resident_file, staff, other_resident):
    client.force_login(resident)
    raw = client.get(EXPORT_URL).content.decode()
    for foreign in (
        other_resident.email,
        "Collectif de Bruno",
        "Message de Bruno",
        "Réponse de l'équipe",  # written by staff, not by the resident
        "Note interne",  # staff's private note
        staff.email,
        "Claire",
        "private/applications/",  # storage paths of files
    ):
        assert foreign not in raw, foreign


def test_another_resident_gets_only_their_own_data(client, other_resident, resident_file):
    client.force_login(other_resident)
    data = json.loads(client.get(EXPORT_URL).content)
    assert [application["holder_id"] for application in data["applications"]] == [data["holders"][0]["id"]]
    assert data["holders"][0]["name"] == "Collectif de Bruno"
    assert [message["body"] for message in data["messages"]] == ["Message de Bruno, privé."]


def test_export_lists_the_roles_of_a_staff_member(client, staff):
    client.force_login(staff)
    data = json.loads(client.get(EXPORT_URL).content)
    assert data["roles"]["carrier_associations"] == ["Centre social de l'Hommelet"]
    assert data["applications"] == []


def test_export_needs_to_log_in(client, db):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_account_page_links_to_export_and_closing(client, resident):
    client.force_login(resident)
    html = client.get(reverse("account")).content.decode()
    assert EXPORT_URL in html
    assert CLOSE_URL in html
    assert "Mes données personnelles" in html


def test_the_export_holds_a_committee_seats_postal_address(world, committee_member):
    from committees.models import CommitteeMember
    from portal.privacy.export import export_user_data

    CommitteeMember.objects.filter(user=committee_member).update(postal_address="3 rue des Lilas\n59100 Roubaix")
    seats = export_user_data(user=committee_member)["roles"]["committees"]
    assert seats[0]["postal_address"] == "3 rue des Lilas\n59100 Roubaix"
