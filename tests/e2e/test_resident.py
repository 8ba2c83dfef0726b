"""A resident signs up, files a request step by step, leaves, comes back, sends documents, submits
and downloads the receipt."""

import datetime
import struct
import zlib
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.conftest import DEMO_PASSWORD, check_page, click_and_wait, link_in_last_mail, logout

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


def test_resident_files_a_request(page, viewport, tmp_path):
    from accounts.models import User
    from applications.models import Application

    email = f"nouvelle.habitante.{viewport}@example.org"
    today = timezone.localdate()
    fund_name = f"PIC Hommelet {today.year}"

    # Sign up.
    page.goto("/")
    check_page(page, "accueil")
    page.goto("/compte/inscription/")
    check_page(page, "inscription")
    page.locator("#id_first_name").fill("Samia")
    page.locator("#id_last_name").fill("Benali")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill("Un-mot-de-passe-solide-2025")
    page.locator("#id_password_confirm").fill("Un-mot-de-passe-solide-2025")
    click_and_wait(page, page.get_by_role("button", name="Créer mon compte"))
    check_page(page, "verifiez-vos-emails")
    # The link of the confirmation e-mail confirms the address and logs the resident in.
    page.goto(link_in_last_mail(email))
    check_page(page, "compte-cree")
    assert User.objects.get(email=email).email_confirmed_at is not None

    # The open call, then the first steps.
    page.goto("/appels-a-projets/")
    check_page(page, "appels-ouverts")
    click_and_wait(page, page.get_by_role("link", name=f"Faire une demande au fonds {fund_name}"))
    check_page(page, "nouvelle-demande")
    click_and_wait(page, page.get_by_role("button", name="Commencer ma demande"))
    check_page(page, "etape-porteur")
    page.get_by_label("Collectif d'habitant·es").check()
    page.locator("#id_new-name").fill("Les voisines du square")
    page.locator("#id_new-referent_name").fill("Samia Benali")
    page.locator("#id_new-co_holders_count").fill("2")
    page.locator("#id_new-co_holders_first_names").fill("Inès, Paul")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    check_page(page, "etape-projet")
    page.get_by_label("Titre du projet").fill("Goûter partagé du square")
    page.get_by_label("Thématique").select_option(index=1)
    page.get_by_label("Objectifs : à quoi va servir le projet ?").fill("Faire se rencontrer les voisin·es.")
    page.get_by_label("Description : que allez-vous faire, avec qui, comment ?").fill(
        "Un goûter ouvert à tout le quartier, préparé par les familles du square."
    )
    # Leave: everything is saved.
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et quitter"))
    check_page(page, "quitte")
    logout(page)

    # Come back and take up the draft.
    page.goto("/compte/connexion/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill("Un-mot-de-passe-solide-2025")
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))
    page.goto("/mes-demandes/")
    check_page(page, "mes-demandes")
    click_and_wait(page, page.get_by_role("link", name="Reprendre ma demande"))
    check_page(page, "reprise")
    application = Application.objects.get(created_by__email=email)
    assert application.title == "Goûter partagé du square"
    if "/etape/project/" in page.url:
        click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    assert "/etape/when_where/" in page.url, page.url

    day = min(today + datetime.timedelta(days=21), datetime.date(today.year, 12, 30))
    page.get_by_label("Date de début").fill(day.isoformat())
    page.get_by_label("Heure de début").fill("15:00")
    page.get_by_label("Date de fin").fill(day.isoformat())
    page.get_by_label("Heure de fin").fill("18:00")
    page.get_by_label("Lieu", exact=True).fill("Square Watteau")
    page.get_by_label("Quartier").select_option(index=1)
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    check_page(page, "etape-public")
    page.get_by_label("Public attendu : qui va venir ?").fill("Les familles du square")
    page.get_by_label("Nombre de femmes attendues").fill("20")
    page.get_by_label("Nombre d'hommes attendus").fill("15")
    page.get_by_label("Nombre d'habitant·es qui aident à organiser").fill("4")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    check_page(page, "etape-budget")
    page.locator("#id_expense-0-category").select_option(index=1)
    page.locator("#id_expense-0-label").fill("Boissons et gâteaux")
    page.locator("#id_expense-0-amount").fill("300")
    page.get_by_label("Montant demandé au fonds (€)").fill("250")
    page.locator("#id_resource-0-category").select_option("70")
    page.locator("#id_resource-0-label").fill("Participation des familles")
    page.locator("#id_resource-0-amount").fill("50")
    # The totals are recomputed when the field loses focus: let the layout settle before clicking.
    page.locator("#id_resource-0-amount").blur()
    page.get_by_text("Le budget est équilibré").wait_for()
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    check_page(page, "etape-pieces")
    assert "/etape/attachments/" in page.url, page.url

    pdf, png = tmp_path / "rib.pdf", tmp_path / "devis.png"
    pdf.write_bytes(MINIMAL_PDF)
    png.write_bytes(tiny_png())
    for kind, path in (("bank_details", pdf), ("quote", png)):
        page.get_by_label("Type de document").select_option(kind)
        page.get_by_label("Fichier").set_input_files(str(path))
        click_and_wait(page, page.get_by_role("button", name="Envoyer ce document"))
        check_page(page, f"piece-{kind}")
    assert application.attachments.count() == 2
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    check_page(page, "recapitulatif")
    click_and_wait(page, page.get_by_role("button", name="Déposer ma demande"))
    check_page(page, "deposee")
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
