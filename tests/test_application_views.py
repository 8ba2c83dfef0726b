"""The resident's web journey: holder's space, step-by-step request, request page, documents, messages."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from applications import services
from applications.models import Application, Attachment, BudgetLine, Holder, Message
from applications.workflow import Status
from tests import factories as f

NOW = datetime.datetime(2025, 3, 10, 9, 30, tzinfo=datetime.UTC)
STEPS = [step.value for step in Application.Step]


@pytest.fixture(autouse=True)
def _in_march_2025():
    """The PIC 2025 call is open (1 January to 31 December 2025)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def confirmed_resident(resident):
    resident.email_confirmed_at = NOW
    resident.save(update_fields=["email_confirmed_at"])
    return resident


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _step_url(application, step: str) -> str:
    return reverse("applications:application_step", kwargs={"pk": application.pk, "step": step})


def _detail_url(application) -> str:
    return reverse("applications:application_detail", kwargs={"pk": application.pk})


def _pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PDF")
    return buffer.getvalue()


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def _upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _budget_data(*, expenses, resources=(), amount_requested="", action="next") -> dict:
    """The budget step's POST: lines as (category, label, amount[, grant_source])."""
    data = {"action": action, "amount_requested": amount_requested}
    for prefix, lines in (("expense", expenses), ("resource", resources)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(lines)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "50",
            }
        )
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


def _assert_shows(response, *messages: str) -> None:
    """Status 200, a French page, and every message on it (as HTML-escaped text)."""
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fr">' in content
    for message in messages:
        assert escape(message) in content, message


def _filed_application(world, owner, *, with_attachment=True) -> Application:
    """A request filed through the services, with its RIB."""
    owner.email_confirmed_at = NOW
    owner.save(update_fields=["email_confirmed_at"])
    application = f.ApplicationFactory(fund=world.fund, created_by=owner)
    if with_attachment:
        services.add_attachment(
            user=owner, application=application, kind="bank_details", uploaded_file=_upload("rib.pdf", _pdf_bytes())
        )
    services.submit_application(user=owner, application=application, today=NOW.date())
    application.refresh_from_db()
    return application


# --- The full journey -----------------------------------------------------------------------------


