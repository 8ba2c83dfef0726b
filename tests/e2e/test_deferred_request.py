"""A deferred request can move (issue 16): the committee deferred it and asked for a quote; the holder (375 px)
reads what is asked, adds the quote, edits the text and sends it back; the association's staff (1280 px) see
what changed since the deferral; a message with a file goes each way.

The journey builds its own association, fund and request (factories and services); the fund's call is closed,
so it never appears among the open calls the resident journeys use.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.e2e.conftest import VIEWPORTS, check_page, click_and_wait, click_to, login, logout, main_text, visit
from tests.e2e.test_bilan import photo_png
from tests.e2e.test_resident import MINIMAL_PDF

pytestmark = pytest.mark.e2e

PASSWORD = "motdepasse-de-test-2025"
ASKED = "Le comité demande le devis du transport en car avant de décider."


@pytest.fixture(params=["mobile"], ids=["mobile"])
def viewport(request):
    """One run: the resident's pages at 375 px; the journey widens the window to 1280 px for the staff."""
    return request.param


def deferred_request():
    """A carrier association with one staff member, a fund whose call is over, and a holder's request that
    the committee deferred, asking for a quote (as `committees.services.decide` leaves it)."""
    today = timezone.localdate()
    now = timezone.now()
    fund, staff, holder = _association_and_closed_fund(today, now)
    application = _request_on_the_agenda(fund, holder, today, now)
    _defer(application, staff, today)
    return application, holder, staff


def _association_and_closed_fund(today, now):
    """The association, its staff member, the holder and the fund whose call closed 30 days ago."""
    from funds.models import Neighbourhood, Theme
    from tests import factories as f

    association = f.CarrierAssociationFactory(name="Centre social du Fresnoy", slug="centre-social-fresnoy-ajourne")
    staff = f.UserFactory(
        email="equipe@fresnoy.example.org", first_name="Karim", last_name="Équipe", email_confirmed_at=now
    )
    f.AssociationStaffFactory(association=association, user=staff)
    holder = f.UserFactory(
        email="porteuse.ajournee@example.org", first_name="Nadia", last_name="Porteuse", email_confirmed_at=now
    )
    fund = f.FundFactory(
        association=association,
        name=f"PIC du Fresnoy {today.year}",
        slug=f"pic-fresnoy-{today.year}-ajourne",
        year=today.year,
        call_opens_on=datetime.date(today.year, 1, 1),
        call_closes_on=today - datetime.timedelta(days=30),
        themes=list(Theme.objects.filter(is_active=True).order_by("position")[:3]),
        neighbourhoods=list(Neighbourhood.objects.filter(communes__insee_code="59512").order_by("code")[:1]),
    )
    return fund, staff, holder


def _request_on_the_agenda(fund, holder, today, now):
    """The holder's request, filed 40 days ago and on a committee's agenda, with one document."""
    from applications.workflow import Status
    from tests import factories as f

    starts = now + datetime.timedelta(days=10)
    if starts.year != today.year:  # the fund finances projects of its year
        starts = now + datetime.timedelta(hours=2)
    application = f.ApplicationFactory(
        fund=fund,
        created_by=holder,
        status=Status.ON_AGENDA,
        number=1,
        reference=f"PIC-{today.year}-FRES-0001",
        submitted_at=now - datetime.timedelta(days=40),
        title="Sortie à la mer des familles du Fresnoy",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=8),
        amount_requested=Decimal("250.00"),
    )
    f.AttachmentFactory(application=application)
    return application


def _defer(application, staff, today) -> None:
    """The committee's decision two days ago: deferred, a quote asked for."""
    from applications import services
    from applications.models import StatusChange
    from applications.workflow import Status
    from committees.models import Decision
    from tests import factories as f

    f.record_decision(
        application=application,
        outcome=Decision.Outcome.DEFERRED,
        session_date=today - datetime.timedelta(days=2),
        decided_by=staff,
    )
    StatusChange.objects.create(
        application=application,
        transition="defer",
        from_status=Status.ON_AGENDA,
        to_status=Status.DEFERRED,
        actor=staff,
        comment=ASKED,
    )
    application.status = Status.DEFERRED
    application.save(update_fields=["status"])
    services.record_deferral(application=application, reason=ASKED)


def test_holder_completes_a_deferred_request_and_staff_see_the_changes(page, viewport, tmp_path):
    application, holder, staff = deferred_request()
    quote = tmp_path / "devis-transport.pdf"
    quote.write_bytes(MINIMAL_PDF)
    schedule = tmp_path / "horaires-du-car.pdf"
    schedule.write_bytes(MINIMAL_PDF)
    answer = tmp_path / "modele-budget.png"
    answer.write_bytes(photo_png())
    detail = f"/demandes/{application.pk}/"

    _holder_reads_what_is_asked_and_adds_the_quote(page, holder, detail, quote)
    _holder_edits_the_project(page, detail)
    _holder_sends_it_back(page, application, detail)
    _holder_writes_with_the_timetable(page, application, schedule)
    _staff_see_the_changes(page, application, staff)
    _staff_answer_with_a_file(page, detail, answer)
    _holder_downloads_the_answer(page, holder, detail)


