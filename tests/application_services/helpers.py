"""Shared by the tests of this folder (split from one module): constants, helpers and fixtures."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.models import Application
from tests import factories as f

TODAY = datetime.date(2025, 5, 24)
PARIS = datetime.timezone(datetime.timedelta(hours=2))


@pytest.fixture
def confirmed(resident):
    resident.email_confirmed_at = timezone.now()
    resident.save()
    return resident


@pytest.fixture
def draft(world, confirmed):
    """A complete draft of the resident's, with its bank details: ready to be filed."""
    application = f.ApplicationFactory(fund=world.fund, created_by=confirmed)
    f.AttachmentFactory(application=application)
    return application


def snapshot(application: Application) -> tuple:
    application = Application.objects.get(pk=application.pk)
    lines = list(application.budget_lines.values_list("side", "category", "label", "amount"))
    return (
        application.title,
        application.starts_at,
        application.ends_at,
        application.amount_requested,
        application.status,
        application.version,
        lines,
        application.attachments.count(),
    )


def pdf_upload(name="rib.pdf", content=f.MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def submit(user, application):
    return services.submit_application(user=user, application=application, today=TODAY)
