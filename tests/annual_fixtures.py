"""Fixtures shared by the annual report's tests: the scenario with known answers, its report, URLs."""

import re

import pytest
from django.urls import reverse

from reports.annual import annual_report
from tests import factories as f


@pytest.fixture(name="scenario")
def scenario_fixture(world, staff):
    return f.build_annual_report_scenario(world, staff)


@pytest.fixture(name="report")
def report_fixture(world, scenario):
    return annual_report(fund=world.fund)


def url(name, fund, year=None):
    return reverse(f"annual:{name}", args=[fund.slug, year or fund.year])


def plain(text: str) -> str:
    """Spaces of every kind (narrow no-break, no-break, new lines) as one plain space."""
    return re.sub(r"[\s\u202f\u00a0]+", " ", text)


def prepare_pdf(client, fund):
    """Ask for the report's PDF as a reader does (the button of its page), build it as the worker does once the
    request's transaction has committed, and download it: the response, and the PDF's bytes."""
    from core import generated_documents
    from core.models import GeneratedDocument
    from reports.documents.annual_pdf import ANNUAL_REPORT

    asked = client.post(url("report_pdf_page", fund))
    assert asked.status_code == 302 and asked["Location"] == url("report_pdf_page", fund)
    document = GeneratedDocument.objects.filter(kind=ANNUAL_REPORT, key=str(fund.pk)).latest("created_at", "id")
    if document.status == GeneratedDocument.Status.PENDING:
        generated_documents.build(document.pk)
    response = client.get(url("report_pdf", fund))
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content)
