"""The outbox: every e-mail is a row written in the caller's transaction, delivered after commit, retried."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core import emails, outbox
from core.models import AuditEntry, OutboxMessage
from tests import factories as f

State = OutboxMessage.State


def queue(**kwargs) -> OutboxMessage:
    defaults = {"subject": "Objet", "body": "Texte", "to": ["a@example.org"], "topic": "test"}
    return outbox.queue_message(**{**defaults, **kwargs})


class Refusing:
    """An e-mail back-end whose server refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "connexion refusée")


def test_a_rolled_back_change_leaves_no_row_and_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        emails.send_templated(
            name="accounts/emails/confirmation",
            to=["a@example.org"],
            context={"confirm_url": "http://x", "valid_days": 3},
        )
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_written_in_the_transaction_and_delivered_after_commit(db, django_capture_on_commit_callbacks):
    resident = f.UserFactory(email="lea@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        emails.send_templated(
            name="accounts/emails/confirmation",
            to=["lea@example.org"],
            context={"user": resident, "confirm_url": "http://x/confirmer", "valid_days": 3},
            cause="email_confirmation",
            target=resident,
        )
        row = OutboxMessage.objects.get()
        assert row.state == State.PENDING and mail.outbox == []
    assert len(callbacks) == 1 and mail.outbox == []  # nothing left before the commit
    callbacks[0]()
    row.refresh_from_db()
    assert row.state == State.SENT and row.sent_at is not None and row.attempts == 1
    assert (row.topic, row.target_type, row.target_id) == ("email_confirmation", "accounts.user", str(resident.pk))
    assert len(mail.outbox) == 1 and "http://x/confirmer" in mail.outbox[0].body


