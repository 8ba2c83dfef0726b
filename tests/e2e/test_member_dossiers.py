"""Issue 16, committee members (at 1280 px): a member in mandate opens the next session of her committee, reads a
request's dossier (never the RIB) and downloads its quote, gets the session pack (prepared in the background, then
ready) and reads it back; the staff download the printable convocation letters of the members without e-mail.

Runs on the demo's next session of this year's Hommelet fund (devdata/demo/upcoming.py): two requests on its
agenda, Fatou Diallo (comite@demo.example.org) sits on the committee and declared a link with the association
that files the first one (devdata/demo/current.py): its dossier is marked "vous ne prenez pas part au vote".
"""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import check_page, click_and_wait, login, logout, main_text, visit

pytestmark = pytest.mark.e2e

MEMBER_EMAIL = "comite@demo.example.org"
STAFF_EMAIL = "equipe@hommelet.demo.example.org"


@pytest.fixture
def viewport():
    """Members and staff work on a laptop: this journey runs at 1280 px only."""
    return "desktop"


def pdf_text(path) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(re.sub(r"[\u00a0\u202f]", " ", text).split())


def next_session():
    from django.utils import timezone

    from committees.models import CommitteeSession

    return (
        CommitteeSession.objects.filter(
            committee__fund__slug=f"pic-hommelet-{timezone.localdate().year}", status="planned"
        )
        .filter(items__isnull=False)  # the demo's next session with its agenda (the later ones have none yet)
        .distinct()
        .select_related("committee")
        .get()
    )


def test_member_reads_dossiers_and_staff_print_convocations(page, tmp_path):
    session = next_session()
    items = list(session.items.select_related("application").order_by("position"))
    assert len(items) == 2, items
    first = items[0].application
    session_path = f"/comites/seances/{session.pk}/"

    _member_reads_a_dossier(page, session_path, first)
    _member_gets_the_session_pack(page, session, items, tmp_path)
    _staff_print_the_convocations(page, session, session_path, first, tmp_path)


def _member_reads_a_dossier(page, session_path, first) -> None:
    """A member in mandate reads the dossiers (never the RIB) and downloads a quote."""
    login(page, MEMBER_EMAIL)
    visit(page, "/comites/", "comites")
    visit(page, session_path, "seance")
    expect(page.get_by_role("heading", name="Ordre du jour")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Lire le dossier"))).to_have_count(2)
    expect(page.get_by_role("heading", name="Convocations par courrier")).to_have_count(0)  # the staff's

    click_and_wait(page, page.get_by_role("link", name=f"Lire le dossier {first.reference}"))
    check_page(page, "dossier")
    expect(page.get_by_role("heading", level=1)).to_contain_text(first.title)
    # In the demo, Fatou Diallo declared a link with this association: she reads it, marked as not voting.
    expect(page.locator("#deport")).to_contain_text("Vous ne prenez pas part au vote sur cette demande.")
    main = main_text(page)
    assert "Ingrédients et boissons" in main and "Budget prévisionnel" in main
    assert "devis-location-cuisine.pdf" in main and "statuts.pdf" in main
    assert "rib.pdf" not in main and "Relevé d'identité bancaire" not in main

    with page.expect_download() as info:
        page.get_by_role("link", name="devis-location-cuisine.pdf").click()
    assert info.value.suggested_filename == "devis-location-cuisine.pdf"


def _member_gets_the_session_pack(page, session, items, tmp_path) -> None:
    """The session pack: prepared in the background, then ready; downloaded and read back."""
    click_and_wait(page, page.get_by_role("link", name="Retour à l'ordre du jour de la séance"))
    click_and_wait(page, page.get_by_role("link", name="Obtenir le dossier de séance (PDF)"))
    check_page(page, "dossier-de-seance-a-preparer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier de séance")
    click_and_wait(page, page.get_by_role("button", name="Préparer le document"))
    for _attempt in range(20):  # a worker builds it; the page says so until it is ready
        if "Document en préparation" not in main_text(page):
            break
        check_page(page, "dossier-de-seance-en-preparation")
        page.wait_for_timeout(1000)
        click_and_wait(page, page.get_by_role("link", name="Rafraîchir la page"))
    check_page(page, "dossier-de-seance-pret")
    expect(page.locator("#etat-document")).to_contain_text("Le document est prêt.")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger : Dossier de séance (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("dossier-de-seance-") and download.suggested_filename.endswith(".pdf")
    target = tmp_path / "dossier-de-seance.pdf"
    download.save_as(target)
    pages, text = pdf_text(target)
    assert pages >= 3  # the agenda, then one dossier per request
    assert f"Dossier de séance du {session.date:%d/%m/%Y}" in text
    for item in items:
        assert item.application.reference in text and item.application.title in text
    assert "Ingrédients et boissons" in text and "devis-guide.pdf" in text
    assert "rib.pdf" not in text
    logout(page)


def _staff_print_the_convocations(page, session, session_path, first, tmp_path) -> None:
    """The staff print the convocation letters of the members without e-mail."""
    login(page, STAFF_EMAIL)
    visit(page, session_path, "seance-equipe")
    letters = page.locator("section", has=page.get_by_role("heading", name="Convocations par courrier"))
    expect(letters).to_contain_text("Habitante membre n° 2")
    with page.expect_download() as info:
        letters.get_by_role("link", name="Lettres des membres sans e-mail (PDF)").click()
    target = tmp_path / "convocations.pdf"
    info.value.save_as(target)
    without_email = [m for m in session.committee.members.active_on(session.date) if not m.contact_email]
    pages, text = pdf_text(target)
    assert pages == len(without_email) > 1  # one page per member
    assert "Habitante membre n° 2" in text and "18 rue du Moulin" in text
    assert f"{session.date:%d/%m/%Y}" in text and session.time.strftime("%H:%M") in text
    assert first.reference in text
    assert "Fatou Diallo" not in text  # she has an e-mail address: convened by e-mail
