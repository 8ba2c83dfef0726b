"""Issue 16, letters and minutes an association can sign (staff at 1280 px): the association's staff set who signs
the decision letters and the minutes on the committee's settings page (a mistake is explained first), then
download the minutes and a decision letter of the demo's closed session and find the new texts in them."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import check_page, click_and_wait, click_to, login, main_text, visit

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "equipe@hommelet.demo.example.org"


def pdf_words(path: str) -> str:
    reader = PdfReader(io.BytesIO(Path(path).read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(re.sub(r"[\u00a0\u202f]", " ", text).split())


def download_words(page, link_name: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    return pdf_words(download.path())


@pytest.mark.parametrize("viewport", ["desktop"])
def test_staff_set_the_signatory_and_download_letters_and_minutes(page, viewport):
    from committees.models import Committee, CommitteeSession, Decision

    committee = Committee.objects.get(fund__slug="pic-hommelet-2025")
    session = CommitteeSession.objects.get(committee=committee, status="closed")
    refused = Decision.objects.get(item__session=session, outcome="refused")

    login(page, STAFF_EMAIL)
    visit(page, "/comites/", "comites")
    # Two demo funds have a committee of that name: the one of the 2025 PIC fund.
    click_to(page, page.locator(f'main a[href="/comites/{committee.pk}/"]'), "comite")
    click_to(page, page.get_by_role("link", name=re.compile("Modifier les réglages du comité")), "reglages")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réglages du comité")

    # A role without a name: the page says what to do, and nothing is saved.
    page.get_by_label("Nom et prénom de la personne qui signe les courriers").fill("")
    page.get_by_label("Sa fonction").fill("présidente du comité")
    click_to(page, page.get_by_role("button", name="Enregistrer les réglages"), "reglages-erreur")
    expect(page.locator("main")).to_contain_text("Indiquez le nom de la personne qui signe, ou effacez sa fonction.")
    committee.refresh_from_db()
    assert committee.signatory_role == "présidente du comité d'attribution"  # the demo's, unchanged

    page.get_by_label("Nom et prénom de la personne qui signe les courriers").fill("Nadia Parcours")
    page.get_by_label("Président ou présidente du comité").select_option(label="Fatou Diallo")
    page.get_by_label("Nom et prénom du ou de la secrétaire de séance").fill("Sami Secrétaire")
    page.get_by_label("Fonction du ou de la secrétaire de séance").fill("animateur du centre social")
    click_to(page, page.get_by_role("button", name="Enregistrer les réglages"), "comite-apres-reglages")
    text = main_text(page)
    assert "Les réglages du comité sont enregistrés" in text
    assert "Nadia Parcours, présidente du comité" in text and "Sami Secrétaire, animateur du centre social" in text
    committee.refresh_from_db()
    assert (committee.signatory_name, committee.secretary_name) == ("Nadia Parcours", "Sami Secrétaire")

    # The closed session: its minutes and a refusal letter carry the new texts.
    click_and_wait(page, page.get_by_role("link", name=f"{session.date:%d/%m/%Y} à {session.time:%H:%M}"))
    check_page(page, "seance-close")
    minutes = download_words(page, "Télécharger le procès-verbal (PDF)")
    assert "Excusés (1) : Élu·e de quartier." in minutes
    assert "Fait à Roubaix, le" in minutes
    signatures = minutes[minutes.index("Fait à Roubaix") :]
    assert "Fatou Diallo" in signatures and "Sami Secrétaire" in signatures

    reference = refused.item.application.display_reference
    letter = download_words(page, f"Courrier de notification — {reference} (PDF)")
    holder = refused.item.application.holder
    assert f"Bonjour {holder.referent_name}," in letter
    assert "avec le soutien de la Région Hauts-de-France et de la Ville de Roubaix" in letter
    assert "dans un délai de deux mois à compter de la réception de ce courrier" in letter
    assert "Nadia Parcours présidente du comité" in letter
