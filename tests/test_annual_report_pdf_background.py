"""The annual report's PDF is built in the background and reused until what it shows changes (issue 20).

A fund of thousands of projects makes a PDF of a hundred pages: no web request lays it out. Its page says
where it stands; the download serves the built file, and only while it is up to date.
"""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from core.models import GeneratedDocument
from reports import services
from reports.annual.fingerprint import annual_report_fingerprint
from reports.documents.annual_pdf import ANNUAL_REPORT
from tests import factories as f
from tests.annual_fixtures import plain, prepare_pdf, report_fixture, scenario_fixture, url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return plain(response.content.decode())


def test_the_pdf_is_prepared_then_ready_then_reused(client, world, staff, scenario, django_capture_on_commit_callbacks):
    client.force_login(staff)
    page, pdf = url("report_pdf_page", world.fund), url("report_pdf", world.fund)
    report_page = page_text(client.get(url("report", world.fund)))
    assert page in report_page  # the report page's button leads to the page that prepares the PDF

    first = client.get(pdf)
    assert first.status_code == 302 and first["Location"] == page  # nothing built yet: to the page that builds it
    assert "Préparer le document" in page_text(client.get(page))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(page).status_code == 302
    document = GeneratedDocument.objects.get(kind=ANNUAL_REPORT, key=str(world.fund.pk))
    assert document.status == "pending" and document.requested_by == staff
    pending = page_text(client.get(page))
    assert "Document en préparation…" in pending
    assert client.get(pdf)["Location"] == page  # still being built

    assert len(callbacks) == 1
    callbacks[0]()  # what the worker does once the request's transaction has committed
    document.refresh_from_db()
    assert document.status == "ready" and document.size > 0
    ready = page_text(client.get(page))
    assert "Le document est prêt." in ready and "Télécharger : Rapport annuel 2025 — PIC Hommelet 2025 (PDF)" in ready

    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="rapport-annuel-pic-hommelet-2025-2025.pdf"' in response["Content-Disposition"]
    text = plain(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages))
    assert "Rapport annuel 2025" in text and "17 800,00 €" in text

    # Asked again while nothing changed: the built file is reused, nothing is queued.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(page)
    assert callbacks == []
    assert GeneratedDocument.objects.filter(kind=ANNUAL_REPORT).count() == 1


def test_what_the_report_shows_moves_the_fingerprint(world, staff, scenario):
    fund = world.fund
    seen = {annual_report_fingerprint(fund_id=fund.pk)}

    def moved(what):
        fingerprint = annual_report_fingerprint(fund_id=fund.pk)
        assert fingerprint not in seen, what
        seen.add(fingerprint)

    assert annual_report_fingerprint(fund_id=fund.pk) in seen  # the same data, the same fingerprint
    scenario.e.title = "Jardin partagé des Trois Ponts"
    scenario.e.save()
    moved("a request's title")
    f.PaymentFactory(application=scenario.b, amount=Decimal("80.00"), kind="balance")
    moved("a payment")
    f.AmendmentFactory(decision=scenario.a.agenda_items.get().decision, amount_delta=Decimal("-50.00"))
    moved("an amendment")
    services.save_annual_narrative(
        user=staff, fund=fund, summary="Une année riche.", highlights="", difficulties="", perspectives=""
    )
    moved("the association's texts")
    bilan = scenario.a.bilan
    bilan.participant_women += 1
    bilan.save()
    moved("a bilan's figures")
    fund.name = "PIC Hommelet 2025 (fonds renommé)"
    fund.save()
    moved("the fund's name")


def test_another_funds_activity_leaves_the_pdf_up_to_date(client, world, staff, scenario):
    client.force_login(staff)
    prepare_pdf(client, world.fund)
    other = f.ApplicationFactory(fund=world.other_fund, status="submitted")
    other.title = "Un autre quartier"
    other.save()
    assert client.get(url("report_pdf", world.fund)).status_code == 200  # still the built file


def test_a_failed_build_says_so_and_can_be_asked_again(client, world, staff, scenario, monkeypatch):
    from reports.documents import annual_pdf

    def broken(report):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setattr(annual_pdf, "render_annual_report_pdf", broken)
    client.force_login(staff)
    client.post(url("report_pdf_page", world.fund))
    from core import generated_documents

    document = GeneratedDocument.objects.get(kind=ANNUAL_REPORT)
    generated_documents.build(document.pk)
    failed = page_text(client.get(url("report_pdf_page", world.fund)))
    assert "La préparation du document a échoué." in failed and "RuntimeError" in failed
    assert "Préparer le document" in failed  # never a dead end
    assert client.get(url("report_pdf", world.fund))["Location"] == url("report_pdf_page", world.fund)