def test_full_journey_from_draft_to_receipt(world, confirmed_resident, django_capture_on_commit_callbacks):
    client = _client(confirmed_resident)

    space = client.get(reverse("portal:my_applications"))
    assert space.status_code == 200
    assert "Nouvelle demande" in space.content.decode()
    assert world.fund.name in space.content.decode()

    response = client.post(reverse("applications:start_application", args=[world.fund.slug]))
    application = Application.objects.get(created_by=confirmed_resident)
    assert application.status == Status.DRAFT
    assert response.url == _step_url(application, "holder")

    page = client.get(_step_url(application, "holder"))
    assert "Étape 1 sur 7" in page.content.decode()
    assert 'aria-current="step"' in page.content.decode()

    response = client.post(
        _step_url(application, "holder"),
        {
            "choice-holder": "new",
            "new-kind": "group",
            "new-name": "Les voisins de la rue de la Paix",
            "new-referent_name": "Amina Habitante",
            "new-co_holders_count": "2",
            "new-co_holders_first_names": "Nadia, Karim",
            "action": "next",
        },
    )
    assert response.status_code == 302 and response.url == _step_url(application, "project")
    holder = Holder.objects.get(owner=confirmed_resident)
    assert holder.name == "Les voisins de la rue de la Paix"

    response = client.post(
        _step_url(application, "project"),
        {
            "title": "Repair café de l'Hommelet",
            "theme": world.themes[0].pk,
            "objectives": "Réparer ensemble plutôt que jeter.",
            "description": "Un samedi par mois, des bénévoles réparent avec les habitants.",
            "action": "next",
        },
    )
    assert response.url == _step_url(application, "when_where")

    response = client.post(
        _step_url(application, "when_where"),
        {
            "start_date": "2025-06-14",
            "start_time": "14:00",
            "end_date": "2025-06-14",
            "end_time": "18:00",
            "place": "Salle des fêtes, rue de la Paix",
            "neighbourhood": world.neighbourhood.pk,
            "action": "next",
        },
    )
    assert response.url == _step_url(application, "people")

    response = client.post(
        _step_url(application, "people"),
        {
            "expected_public": "Familles du quartier",
            "expected_women": "30",
            "expected_men": "20",
            "residents_mobilised": "6",
            "action": "next",
        },
    )
    assert response.url == _step_url(application, "budget")

    page = client.get(_step_url(application, "budget"))
    content = page.content.decode()
    for text in ("Total des dépenses", "Total des ressources", "Écart", "js/budget.js", "frais de fonctionnement"):
        assert text in content
    response = client.post(
        _step_url(application, "budget"),
        _budget_data(
            expenses=[("60", "Goûter et boissons", "180,50"), ("61", "Location de tables", "120")],
            resources=[("70", "Buvette", "50,50")],
            amount_requested="250",
        ),
    )
    assert response.url == _step_url(application, "attachments")

    page = client.get(_step_url(application, "attachments"))
    assert escape("PDF, JPEG ou PNG, 5 Mo maximum") in page.content.decode()
    response = client.post(
        _step_url(application, "attachments"),
        {"piece-kind": "bank_details", "piece-file": _upload("rib.pdf", _pdf_bytes()), "action": "upload"},
    )
    assert response.url == _step_url(application, "attachments")
    response = client.post(
        _step_url(application, "attachments"),
        {"piece-kind": "quote", "piece-file": _upload("devis.png", _png_bytes(), "image/png"), "action": "next"},
    )
    assert response.url == _step_url(application, "summary")

    summary = client.get(_step_url(application, "summary"))
    content = summary.content.decode()
    assert "Déposer ma demande" in content
    assert "Repair café" in content and "Avant de déposer" not in content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_step_url(application, "summary"), follow=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.reference == "PIC-2025-0001"
    assert response.redirect_chain[-1][0] == _detail_url(application)
    assert "PIC-2025-0001" in response.content.decode()
    assert "Télécharger le récépissé (PDF)" in response.content.decode()

    expenses = sorted(application.budget_lines.filter(side="expense").values_list("amount", flat=True))
    assert expenses == [Decimal("120.00"), Decimal("180.50")]
    assert application.amount_requested == Decimal("250.00")
    assert timezone.localtime(application.starts_at).hour == 14
    assert application.attachments.count() == 2
    assert {a.content_type for a in application.attachments.all()} == {"application/pdf", "image/png"}

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
        assert stored.tobytes() == Image.open(io.BytesIO(_png_bytes())).tobytes()


def test_a_draft_is_left_and_taken_up_on_another_device(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, title="", budget=False)
    phone = _client(resident)
    response = phone.post(
        _step_url(application, "project"),
        {"title": "Jardin partagé", "theme": world.themes[1].pk, "objectives": "", "description": "", "action": "quit"},
    )
    assert response.status_code == 302 and response.url == reverse("portal:my_applications")

    computer = _client(resident)
    space = computer.get(reverse("portal:my_applications"))
    content = space.content.decode()
    assert "Reprendre ma demande" in content
    assert _step_url(application, "when_where") in content  # the step after the last one saved
    page = computer.get(_step_url(application, "project"))
    assert 'value="Jardin partagé"' in page.content.decode()