def _holder_reads_what_is_asked_and_adds_the_quote(page, holder, detail, quote) -> None:
    """The holder, on her phone, reads what the committee asks, with a button for each thing to do."""
    login(page, holder.email, password=PASSWORD)
    visit(page, detail, "demande-ajournee")
    text = main_text(page)
    assert "Le comité attend un complément de votre part" in text and ASKED in text

    # She adds the quote.
    click_to(page, page.get_by_role("link", name="Ajouter un document"), "ajouter-un-devis")
    page.get_by_label("Type de document").select_option("quote")
    page.get_by_label("Fichier").set_input_files(str(quote))
    click_to(page, page.get_by_role("button", name="Envoyer ce document"), "devis-ajoute")
    assert "Document « devis-transport.pdf » ajouté." in main_text(page)


def _holder_edits_the_project(page, detail) -> None:
    """She edits the description of the project."""
    visit(page, detail, "demande-ajournee-devis")
    click_to(page, page.get_by_role("link", name="Modifier ma demande"), "modifier-le-projet")
    description = page.locator("#id_description")
    description.fill(description.input_value() + " Le car part de la place du Fresnoy à 8 h.")
    click_to(page, page.get_by_role("button", name="Enregistrer et quitter"), "projet-enregistre")


def _holder_sends_it_back(page, application, detail) -> None:
    """She reads her changes, answers the committee and sends the request back."""
    from applications.models import DeferralRevision

    visit(page, detail, "demande-ajournee-modifiee")
    click_to(page, page.get_by_role("link", name="Renvoyer ma demande"), "recapitulatif-renvoi")
    text = main_text(page)
    assert "Modifications depuis l'ajournement" in text
    assert "Document ajouté : Devis — devis-transport.pdf" in text
    page.get_by_label("Votre réponse au comité (facultatif)").fill("Le devis du car est joint.")
    click_to(page, page.get_by_role("button", name="Renvoyer ma demande"), "demande-renvoyee")
    assert "Votre demande est renvoyée" in main_text(page)
    application.refresh_from_db()
    assert application.status == "sent_back"
    revision = DeferralRevision.objects.get(application=application)
    assert [change["field"] for change in revision.changes] == ["description"]


def _holder_writes_with_the_timetable(page, application, schedule) -> None:
    """She writes to the association with the bus timetable attached."""
    from applications.models import Message

    page.get_by_label("Votre message").fill("Voici aussi les horaires du car.")
    page.get_by_label("Joindre un fichier (facultatif)").set_input_files(str(schedule))
    click_to(page, page.get_by_role("button", name="Envoyer le message"), "message-avec-fichier")
    assert "Votre message est envoyé." in main_text(page)
    assert Message.objects.get(application=application).attachment_name == "horaires-du-car.pdf"
    logout(page)


def _staff_see_the_changes(page, application, staff) -> None:
    """The association's staff, on a laptop, see what changed since the deferral."""
    page.set_viewport_size(VIEWPORTS["desktop"])
    login(page, staff.email, password=PASSWORD)
    visit(page, f"/equipe/demandes/{application.pk}/", "instruction-modifications")
    changes = page.locator("#modifications-bloc").inner_text()
    assert "Document ajouté : Devis — devis-transport.pdf" in changes
    assert "Description du projet" in changes and "place du Fresnoy à 8 h" in changes
    assert "Renvoyée par le porteur le" in changes


def _staff_answer_with_a_file(page, detail, answer) -> None:
    """They download the holder's file, and answer with one of their own."""
    visit(page, detail, "fil-des-messages-equipe")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier joint « horaires-du-car.pdf »", exact=False).click()
    assert download.value.suggested_filename == "horaires-du-car.pdf"
    page.get_by_label("Votre message").fill("Merci ! Voici le modèle de budget à suivre la prochaine fois.")
    page.get_by_label("Joindre un fichier (facultatif)").set_input_files(str(answer))
    click_to(page, page.get_by_role("button", name="Envoyer le message"), "reponse-avec-fichier")
    assert "Votre message est envoyé." in main_text(page)
    logout(page)


def _holder_downloads_the_answer(page, holder, detail) -> None:
    """The holder, on her phone again, downloads the association's file."""
    page.set_viewport_size(VIEWPORTS["mobile"])
    login(page, holder.email, password=PASSWORD)
    visit(page, detail, "reponse-recue")
    assert "Votre demande est renvoyée : elle sera présentée à un prochain comité" in main_text(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier joint « modele-budget.png »", exact=False).click()
    assert download.value.suggested_filename == "modele-budget.png"
    click_and_wait(page, page.get_by_role("link", name="Mes demandes").first)
    check_page(page, "mes-demandes-renvoyee")
