"""Messages between the holder and the association's staff carry a file, both ways; personal data of those files
and of the deferrals (export, purge, orphan files)."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import DeferralRevision, Message
from applications.workflow import Status
from core.models import OutboxMessage
from portal import privacy
from tests import factories as f
from tests.application_views.helpers import pdf_bytes, png_bytes, upload_of
from tests.deferrals.helpers import ASKED, sent_back, text
from tests.request_fixtures import client_of, detail_url

# --- Messages carry a file, both ways -----------------------------------------------------------------------


def _message_file_url(message) -> str:
    return reverse("applications:message_attachment", kwargs={"pk": message.application_id, "message_pk": message.pk})


def test_messages_carry_a_file_both_ways_and_the_email_names_it(
    deferred, resident, staff, django_capture_on_commit_callbacks
):
    post_url = reverse("applications:post_message", kwargs={"pk": deferred.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(resident).post(
            post_url, {"body": "Voici le devis du car.", "attachment": upload_of("devis.pdf", pdf_bytes())}
        )
    assert response.status_code == 302
    from_holder = Message.objects.get(author=resident)
    assert (from_holder.attachment_name, from_holder.attachment_content_type) == ("devis.pdf", "application/pdf")
    assert from_holder.attachment.name.startswith(f"private/applications/{deferred.pk}/messages/")
    assert "devis" not in from_holder.attachment.name  # stored under a random name
    mail = OutboxMessage.objects.get(template="applications/emails/message_to_staff")
    assert "Un fichier est joint à ce message : « devis.pdf »" in mail.body
    assert mail.attachments == [] and mail.attachment_builders == []

    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(
            user=staff,
            application=deferred,
            body="Merci, voici le modèle de budget.",
            uploaded_file=upload_of("photo.png", png_bytes(), "image/png"),
        )
    from_staff = Message.objects.get(author=staff)
    assert from_staff.attachment_content_type == "image/png"
    reply = OutboxMessage.objects.get(template="applications/emails/message_to_holder")
    assert "« photo.png »" in reply.body

    page = text(client_of(resident).get(detail_url(deferred)))
    assert "Télécharger le fichier joint « devis.pdf »" in page
    assert "Télécharger le fichier joint « photo.png »" in page
    for user in (resident, staff):
        response = client_of(user).get(_message_file_url(from_holder))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert 'filename="devis.pdf"' in response["Content-Disposition"]


def test_a_message_file_is_404_for_whoever_may_not_read_the_thread(
    deferred, resident, other_resident, other_staff, outsider
):
    message = services.post_message(
        user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    for user in (other_resident, other_staff, outsider):
        assert client_of(user).get(_message_file_url(message)).status_code == 404
    assert client_of().get(_message_file_url(message)).status_code == 302  # to the login page
    # Another request's id, or a message without a file: 404 too.
    other = f.ApplicationFactory(fund=deferred.fund, created_by=resident, status=Status.SUBMITTED)
    wrong = reverse("applications:message_attachment", kwargs={"pk": other.pk, "message_pk": message.pk})
    assert client_of(resident).get(wrong).status_code == 404
    plain = services.post_message(user=resident, application=deferred, body="Sans fichier")
    assert client_of(resident).get(_message_file_url(plain)).status_code == 404


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"MZ\x90\x00 an executable renamed", "Ce fichier n'est pas un document PDF, JPEG ou PNG"),
        (b"", "Ce fichier est vide"),
    ],
)
def test_an_invalid_message_file_saves_nothing_and_says_how_to_fix_it(deferred, resident, content, expected):
    with pytest.raises(ValidationError) as error:
        services.post_message(
            user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", content)
        )
    assert expected in " ".join(error.value.message_dict["attachment"])
    assert not Message.objects.exists()
    response = client_of(resident).post(
        reverse("applications:post_message", kwargs={"pk": deferred.pk}),
        {"body": "Le devis", "attachment": upload_of("devis.pdf", content)},
    )
    assert response.status_code == 200
    page = text(response)
    assert expected in page or "Le fichier soumis est vide" in page
    assert "choisissez-le à nouveau" in page
    assert not Message.objects.exists()
    assert not default_storage.exists(f"private/applications/{deferred.pk}/messages")


def test_a_too_large_message_file_is_refused(settings, deferred, resident):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    big = pdf_bytes() + b"0" * (2 * 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        services.post_message(user=resident, application=deferred, body="Gros", uploaded_file=upload_of("g.pdf", big))
    assert "le maximum est de 1 Mo" in " ".join(error.value.message_dict["attachment"])
    assert not Message.objects.exists()


def test_a_refused_message_stores_no_file(deferred, resident, monkeypatch):
    """The file is written before the row: if the row cannot be saved, the file is removed again."""
    from applications.services import messages as message_services

    def boom(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(message_services, "send_staff_notice", boom)
    with pytest.raises(RuntimeError):
        services.post_message(
            user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
        )
    assert not Message.objects.exists()
    folder = f"private/applications/{deferred.pk}/messages"
    assert not default_storage.exists(folder) or default_storage.listdir(folder) == ([], [])


# --- Personal data: export, purge, orphan files ----------------------------------------------------------


def test_the_export_lists_the_message_files_and_the_deferrals(deferred, resident):
    services.post_message(
        user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    sent_back(deferred, resident)
    data = privacy.export_user_data(user=resident)
    assert data["messages"][0]["attachment"] == {
        "name": "devis.pdf",
        "content_type": "application/pdf",
        "size": len(pdf_bytes()),
    }
    (request,) = data["applications"]
    assert request["deferrals"][0]["reason"] == ASKED
    assert request["deferrals"][0]["sent_back_at"] is not None


def test_the_purge_erases_message_files_and_deferral_snapshots(
    deferred, resident, staff, django_capture_on_commit_callbacks
):
    message = services.post_message(
        user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    stored = message.attachment.name
    assert default_storage.exists(stored)
    deferred.status = Status.WITHDRAWN
    deferred.save(update_fields=["status"])
    later = timezone.now() + datetime.timedelta(days=10_000)
    with django_capture_on_commit_callbacks(execute=True):
        report = privacy.purge_personal_data(now=later)
    assert report.message_attachments == 1 and report.deferral_revisions == 1
    message.refresh_from_db()
    assert (message.attachment.name, message.attachment_name, message.attachment_size) == ("", "", None)
    assert not default_storage.exists(stored)
    assert not DeferralRevision.objects.filter(application=deferred).exists()
    again = privacy.purge_personal_data(now=later)
    assert again.message_attachments == 0 and again.deferral_revisions == 0


def test_the_orphan_file_finder_knows_the_message_files(settings, deferred, resident):
    message = services.post_message(
        user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    path = settings.MEDIA_ROOT / message.attachment.name
    out = StringIO()
    call_command("find_orphan_files", stdout=out)
    assert str(path) not in out.getvalue()
    Message.objects.filter(pk=message.pk).update(attachment="")
    out = StringIO()
    call_command("find_orphan_files", stdout=out)
    assert str(path) in out.getvalue()


def test_cofunders_read_the_request_but_not_the_files_of_its_messages(world, resident, staff, region_staff):
    from applications import permissions
    from tests import factories as f

    application = f.ApplicationFactory(fund=world.fund, created_by=resident, filed=True)
    assert permissions.can_view_application(region_staff, application)
    assert not permissions.can_read_messages(region_staff, application)
    assert permissions.can_read_messages(resident, application) and permissions.can_read_messages(staff, application)
