"""Personal data, the purge after the retention period: ended requests anonymised, annual figures kept."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from applications.models import Attachment, Holder, Message, StaffNote, StatusChange
from applications.workflow import Status
from core.models import AuditEntry
from portal import privacy
from reports.models import BilanAttachment, BilanReminder
from tests import factories as f


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
    f.StatusChangeFactory(
        application=a, transition="close", from_status=Status.BALANCE_PAID, to_status=Status.CLOSED, actor=staff
    )
    f.StatusChangeFactory(
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
