"""The resident's web journey.

In this file: the full journey.
"""

import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from applications.models import Application, Holder
from applications.workflow import Status
from tests import factories as f
from tests.application_views.helpers import assert_shows, budget_data, client_of, pdf_bytes, png_bytes, upload_of
from tests.request_fixtures import NEW_GROUP_HOLDER, detail_url, step_url

# --- The full journey -----------------------------------------------------------------------------


def _answer(client, application, step: str, data: dict, *, then: str) -> None:
    """Posts one step of the request and checks where it leads."""
    response = client.post(step_url(application, step), data)
    assert response.url == step_url(application, then)


def _fill_the_project_to_the_attachments(client, application, world) -> None:
    _answer(
        client,
        application,
        "project",
        {
            "title": "Repair café de l'Hommelet",
            "theme": world.themes[0].pk,
            "objectives": "Réparer ensemble plutôt que jeter.",
            "description": "Un samedi par mois, des bénévoles réparent avec les habitants.",
            "action": "next",
        },
        then="when_where",
    )
    when_where = {"start_date": "2025-06-14", "start_time": "14:00", "end_date": "2025-06-14", "end_time": "18:00"}
    when_where |= {"place": "Salle des fêtes, rue de la Paix", "neighbourhood": world.neighbourhood.pk}
    _answer(client, application, "when_where", {**when_where, "action": "next"}, then="people")
    people = {"expected_public": "Familles du quartier", "expected_women": "30", "expected_men": "20"}
    _answer(client, application, "people", {**people, "residents_mobilised": "6", "action": "next"}, then="budget")

    page = client.get(step_url(application, "budget"))
    content = page.content.decode()
    for text in ("Total des dépenses", "Total des ressources", "Écart", "js/budget.js", "frais de fonctionnement"):
        assert text in content
    budget = budget_data(
        expenses=[("60", "Goûter et boissons", "180,50"), ("61", "Location de tables", "120")],
        resources=[("70", "Buvette", "50,50")],
        amount_requested="250",
    )
    _answer(client, application, "budget", budget, then="attachments")

    page = client.get(step_url(application, "attachments"))
    assert escape("PDF, JPEG ou PNG, 5 Mo maximum") in page.content.decode()
    rib = {"piece-kind": "bank_details", "piece-file": upload_of("rib.pdf", pdf_bytes()), "action": "upload"}
    _answer(client, application, "attachments", rib, then="attachments")
    quote = {"piece-kind": "quote", "piece-file": upload_of("devis.png", png_bytes(), "image/png"), "action": "next"}
    _answer(client, application, "attachments", quote, then="summary")


def _check_the_receipt_the_space_and_a_download(client, application, world) -> None:
    receipt = client.get(reverse("applications:receipt_pdf", kwargs={"pk": application.pk}))
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt["Content-Disposition"].startswith("attachment;")
    assert "PIC-2025-0001" in receipt["Content-Disposition"]
    assert receipt.content.startswith(b"%PDF")

    space = client.get(reverse("portal:my_applications"))
    content = space.content.decode()
    assert "PIC-2025-0001" in content and "Déposée" in content and world.fund.name in content

    attachment = application.attachments.get(kind="quote")
    download = client.get(
        reverse("applications:download_attachment", kwargs={"pk": application.pk, "attachment_pk": attachment.pk})
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    # Images are re-encoded on upload (issue 14, rule 9): the same picture, not the same bytes.
    with Image.open(io.BytesIO(b"".join(download.streaming_content))) as stored:
        assert stored.tobytes() == Image.open(io.BytesIO(png_bytes())).tobytes()


def test_full_journey_from_draft_to_receipt(world, confirmed_resident, django_capture_on_commit_callbacks):
    client = client_of(confirmed_resident)

    space = client.get(reverse("portal:my_applications"))
    assert space.status_code == 200
    assert "Nouvelle demande" in space.content.decode()
    assert world.fund.name in space.content.decode()

    response = client.post(reverse("applications:start_application", args=[world.fund.slug]))
    application = Application.objects.get(created_by=confirmed_resident)
    assert application.status == Status.DRAFT
    assert response.url == step_url(application, "holder")

    page = client.get(step_url(application, "holder"))
    assert "Étape 1 sur 7" in page.content.decode()
    assert 'aria-current="step"' in page.content.decode()

    response = client.post(step_url(application, "holder"), NEW_GROUP_HOLDER)
    assert response.status_code == 302 and response.url == step_url(application, "project")
    holder = Holder.objects.get(owner=confirmed_resident)
    assert holder.name == "Les voisins de la rue de la Paix"

    _fill_the_project_to_the_attachments(client, application, world)

    summary = client.get(step_url(application, "summary"))
    content = summary.content.decode()
    assert "Déposer ma demande" in content
    assert "Repair café" in content and "Avant de déposer" not in content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(application, "summary"), follow=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.reference == "PIC-2025-0001"
    assert response.redirect_chain[-1][0] == detail_url(application)
    assert "PIC-2025-0001" in response.content.decode()
    assert "Télécharger le récépissé (PDF)" in response.content.decode()

    expenses = sorted(application.budget_lines.filter(side="expense").values_list("amount", flat=True))
    assert expenses == [Decimal("120.00"), Decimal("180.50")]
    assert application.amount_requested == Decimal("250.00")
    assert timezone.localtime(application.starts_at).hour == 14
    assert application.attachments.count() == 2
    assert {a.content_type for a in application.attachments.all()} == {"application/pdf", "image/png"}

    _check_the_receipt_the_space_and_a_download(client, application, world)


def test_a_draft_is_left_and_taken_up_on_another_device(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, title="", budget=False)
    phone = client_of(resident)
    response = phone.post(
        step_url(application, "project"),
        {"title": "Jardin partagé", "theme": world.themes[1].pk, "objectives": "", "description": "", "action": "quit"},
    )
    assert response.status_code == 302 and response.url == reverse("portal:my_applications")

    computer = client_of(resident)
    space = computer.get(reverse("portal:my_applications"))
    content = space.content.decode()
    assert "Reprendre ma demande" in content
    assert step_url(application, "when_where") in content  # the step after the last one saved
    page = computer.get(step_url(application, "project"))
    assert 'value="Jardin partagé"' in page.content.decode()


def test_previous_saves_and_goes_back(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    response = client_of(resident).post(
        step_url(application, "people"),
        {
            "expected_public": "Enfants",
            "expected_women": "3",
            "expected_men": "4",
            "residents_mobilised": "2",
            "action": "previous",
        },
    )
    assert response.url == step_url(application, "when_where")
    application.refresh_from_db()
    assert application.expected_public == "Enfants"


def test_choosing_an_existing_holder_and_an_association_needs_the_republican_commitment(world, resident):
    existing = f.HolderFactory(owner=resident, name="Collectif du square")
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=None)
    client = client_of(resident)
    response = client.post(step_url(application, "holder"), {"choice-holder": str(existing.pk), "action": "next"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.holder == existing

    association = {
        "choice-holder": "new",
        "new-kind": "association",
        "new-name": "Association des locataires",
        "new-referent_name": "Amina Habitante",
        "new-rna": "W595012345",
        "new-address": "3 rue de la Paix",
        "new-postcode": "59100",
        "new-city": "Roubaix",
        "action": "next",
    }
    response = client.post(step_url(application, "holder"), association)
    assert_shows(response, "cochez la case pour l'accepter")
    assert not Holder.objects.filter(name="Association des locataires").exists()

    response = client.post(step_url(application, "holder"), {**association, "new-republican_commitment": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.holder.name == "Association des locataires"
    assert application.holder.republican_commitment_accepted_at is not None