def test_previous_saves_and_goes_back(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    response = _client(resident).post(
        _step_url(application, "people"),
        {
            "expected_public": "Enfants",
            "expected_women": "3",
            "expected_men": "4",
            "residents_mobilised": "2",
            "action": "previous",
        },
    )
    assert response.url == _step_url(application, "when_where")
    application.refresh_from_db()
    assert application.expected_public == "Enfants"


def test_choosing_an_existing_holder_and_an_association_needs_the_republican_commitment(world, resident):
    existing = f.HolderFactory(owner=resident, name="Collectif du square")
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=None)
    client = _client(resident)
    response = client.post(_step_url(application, "holder"), {"choice-holder": str(existing.pk), "action": "next"})
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
    response = client.post(_step_url(application, "holder"), association)
    _assert_shows(response, "cochez la case pour l'accepter")
    assert not Holder.objects.filter(name="Association des locataires").exists()

    response = client.post(_step_url(application, "holder"), {**association, "new-republican_commitment": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.holder.name == "Association des locataires"
    assert application.holder.republican_commitment_accepted_at is not None


# --- Errors are shown, in French, and nothing is saved ----------------------------------------------


@pytest.fixture
def draft(world, resident):
    return f.ApplicationFactory(fund=world.fund, created_by=resident, title="Fête des voisins")


def test_inverted_dates(draft, resident, world):
    before = (draft.starts_at, draft.ends_at)
    response = _client(resident).post(
        _step_url(draft, "when_where"),
        {
            "start_date": "2025-06-14",
            "start_time": "18:00",
            "end_date": "2025-06-14",
            "end_time": "14:00",
            "place": "Square",
            "neighbourhood": world.neighbourhood.pk,
            "action": "next",
        },
    )
    _assert_shows(response, "La fin du projet doit être après son début : vérifiez les dates et les heures.")
    assert "Une information est à corriger" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.starts_at, draft.ends_at) == before


def test_over_long_title(draft, resident, world):
    response = _client(resident).post(
        _step_url(draft, "project"),
        {"title": "x" * 201, "theme": world.themes[0].pk, "objectives": "o", "description": "d", "action": "next"},
    )
    _assert_shows(response, "Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 201).")
    draft.refresh_from_db()
    assert draft.title == "Fête des voisins"


def test_theme_and_neighbourhood_of_another_fund_are_refused(draft, resident, world):
    other_theme = f.ThemeFactory(slug="circuits-courts", name="Circuits courts")
    response = _client(resident).post(
        _step_url(draft, "project"),
        {"title": "Titre", "theme": other_theme.pk, "objectives": "o", "description": "d", "action": "next"},
    )
    _assert_shows(response, "Choisissez une thématique de la liste.")
    assert "Circuits courts" not in response.content.decode()
    response = _client(resident).post(
        _step_url(draft, "when_where"),
        {
            "start_date": "2025-06-14",
            "start_time": "14:00",
            "end_date": "2025-06-14",
            "end_time": "18:00",
            "place": "Square",
            "neighbourhood": world.other_neighbourhood.pk,
            "action": "next",
        },
    )
    _assert_shows(response, "Choisissez un quartier de la liste.")
    theme_before = draft.theme
    draft.refresh_from_db()
    assert draft.theme == theme_before and draft.neighbourhood == world.neighbourhood


def _stored_budget(application):
    application.refresh_from_db()
    lines = sorted(application.budget_lines.values_list("side", "label", "amount"))
    return application.amount_requested, lines


def test_negative_amounts(draft, resident):
    before = _stored_budget(draft)
    response = _client(resident).post(
        _step_url(draft, "budget"),
        _budget_data(expenses=[("60", "Goûter", "-50")], amount_requested="-10"),
    )
    _assert_shows(response, "Le montant doit être supérieur à zéro : écrivez par exemple 120 ou 120,50.")
    assert response.content.decode().count(escape("Le montant doit être supérieur à zéro")) >= 2
    assert _stored_budget(draft) == before


def test_unbalanced_budget(draft, resident):
    before = _stored_budget(draft)
    response = _client(resident).post(
        _step_url(draft, "budget"),
        _budget_data(expenses=[("60", "Goûter", "300")], resources=[("70", "Buvette", "20")], amount_requested="250"),
    )
    _assert_shows(response, "Votre budget n'est pas équilibré", "il manque 30,00\u00a0€ de ressources")
    assert _stored_budget(draft) == before


def test_a_grant_needs_its_funder_and_investment_is_not_eligible(draft, resident):
    before = _stored_budget(draft)
    response = _client(resident).post(
        _step_url(draft, "budget"),
        _budget_data(
            expenses=[("68", "Amortissement", "300")], resources=[("74", "Aide", "50")], amount_requested="250"
        ),
    )
    _assert_shows(response, "Précisez qui verse cette subvention", "ne sont pas éligibles")
    assert _stored_budget(draft) == before


def test_budget_lines_can_be_removed_by_clearing_them(draft, resident):
    response = _client(resident).post(
        _step_url(draft, "budget"),
        _budget_data(
            expenses=[("60", "Goûter", "250"), ("60", "", "")], resources=[("70", "", "")], amount_requested="250"
        ),
    )
    assert response.status_code == 302
    assert _stored_budget(draft) == (Decimal("250.00"), [("expense", "Goûter", Decimal("250.00"))])


def test_a_6_mb_upload_is_refused(draft, resident):
    big = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
    response = _client(resident).post(
        _step_url(draft, "attachments"),
        {"piece-kind": "quote", "piece-file": _upload("devis.pdf", big), "action": "upload"},
    )
    _assert_shows(response, "Ce fichier pèse 6,0 Mo : le maximum est de 5 Mo.")
    assert not Attachment.objects.exists()


def test_an_exe_renamed_pdf_is_refused(draft, resident):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    response = _client(resident).post(
        _step_url(draft, "attachments"),
        {"piece-kind": "quote", "piece-file": _upload("devis.pdf", exe), "action": "next"},
    )
    _assert_shows(response, "Ce fichier n'est pas un document PDF, JPEG ou PNG")
    assert not Attachment.objects.exists()


def test_summary_lists_what_is_missing_with_links(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, title="", budget=False)
    response = _client(resident).get(_step_url(application, "summary"))
    _assert_shows(response, "Avant de déposer", "Donnez un titre à votre projet.")
    content = response.content.decode()
    assert f'href="{_step_url(application, "project")}"' in content
    assert f'href="{_step_url(application, "budget")}"' in content
    assert "Déposer ma demande" not in content


def test_submitting_without_a_confirmed_email_says_how_to_fix(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    services.add_attachment(
        user=resident, application=application, kind="bank_details", uploaded_file=_upload("rib.pdf", _pdf_bytes())
    )
    response = _client(resident).post(_step_url(application, "summary"))
    _assert_shows(response, "Confirmez d'abord votre adresse e-mail")
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.reference == ""


def test_a_filed_request_is_no_longer_editable(world, resident):
    application = _filed_application(world, resident)
    response = _client(resident).get(_step_url(application, "project"))
    assert response.status_code == 302 and response.url == _detail_url(application)


def test_unknown_step_is_404(draft, resident):
    assert _client(resident).get(_step_url(draft, "nope")).status_code == 404


# --- Who sees what --------------------------------------------------------------------------------


def _urls_of(application, attachment) -> list[tuple[str, str]]:
    pk = application.pk
    urls = [("get", _detail_url(application))]
    urls += [("get", _step_url(application, step)) for step in STEPS]
    urls += [("post", _step_url(application, step)) for step in STEPS]
    urls += [
        ("get", reverse("applications:receipt_pdf", kwargs={"pk": pk})),
        ("get", reverse("applications:download_attachment", kwargs={"pk": pk, "attachment_pk": attachment.pk})),
        ("post", reverse("applications:delete_attachment", kwargs={"pk": pk, "attachment_pk": attachment.pk})),
        ("post", reverse("applications:post_message", kwargs={"pk": pk})),
        ("get", reverse("applications:withdraw_application", kwargs={"pk": pk})),
        ("post", reverse("applications:withdraw_application", kwargs={"pk": pk})),
    ]
    return urls


def test_another_resident_gets_404_everywhere(world, resident, other_resident):
    application = _filed_application(world, resident)
    attachment = application.attachments.get()
    client = _client(other_resident)
    for method, url in _urls_of(application, attachment):
        response = getattr(client, method)(url, {"body": "Bonjour", "action": "next"} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    # Also while it is a draft.
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    for step in STEPS:
        assert client.get(_step_url(draft, step)).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and not Message.objects.exists()
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_anonymous_is_sent_to_login(world, resident):
    application = _filed_application(world, resident)
    attachment = application.attachments.get()
    client = _client()
    urls = _urls_of(application, attachment) + [
        ("get", reverse("portal:my_applications")),
        ("post", reverse("applications:start_application", args=[world.fund.slug])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login")), (method, url)
    assert not Application.objects.exclude(pk=application.pk).exists()


def test_association_staff_read_the_request_and_write_to_the_holder(
    world, resident, staff, django_capture_on_commit_callbacks
):
    application = _filed_application(world, resident)
    client = _client(staff)
    page = client.get(_detail_url(application))
    content = page.content.decode()
    assert page.status_code == 200
    assert application.reference in content and "rib.pdf" in content
    assert "Retirer ma demande" not in content and "Modifier" not in content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:post_message", kwargs={"pk": application.pk}),
            {"body": "Pouvez-vous préciser le lieu ?"},
        )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.author == staff
    assert [m.to for m in mail.outbox] == [[resident.email]]
    thread = _client(resident).get(_detail_url(application)).content.decode()
    assert "Pouvez-vous préciser le lieu ?" in thread


def test_the_holder_writes_and_the_association_gets_an_email(
    world, resident, staff, django_capture_on_commit_callbacks
):
    application = _filed_application(world, resident)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(resident).post(
            reverse("applications:post_message", kwargs={"pk": application.pk}),
            {"body": "Le lieu est la salle des fêtes."},
            follow=True,
        )
    _assert_shows(response, "Votre message est envoyé.", "Le lieu est la salle des fêtes.")
    assert len(mail.outbox) == 1
    assert staff.email in mail.outbox[0].to and world.hommelet.contact_email in mail.outbox[0].to
    assert application.reference in mail.outbox[0].subject + mail.outbox[0].body


def test_an_empty_message_is_refused_in_french(world, resident):
    application = _filed_application(world, resident)
    response = _client(resident).post(reverse("applications:post_message", kwargs={"pk": application.pk}), {"body": ""})
    _assert_shows(response, "Écrivez votre message avant de l'envoyer.")
    assert not Message.objects.exists()


def test_staff_of_another_association_are_refused(world, resident, other_staff):
    application = _filed_application(world, resident)
    attachment = application.attachments.get()
    client = _client(other_staff)
    assert client.get(_detail_url(application)).status_code == 404
    assert client.get(reverse("applications:receipt_pdf", kwargs={"pk": application.pk})).status_code == 404
    url = reverse("applications:download_attachment", kwargs={"pk": application.pk, "attachment_pk": attachment.pk})
    assert client.get(url).status_code == 404
    response = client.post(reverse("applications:post_message", kwargs={"pk": application.pk}), {"body": "Bonjour"})
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_cofunder_staff_read_but_never_get_the_bank_details(world, resident, region_staff):
    application = _filed_application(world, resident)
    attachment = application.attachments.get()
    client = _client(region_staff)
    assert client.get(_detail_url(application)).status_code == 200
    url = reverse("applications:download_attachment", kwargs={"pk": application.pk, "attachment_pk": attachment.pk})
    assert client.get(url).status_code == 404


def test_an_attachment_is_only_reached_through_its_own_request(world, resident):
    first = _filed_application(world, resident)
    second = f.ApplicationFactory(fund=world.fund, created_by=resident)
    url = reverse(
        "applications:download_attachment", kwargs={"pk": second.pk, "attachment_pk": first.attachments.get().pk}
    )
    assert _client(resident).get(url).status_code == 404


# --- Withdraw, delete, resubmit -------------------------------------------------------------------


def test_withdraw_with_a_confirmation_page(world, resident, django_capture_on_commit_callbacks):
    application = _filed_application(world, resident)
    client = _client(resident)
    assert "Retirer ma demande" in client.get(_detail_url(application)).content.decode()
    confirmation = client.get(reverse("applications:withdraw_application", kwargs={"pk": application.pk}))
    assert "Oui, retirer ma demande" in confirmation.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:withdraw_application", kwargs={"pk": application.pk}),
            {"comment": "Le projet est reporté."},
            follow=True,
        )
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    _assert_shows(response, "Votre demande est retirée.", "Le projet est reporté.")
    assert "Retirer ma demande" not in response.content.decode().split("</h1>", 1)[1].split("Historique")[0]


def test_delete_an_attachment_of_a_draft(draft, resident):
    attachment = services.add_attachment(
        user=resident, application=draft, kind="quote", uploaded_file=_upload("devis.pdf", _pdf_bytes())
    )
    response = _client(resident).post(
        reverse("applications:delete_attachment", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    )
    assert response.url == _step_url(draft, "attachments")
    assert not Attachment.objects.exists()


def test_resubmit_after_a_completion_request(world, resident, staff, django_capture_on_commit_callbacks):
    application = _filed_application(world, resident)
    services.request_completion(user=staff, application=application, message="Ajoutez le devis de la salle.")
    client = _client(resident)
    page = client.get(_detail_url(application)).content.decode()
    assert "Redéposer" in page and "Ajoutez le devis de la salle." in page
    response = client.post(
        _step_url(application, "attachments"),
        {"piece-kind": "quote", "piece-file": _upload("devis.pdf", _pdf_bytes()), "action": "next"},
    )
    assert response.url == _step_url(application, "summary")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_step_url(application, "summary"), {"comment": "Devis ajouté."})
    assert response.url == _detail_url(application)
    application.refresh_from_db()
    assert application.status == Status.RESUBMITTED
    assert application.attachments.count() == 2


# --- The holder's space, the dashboard and the nav ------------------------------------------------


def test_nav_and_dashboard_lead_to_my_applications(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, title="Fête de la soupe")
    client = _client(resident)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("portal:my_applications") in dashboard
    assert "Fête de la soupe" in dashboard and _detail_url(application) in dashboard
    anonymous = _client().get(reverse("portal:home")).content.decode()
    assert reverse("portal:my_applications") not in anonymous


def test_my_applications_shows_only_mine(world, resident, other_resident):
    f.ApplicationFactory(fund=world.fund, created_by=resident, title="Mon projet")
    f.ApplicationFactory(fund=world.fund, created_by=other_resident, title="Projet du voisin")
    content = _client(resident).get(reverse("portal:my_applications")).content.decode()
    assert "Mon projet" in content and "Projet du voisin" not in content


def test_a_closed_call_cannot_be_started(world, resident):
    world.fund.call_closes_on = datetime.date(2025, 2, 1)
    world.fund.save()
    response = _client(resident).post(reverse("applications:start_application", args=[world.fund.slug]))
    _assert_shows(response, "il est clos")
    assert not Application.objects.exists()


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:my_applications"))
    assert response.status_code == 200
    return len(queries)


def test_my_applications_makes_a_constant_number_of_queries(world, resident):
    client = _client(resident)
    for _ in range(2):
        f.ApplicationFactory(fund=world.fund, created_by=resident)
    with_two = _count_queries(client)
    holder = Holder.objects.filter(owner=resident).first()
    for index in range(18):
        f.ApplicationFactory(
            fund=world.other_fund if index % 2 else world.fund,
            created_by=resident,
            holder=holder,
            status=Status.SUBMITTED if index % 3 else Status.DRAFT,
        )
    assert Application.objects.filter(created_by=resident).count() == 20
    assert _count_queries(client) == with_two
    assert BudgetLine.objects.count() == 40


def test_my_applications_shows_twenty_requests_per_page_newest_first(world, resident):
    for number in range(1, 24):
        f.ApplicationFactory(fund=world.fund, created_by=resident, title=f"Projet numéro {number:02d}")
    client = _client(resident)
    first = client.get(reverse("portal:my_applications")).content.decode()
    assert "Projet numéro 23" in first and "Projet numéro 04" in first
    assert "Projet numéro 03" not in first
    assert "23 demandes, les plus récentes d'abord — page 1 sur 2." in first
    assert 'aria-label="Pages de mes demandes"' in first
    second = client.get(reverse("portal:my_applications"), {"page": "2"}).content.decode()
    assert "Projet numéro 03" in second and "Projet numéro 01" in second
    assert "Projet numéro 04" not in second
    # Any page number a user may type gives a page, never an error.
    assert client.get(reverse("portal:my_applications"), {"page": "abc"}).status_code == 200
    assert "Projet numéro 01" in client.get(reverse("portal:my_applications"), {"page": "99"}).content.decode()


def test_a_date_without_its_time_is_refused(draft, resident, world):
    before = draft.starts_at
    response = _client(resident).post(
        _step_url(draft, "when_where"),
        {
            "start_date": "2025-06-14",
            "start_time": "",
            "end_date": "2025-06-14",
            "end_time": "18:00",
            "place": "Square",
            "neighbourhood": world.neighbourhood.pk,
            "action": "next",
        },
    )
    _assert_shows(response, "Indiquez aussi l'heure, par exemple 14:30.")
    draft.refresh_from_db()
    assert draft.starts_at == before


def test_leaving_an_untouched_budget_saves_nothing_and_refuses_nothing(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, amount_requested=None, budget=False)
    response = _client(resident).post(
        _step_url(application, "budget"),
        _budget_data(expenses=[("60", "", "")], resources=[("70", "", "")], action="quit"),
    )
    assert response.url == reverse("portal:my_applications")
    application.refresh_from_db()
    assert application.amount_requested is None and not application.budget_lines.exists()


def test_without_javascript_more_budget_lines_come_after_saving(draft, resident):
    client = _client(resident)
    page = client.get(_step_url(draft, "budget")).content.decode()
    assert 'name="expense-TOTAL_FORMS" value="3"' in page  # 1 saved line + 2 blank ones
    response = client.post(
        _step_url(draft, "budget"),
        _budget_data(
            expenses=[("60", "Goûter", "200"), ("61", "Location", "100")],
            resources=[("70", "Buvette", "50")],
            amount_requested="250",
            action="stay",
        ),
    )
    assert response.url == _step_url(draft, "budget")
    page = client.get(_step_url(draft, "budget")).content.decode()
    assert 'name="expense-TOTAL_FORMS" value="4"' in page
    assert 'value="Location"' in page


def test_a_cvs_fund_asks_for_one_of_its_ambitions(world, resident):
    from funds.models import CvsAmbition, CvsStake

    stake = CvsStake.objects.create(number=1, title="Cohésion sociale")
    chosen = CvsAmbition.objects.create(stake=stake, position=1, text="Favoriser le lien social")
    CvsAmbition.objects.create(stake=stake, position=2, text="Ambition d'un autre fonds")
    cvs = f.FundFactory(
        association=world.hommelet,
        slug="cvs-2025",
        scheme="cvs",
        themes=world.themes,
        neighbourhoods=[world.neighbourhood],
    )
    cvs.ambitions.set([chosen])
    application = f.ApplicationFactory(fund=cvs, created_by=resident)
    client = _client(resident)
    page = client.get(_step_url(application, "project")).content.decode()
    assert "Favoriser le lien social" in page and "Ambition d&#x27;un autre fonds" not in page
    pic_page = client.get(_step_url(f.ApplicationFactory(fund=world.fund, created_by=resident), "project"))
    assert 'name="ambition"' not in pic_page.content.decode()
    response = client.post(
        _step_url(application, "project"),
        {
            "title": "Atelier",
            "theme": world.themes[0].pk,
            "ambition": chosen.pk,
            "objectives": "o",
            "description": "d",
            "action": "next",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.ambition == chosen