def test_an_smtp_error_is_recorded_and_retried_with_back_off(db, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.Refusing"
    row = queue()
    row.refresh_from_db()
    assert row.state == State.PENDING and row.attempts == 1
    assert "connexion refusée" in row.last_error
    first_delay = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 55 <= first_delay <= 60
    assert outbox.deliver(row.pk) is None  # not due yet: nothing is tried
    assert [outbox.retry_delay(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.retry_delay(30) == 3600

    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver(row.pk) == 120
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.sweep() == 1
    row.refresh_from_db()
    assert row.state == State.SENT and row.attempts == 3 and len(mail.outbox) == 1


def test_gives_up_after_a_day(db, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.Refusing"
    row = queue()
    OutboxMessage.objects.filter(pk=row.pk).update(
        queued_at=timezone.now() - datetime.timedelta(days=1, minutes=1), next_attempt_at=timezone.now()
    )
    outbox.deliver(row.pk)
    row.refresh_from_db()
    assert row.state == State.FAILED and row.next_attempt_at is None


def test_a_delivery_that_runs_twice_at_once_claims_once(db):
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic():
            row = queue()  # delivery waits for a commit that never comes in this test
        assert outbox.claim(row.pk) is True
        assert outbox.claim(row.pk) is False  # the second delivery finds it taken
        assert outbox.deliver(row.pk) is None
    row.refresh_from_db()
    assert row.state == State.SENDING and mail.outbox == []


def test_the_sweep_puts_a_stuck_row_back_and_sends_it_once(db, settings):
    with transaction.atomic():
        row = queue()
    assert outbox.claim(row.pk)  # a worker took it, then was killed
    assert outbox.sweep() == 0  # not stuck long enough yet
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    assert outbox.sweep() == 1
    assert outbox.deliver(row.pk) is None  # a late copy of the task finds it sent
    row.refresh_from_db()
    assert row.state == State.SENT and len(mail.outbox) == 1


def test_attachments_are_built_by_the_worker(db):
    outbox.register_attachment("tests.hello", lambda name: (f"Bonjour {name}".encode(), "text/plain"))
    queue(
        attachments=[("petit.txt", b"petit", "text/plain")],
        attachment_builders=[{"builder": "tests.hello", "args": {"name": "Léa"}, "filename": "bonjour.txt"}],
    )
    assert mail.outbox[0].attachments == [
        ("petit.txt", "petit", "text/plain"),
        ("bonjour.txt", "Bonjour Léa", "text/plain"),
    ]


def test_resend_a_failed_message_and_a_sent_one(db, admin_user, django_capture_on_commit_callbacks):
    failed = queue()
    OutboxMessage.objects.filter(pk=failed.pk).update(state=State.FAILED, last_error="SMTP")
    with django_capture_on_commit_callbacks(execute=True):
        again = outbox.resend(message=failed, actor=admin_user)
    assert again.pk == failed.pk
    again.refresh_from_db()
    assert again.state == State.SENT and again.last_error == ""

    with django_capture_on_commit_callbacks(execute=True):
        copy = outbox.resend(message=again, actor=admin_user)
    assert copy.pk != again.pk and OutboxMessage.objects.filter(state=State.SENT).count() == 2
    assert len(mail.outbox) == 3
    assert AuditEntry.objects.filter(action="outbox.resent").count() == 2


def test_the_outbox_page_is_for_the_administrator_only(
    client, db, admin_user, staff, resident, django_capture_on_commit_callbacks
):
    queue(to=["x@example.org"])
    failed = queue(to=["y@example.org"])
    OutboxMessage.objects.filter(pk=failed.pk).update(state=State.FAILED, last_error="refus")
    for user in (staff, resident):
        client.force_login(user)
        assert client.get(reverse("portal:outbox")).status_code == 404
        assert client.post(reverse("portal:outbox_resend", args=[failed.pk])).status_code == 404
        assert client.post(reverse("portal:outbox_resend_failures")).status_code == 404
    client.force_login(admin_user)
    page = client.get(reverse("portal:outbox")).content.decode()
    assert "1 e-mail en échec" in page and "échec : refus" in page
    filtered = client.get(reverse("portal:outbox"), {"recipient": "y@exa", "state": "failed"}).content.decode()
    assert "y@example.org" in filtered and "x@example.org" not in filtered
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:outbox_resend_failures"), {"next": reverse("portal:outbox")}, follow=True
        )
    assert "envoi en cours" in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == State.SENT


def test_staff_see_and_resend_the_emails_of_their_request(
    client, world, staff, other_staff, resident, django_capture_on_commit_callbacks
):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, status="submitted", reference="H-1")
    row = queue(to=[resident.email], target=application, subject="Votre demande est déposée")
    OutboxMessage.objects.filter(pk=row.pk).update(state=State.FAILED, last_error="boîte pleine")
    client.force_login(other_staff)
    assert client.post(reverse("portal:outbox_resend", args=[row.pk])).status_code == 404
    client.force_login(staff)
    page = client.get(reverse("staff:application", args=[application.pk])).content.decode()
    assert "Votre demande est déposée" in page and "échec : boîte pleine" in page and "Renvoyer" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:outbox_resend", args=[row.pk]))
    row.refresh_from_db()
    assert row.state == State.SENT
    page = client.get(reverse("staff:application", args=[application.pk])).content.decode()
    assert "envoyé le" in page


def test_password_reset_goes_through_the_outbox(client, resident):
    client.post(reverse("password_reset"), {"email": resident.email})
    row = OutboxMessage.objects.get(topic="password_reset")
    assert row.state == State.SENT and row.recipients == [resident.email]
    assert len(mail.outbox) == 1


def test_periodic_tasks_exist_and_are_created_once(db):
    from django_celery_beat.models import PeriodicTask

    from portal.schedules import SCHEDULES, ensure_periodic_tasks

    ensure_periodic_tasks()
    ensure_periodic_tasks()
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= set(SCHEDULES)
    assert PeriodicTask.objects.filter(name__in=SCHEDULES).count() == len(SCHEDULES)


def test_daily_digest_counts_per_association(world, staff, other_staff, resident):
    from applications.models import Application
    from portal import digest

    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now(), status="submitted")
    assert digest.send_staff_digests() == 1
    assert digest.send_staff_digests() == 0  # twice the same day: once
    message = mail.outbox[0]
    assert message.to == [staff.email]
    assert "1 nouvelle demande déposée depuis hier" in message.body
