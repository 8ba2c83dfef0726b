"""Personal data: the resident's export, closing an account, and the purge after the retention period."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Attachment, Holder, Message, StaffNote, StatusChange
from applications.workflow import Status
from core.models import AuditEntry
from funds.models import AssociationStaff
from portal import privacy
from reports.models import BilanAttachment, BilanReminder
from tests import factories as f
from tests.factories import DEFAULT_PASSWORD

EXPORT_URL = "/compte/mes-donnees.json"
CLOSE_URL = "/compte/fermer/"


def test_urls():
    assert reverse("account_data_export") == EXPORT_URL
    assert reverse("account_close") == CLOSE_URL


# --- Export -------------------------------------------------------------------------------------------


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
    StatusChange.objects.create(
        application=filed, transition="submit", from_status=Status.DRAFT, to_status=Status.SUBMITTED, actor=resident
    )
    StatusChange.objects.create(
        application=filed,
        transition="request_completion",
        from_status=Status.SUBMITTED,
        to_status=Status.COMPLETION_REQUESTED,
        actor=staff,
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


# --- Closing an account -------------------------------------------------------------------------------


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


def _figures(fund):
    from reports.annual import annual_report

    report = annual_report(fund=fund)
    return {
        "granted": report.money.granted,
        "paid": report.money.paid,
        "by_theme": report.by_theme,
        "by_neighbourhood": report.by_neighbourhood,
        "activity": report.activity,
        "participation": report.participation,
        "effects": report.effects,
        "projects": report.projects,
        "difficulties": report.difficulties,
        "perspectives": report.perspectives,
    }


def _later(days_after_retention: int = 1) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=django_settings.PERSONAL_DATA_RETENTION_DAYS + days_after_retention)


@pytest.fixture
def ended_requests(world, staff):
    """The annual report scenario, with personal data on requests that ended: refused, ineligible, withdrawn,
    and request A closed after its accepted bilan."""
    scenario = f.build_annual_report_scenario(world, staff)
    a, d, fi, h = scenario.a, scenario.d, scenario.f, scenario.h
    a.status = Status.CLOSED
    a.save(update_fields=["status"])
    StatusChange.objects.create(
        application=a, transition="close", from_status=Status.BALANCE_PAID, to_status=Status.CLOSED, actor=staff
    )
    StatusChange.objects.create(
        application=d,
        transition="refuse",
        from_status=Status.ON_AGENDA,
        to_status=Status.REFUSED,
        actor=staff,
        comment="Refusée : le projet vise la famille de la porteuse, Mme Martin.",
    )
    for application in (d, h):
        f.MessageFactory(application=application, author=application.created_by, body="Mon numéro : 06 11 22 33 44")
        f.MessageFactory(application=application, author=staff, body="Nous appelons Mme Martin demain.")
    attachment = f.AttachmentFactory(application=d)
    f.StaffNoteFactory(application=d, author=staff)
    Holder.objects.filter(pk=d.holder_id).update(
        referent_phone="06 11 22 33 44",
        siret=f.make_siret(42),
        rna="W595000123",
        address="3 rue de la Paix",
        postcode="59100",
        city="Roubaix",
    )
    photo = f.BilanPhotoFactory(bilan=a.bilan)
    BilanReminder.objects.create(
        application=a, kind="after_7", due_date=datetime.date(2025, 7, 1), recipient="amina@example.org"
    )
    # F's holder also carries a request still under way: it keeps its identity.
    f.ApplicationFactory(fund=world.fund, created_by=fi.created_by, holder=fi.holder, status=Status.ELIGIBLE)
    return scenario, attachment.file.name, photo.file.name


def test_purge_anonymises_ended_requests_and_keeps_the_annual_figures(
    ended_requests, world, django_capture_on_commit_callbacks
):
    scenario, attachment_path, photo_path = ended_requests
    a, d, fi, h = scenario.a, scenario.d, scenario.f, scenario.h
    before = _figures(world.fund)
    assert before["granted"] == Decimal("2200.00")
    assert before["participation"].participants.total == 129  # bilans A and B (C was returned)

    with django_capture_on_commit_callbacks(execute=True):
        report = privacy.purge_personal_data(now=_later())

    assert _figures(world.fund) == before
    # A, D and H. F had nothing personal but its holder, which its running request still needs.
    assert report.applications == 3

    d.holder.refresh_from_db()
    assert d.holder.name == "Porteur anonymisé"
    assert (d.holder.referent_name, d.holder.referent_phone, d.holder.co_holders_first_names) == ("", "", "")
    assert (d.holder.siret, d.holder.rna, d.holder.address) == ("", "", "")
    assert d.holder.city == "Roubaix"  # a town is not a person
    fi.holder.refresh_from_db()
    assert fi.holder.name.startswith("Collectif des voisins")  # still needed by its running request
    scenario.e.holder.refresh_from_db()
    assert scenario.e.holder.referent_name  # E is still under way: untouched

    assert set(Message.objects.filter(application__in=[d, h]).values_list("body", flat=True)) == {privacy.REMOVED_TEXT}
    assert StatusChange.objects.get(application=d, transition="refuse").comment == privacy.REMOVED_TEXT
    assert set(StaffNote.objects.filter(application=d).values_list("body", flat=True)) == {privacy.REMOVED_TEXT}
    assert not Attachment.objects.filter(application=d).exists()
    assert not default_storage.exists(attachment_path)
    assert not BilanAttachment.objects.filter(bilan=a.bilan).exists()
    assert not default_storage.exists(photo_path)
    assert not BilanReminder.objects.filter(application=a).exists()

    bilan = a.bilan
    bilan.refresh_from_db()
    assert (bilan.proceedings, bilan.helpers, bilan.help_received, bilan.main_objective) == ("", "", "", "")
    assert bilan.difficulties == "L'espace est restreint les jours de pluie."  # quoted by the annual report
    assert bilan.results and bilan.positive_points  # the showcase's
    assert (bilan.participant_women, bilan.participant_men) == (51, 28)
    assert set(bilan.effects.values_list("narrative", flat=True)) == {""}
    assert bilan.effects.count() == 2

    purged = AuditEntry.objects.filter(action="privacy.purged")
    assert {entry.target_id for entry in purged} == {str(a.pk), str(d.pk), str(h.pk)}
    assert all(entry.actor is None for entry in purged)


def test_purge_is_idempotent(ended_requests):
    first = privacy.purge_personal_data(now=_later())
    assert first.total > 0
    audit_count = AuditEntry.objects.count()

    second = privacy.purge_personal_data(now=_later(days_after_retention=30))

    assert (second.applications, second.total) == (0, 0)
    assert AuditEntry.objects.count() == audit_count


def test_purge_spares_requests_ended_within_the_retention_period(ended_requests):
    report = privacy.purge_personal_data(now=_later(days_after_retention=-1))
    assert (report.applications, report.total) == (0, 0)
    scenario = ended_requests[0]
    scenario.d.holder.refresh_from_db()
    assert scenario.d.holder.name != privacy.ANONYMISED_HOLDER_NAME


def _snapshot():
    return {
        "holders": sorted(Holder.objects.values_list("name", "referent_name", "referent_phone", "siret")),
        "messages": sorted(Message.objects.values_list("pk", "body")),
        "comments": sorted(StatusChange.objects.values_list("pk", "comment")),
        "attachments": Attachment.objects.count(),
        "bilan_attachments": BilanAttachment.objects.count(),
        "reminders": BilanReminder.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_dry_run_tells_what_would_change_and_writes_nothing(ended_requests, django_capture_on_commit_callbacks):
    _scenario, attachment_path, photo_path = ended_requests
    before = _snapshot()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        simulated = privacy.purge_personal_data(dry_run=True, now=_later())

    assert simulated.applications == 3
    assert simulated.attachments == 1 and simulated.holders == 3
    assert _snapshot() == before
    assert callbacks == []
    assert default_storage.exists(attachment_path) and default_storage.exists(photo_path)
    real = privacy.purge_personal_data(now=_later())
    assert real == simulated


def test_purge_command_in_french(ended_requests):
    with time_machine.travel(_later(), tick=False):
        out = StringIO()
        call_command("purge_personal_data", "--dry-run", stdout=out)
        assert "Simulation (rien n'est modifié)" in out.getvalue()
        assert "3 demande(s) seraient anonymisées" in out.getvalue()
        assert not AuditEntry.objects.filter(action="privacy.purged").exists()

        out = StringIO()
        call_command("purge_personal_data", stdout=out)
        assert "3 demande(s) anonymisées" in out.getvalue()
        assert "3 porteurs anonymisés" in out.getvalue()

        out = StringIO()
        call_command("purge_personal_data", stdout=out)
        assert "Aucune donnée personnelle à anonymiser." in out.getvalue()
