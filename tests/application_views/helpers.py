"""Shared by the tests of this folder (split from one module): constants, helpers and fixtures."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image

from applications import services
from applications.models import Application
from tests import factories as f
from tests.form_helpers import management
from tests.request_fixtures import NOW, client_of, in_march_2025, private_media  # noqa: F401  (re-exported)

STEPS = [step.value for step in Application.Step]


@pytest.fixture
def confirmed_resident(resident):
    resident.email_confirmed_at = NOW
    resident.save(update_fields=["email_confirmed_at"])
    return resident


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PDF")
    return buffer.getvalue()


def png_bytes() -> bytes:
    return f.png_bytes("blue", (20, 20))


def upload_of(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def budget_data(*, expenses, resources=(), amount_requested="", action="next") -> dict:
    """The budget step's POST: lines as (category, label, amount[, grant_source])."""
    data = {"action": action, "amount_requested": amount_requested}
    for prefix, lines in (("expense", expenses), ("resource", resources)):
        data.update(management(prefix, len(lines), max_num=50))
        for index, (category, label, amount, *source) in enumerate(lines):
            data.update(
                {
                    f"{prefix}-{index}-category": category,
                    f"{prefix}-{index}-label": label,
                    f"{prefix}-{index}-amount": amount,
                    f"{prefix}-{index}-grant_source": source[0] if source else "",
                }
            )
    return data


def assert_shows(response, *messages: str) -> None:
    """Status 200, a French page, and every message on it (as HTML-escaped text)."""
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fr">' in content
    for message in messages:
        assert escape(message) in content, message


def filed_application(world, owner, *, with_attachment=True) -> Application:
    """A request filed through the services, with its RIB."""
    owner.email_confirmed_at = NOW
    owner.save(update_fields=["email_confirmed_at"])
    application = f.ApplicationFactory(fund=world.fund, created_by=owner)
    if with_attachment:
        services.add_attachment(
            user=owner, application=application, kind="bank_details", uploaded_file=upload_of("rib.pdf", pdf_bytes())
        )
    services.submit_application(user=owner, application=application, today=NOW.date())
    application.refresh_from_db()
    return application


@pytest.fixture
def draft(world, resident):
    return f.ApplicationFactory(fund=world.fund, created_by=resident, title="Fête des voisins")
