"""Rule 9 of issue 14: account hygiene.

The attacker: someone who hammers « Mot de passe oublié » or « Renvoyer l'e-mail de confirmation » to flood
an inbox (or probe which addresses have an account); the next person at a shared computer who opens the
browser's cache or an idle staff session; a resident's phone photo that would publish their GPS position.
"""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from applications.models import Attachment
from tests import factories as f
from tests.bilan_fixtures import jpeg_with_gps
from tests.committee_helpers import client_for

START = datetime.datetime(2025, 5, 24, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- Throttled e-mails ------------------------------------------------------------------------------------


def test_repeated_reset_requests_send_three_mails_and_answer_the_same(resident):
    client = Client()
    answers = [client.post(reverse("password_reset"), {"email": resident.email}) for _ in range(6)]
    assert len(mail.outbox) == 3
    unknown = client.post(reverse("password_reset"), {"email": "personne@example.org"})
    assert {(a.status_code, a.url) for a in answers} == {(unknown.status_code, unknown.url)}


def test_reset_requests_from_one_ip_are_capped(db):
    users = [f.UserFactory(email=f"voisin{n}@example.org") for n in range(12)]
    client = Client(REMOTE_ADDR="203.0.113.7")
    for user in users:
        assert client.post(reverse("password_reset"), {"email": user.email}).status_code == 302
    assert len(mail.outbox) == 10
    # Another visitor is not blocked by this one.
    Client(REMOTE_ADDR="198.51.100.2").post(reverse("password_reset"), {"email": users[-1].email})
    assert len(mail.outbox) == 11


def test_confirmation_mails_are_throttled_per_address(resident):
    client = client_for(resident)
    for _ in range(5):
        response = client.post(reverse("resend_confirmation"), follow=True)
    assert len(mail.outbox) == 3
    assert "Plusieurs e-mails de confirmation ont déjà été envoyés" in response.content.decode()


# --- Private pages -----------------------------------------------------------------------------------------


def test_personal_pages_and_downloads_are_private_and_not_stored(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    attachment = f.AttachmentFactory(application=application, kind=Attachment.Kind.QUOTE)
    client = client_for(resident)
    for url in (
        reverse("account"),
        reverse("applications:application_detail", kwargs={"pk": application.pk}),
        reverse("applications:download_attachment", kwargs={"pk": application.pk, "attachment_pk": attachment.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        header = response["Cache-Control"]
        assert "private" in header and "no-store" in header, (url, header)


# --- Idle sessions -----------------------------------------------------------------------------------------


def test_a_staff_session_ends_after_30_idle_minutes_a_residents_later(world, staff, resident):
    with time_machine.travel(START, tick=False) as traveller:
        staff_client, resident_client = client_for(staff), client_for(resident)
        assert staff_client.get(reverse("staff:inbox")).status_code == 200
        assert resident_client.get(reverse("account")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert staff_client.get(reverse("staff:inbox")).status_code == 200  # activity renews the delay
        traveller.shift(datetime.timedelta(minutes=31))
        response = staff_client.get(reverse("staff:inbox"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert staff_client.get(reverse("account")).status_code == 302  # logged out for good
        assert resident_client.get(reverse("account")).status_code == 200  # residents: 8 hours
        traveller.shift(datetime.timedelta(hours=8, minutes=1))
        assert resident_client.get(reverse("account")).status_code == 302


# --- Request images are re-encoded -------------------------------------------------------------------------


def _upload(client, application, name, content, content_type):
    return client.post(
        reverse("applications:application_step", kwargs={"pk": application.pk, "step": "attachments"}),
        {"piece-kind": "quote", "piece-file": SimpleUploadedFile(name, content, content_type), "action": "upload"},
    )


def test_request_photos_lose_their_metadata(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    client = client_for(resident)
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original
    assert _upload(client, application, "devis.jpg", original, "image/jpeg").status_code == 302
    attachment = application.attachments.get()
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert b"PhoneMaker" not in stored and b"secret comment" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (64, 48) and not image.getexif()
    assert attachment.size == len(stored)


def test_a_decompression_bomb_is_refused_in_french(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    output = io.BytesIO()
    Image.new("1", (8000, 6000)).save(output, format="PNG")  # 48 Mpx, a few kilobytes
    response = _upload(client_for(resident), application, "devis.png", output.getvalue(), "image/png")
    assert response.status_code == 400 or "trop grande" in response.content.decode()
    assert "trop grande" in response.content.decode()
    assert not application.attachments.exists()
