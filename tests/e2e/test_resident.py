"""A resident signs up, files a request step by step, leaves, comes back, sends documents, submits
and downloads the receipt."""

import datetime
import struct
import zlib
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    check_page,
    click_and_wait,
    click_to,
    fill_fields,
    link_in_last_mail,
    logout,
    save_and_continue,
    visit,
)

pytestmark = pytest.mark.e2e

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _sign_up(page, email: str) -> None:
    """Samia signs up, then follows the link of the confirmation e-mail, which also logs her in."""
    from accounts.models import User

    visit(page, "/", "accueil")
    visit(page, "/compte/inscription/", "inscription")
    fill_fields(
        page,
        {
            "#id_first_name": "Samia",
            "#id_last_name": "Benali",
            "#id_email": email,
            "#id_password": "Un-mot-de-passe-solide-2025",
            "#id_password_confirm": "Un-mot-de-passe-solide-2025",
        },
    )
    click_to(page, page.get_by_role("button", name="Créer mon compte"), "verifiez-vos-emails")
    # The link of the confirmation e-mail confirms the address and logs the resident in.
    page.goto(link_in_last_mail(email))
    check_page(page, "compte-cree")
    assert User.objects.get(email=email).email_confirmed_at is not None


def _start_a_request_and_leave(page, fund_name: str) -> None:
    """From the open call: the holder and the project steps, then « Enregistrer et quitter »."""
    visit(page, "/appels-a-projets/", "appels-ouverts")
    click_to(page, page.get_by_role("link", name=f"Faire une demande au fonds {fund_name}"), "nouvelle-demande")
    click_to(page, page.get_by_role("button", name="Commencer ma demande"), "etape-porteur")
    page.get_by_label("Un groupe d'habitants", exact=True).check()
    fill_fields(
        page,
        {
            "#id_new-name": "Les voisines du square",
            "#id_new-referent_name": "Samia Benali",
            "#id_new-co_holders_count": "2",
            "#id_new-co_holders_first_names": "Inès, Paul",
        },
    )
    save_and_continue(page, "etape-projet")
    page.get_by_label("Titre du projet").fill("Goûter partagé du square")
    page.get_by_label("Thématique").select_option(index=1)
    page.get_by_label("Objectifs : à quoi va servir le projet ?").fill("Faire se rencontrer les voisin·es.")
    page.get_by_label("Description : qu'allez-vous faire, avec qui, comment ?").fill(
        "Un goûter ouvert à tout le quartier, préparé par les familles du square."
    )
    # Leave: everything is saved.
    click_to(page, page.get_by_role("button", name="Enregistrer et quitter"), "quitte")
    logout(page)


def _fill_the_date_the_people_and_the_budget(page, today) -> None:
    """The when-where, people and budget steps, up to the attachments step."""
    day = min(today + datetime.timedelta(days=21), datetime.date(today.year, 12, 30))
    fill_fields(
        page,
        {
            "Date de début": day.isoformat(),
            "Heure de début": "15:00",
            "Date de fin": day.isoformat(),
            "Heure de fin": "18:00",
        },
    )
    page.get_by_label("Lieu", exact=True).fill("Square Watteau")
    page.get_by_label("Quartier").select_option(index=1)
    save_and_continue(page, "etape-public")
    fill_fields(
        page,
        {
            "Public attendu : qui va venir ?": "Les familles du square",
            "Nombre de femmes attendues": "20",
            "Nombre d'hommes attendus": "15",
            "Nombre d'habitant·es qui aident à organiser": "4",
        },
    )
    save_and_continue(page, "etape-budget")
    page.locator("#id_expense-0-category").select_option(index=1)
    fill_fields(
        page,
        {
            "#id_expense-0-label": "Boissons et gâteaux",
            "#id_expense-0-amount": "300",
            "Montant demandé au fonds (€)": "250",
        },
    )
    page.locator("#id_resource-0-category").select_option("70")
    page.locator("#id_resource-0-label").fill("Participation des familles")
    page.locator("#id_resource-0-amount").fill("50")
    # The totals are recomputed when the field loses focus: let the layout settle before clicking.
    page.locator("#id_resource-0-amount").blur()
    page.get_by_text("Le budget est équilibré").wait_for()
    save_and_continue(page, "etape-pieces")
    assert "/etape/attachments/" in page.url, page.url


def _fill_the_project_up_to_the_bank_details(
    page, today, rib, *, title: str, objectives: str, description: str
) -> None:
    """The project step, then the date, people and budget steps, then the bank details sent: a request filled in
    from the project step to its documents (the staff journeys, filing for a holder)."""
    page.get_by_label("Titre du projet").fill(title)
    page.get_by_label("Thématique").select_option(index=1)
    page.get_by_label("Objectifs : à quoi va servir le projet ?").fill(objectives)
    page.get_by_label("Description : qu'allez-vous faire, avec qui, comment ?").fill(description)
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    _fill_the_date_the_people_and_the_budget(page, today)
    check_page(page, "etape-pieces")
    page.get_by_label("Type de document").select_option("bank_details")
    page.get_by_label("Fichier").set_input_files(str(rib))
    click_and_wait(page, page.get_by_role("button", name="Envoyer ce document"))


def test_resident_files_a_request(page, viewport, tmp_path):
    from applications.models import Application

    email = f"nouvelle.habitante.{viewport}@example.org"
    today = timezone.localdate()
    fund_name = f"PIC Hommelet {today.year}"

    _sign_up(page, email)

    # The open call, then the first steps.
    _start_a_request_and_leave(page, fund_name)

    # Come back and take up the draft.
    page.goto("/compte/connexion/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill("Un-mot-de-passe-solide-2025")
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))
    visit(page, "/mes-demandes/", "mes-demandes")
    click_to(page, page.get_by_role("link", name="Reprendre ma demande"), "reprise")
    application = Application.objects.get(created_by__email=email)
    assert application.title == "Goûter partagé du square"
    if "/etape/project/" in page.url:
        click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    assert "/etape/when_where/" in page.url, page.url

    _fill_the_date_the_people_and_the_budget(page, today)

    pdf, png = tmp_path / "rib.pdf", tmp_path / "devis.png"
    pdf.write_bytes(MINIMAL_PDF)
    png.write_bytes(tiny_png())
    for kind, path in (("bank_details", pdf), ("quote", png)):
        page.get_by_label("Type de document").select_option(kind)
        page.get_by_label("Fichier").set_input_files(str(path))
        click_to(page, page.get_by_role("button", name="Envoyer ce document"), f"piece-{kind}")
    assert application.attachments.count() == 2
    save_and_continue(page, "recapitulatif")
    click_to(page, page.get_by_role("button", name="Déposer ma demande"), "deposee")
    application.refresh_from_db()
    assert application.status == "submitted", application.status

    if "/demandes/" not in page.url or "/etape/" in page.url:
        page.goto(f"/demandes/{application.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le récépissé (PDF)").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    assert DEMO_PASSWORD  # the demo accounts are untouched by this journey
