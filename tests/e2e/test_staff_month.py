"""Issue 17, « Done when »: a staff member's month, from the desk, in a browser (1280 px).

Staff log in and land on their desk; they file a request on behalf of a resident who came with a paper form (the
holder typed in, the agreement and the signed form), instruct it on its one page (the grid pre-filled, saved in one
click, « recevable »), put it with another eligible request on a session's agenda in bulk from the inbox, hold the
session (convocations, attendance and quorum, votes, one grant and one deferral, closing) and pay the advance. The
project ends, the bilan is late while staff still hold the request: the late list sends them to the request's page
(no e-mail could reach a holder without an account), where they invite the holder, who takes it over on a phone
(375 px); then « Relancer » e-mails the holder; the holder files the bilan (through the services); staff accept it.
Then staff write the annual report's own words and export its PDF and XLSX, and the Région's staff download the
consolidated report of the year (PDF and XLSX).

The journey works on its own fund (co-funded by the Région), committee, session and request, under the demo
association: the demo funds' figures, which other journeys read, stay untouched.
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import (
    VIEWPORTS,
    check_page,
    click_to,
    link_in_last_mail,
    login,
    logout,
    prepare_and_download,
)
from tests.e2e.month_steps import (
    DIFFICULTIES,
    FUND_NAME,
    HIGHLIGHTS,
    HOLDER_EMAIL,
    PERSPECTIVES,
    REGION_EMAIL,
    STAFF_EMAIL,
    SUMMARY,
    TITLE,
    download,
    file_on_behalf,
    hold_the_session,
    instruct,
    pay_the_advance,
    pdf_text,
    prepare,
    put_on_agenda,
)
from tests.factories.applications import MINIMAL_PDF

pytestmark = pytest.mark.e2e


@pytest.fixture
def viewport():
    """Staff work at 1280 px (the holder's take-over switches to 375 px within the journey)."""
    return "desktop"


def holder_takes_over(page, application) -> None:
    """Staff invite the holder to take the request over; the holder does so on a phone (375 px)."""
    from tests.factories import UserFactory
    from tests.factories.accounts import DEFAULT_PASSWORD

    click_to(page, page.get_by_role("button", name="Envoyer l'invitation"), "invitation-envoyee")
    expect(page.locator("main")).to_contain_text(f"L'invitation est envoyée à {HOLDER_EMAIL}")
    link = link_in_last_mail(HOLDER_EMAIL)
    logout(page)

    page.set_viewport_size(VIEWPORTS["mobile"])
    UserFactory(email=HOLDER_EMAIL, first_name="Karim", last_name="Jardin", email_confirmed_at=timezone.now())
    page.goto(link)
    page.locator("#id_username").fill(HOLDER_EMAIL)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    click_to(page, page.get_by_role("button", name="Se connecter"), "reprendre")
    click_to(page, page.get_by_role("button", name="Reprendre la demande avec mon compte"), "reprise")
    application.refresh_from_db()
    assert application.created_by.email == HOLDER_EMAIL and application.taken_over_at is not None
    logout(page)
    page.set_viewport_size(VIEWPORTS["desktop"])


def the_project_ends_a_month_ago(application, session) -> None:
    """The journey cannot wait for the project and its bilan's delay: the session is moved 60 days back and the
    project 45 days back, so that the bilan (due 30 days after the project) is 15 days late today."""
    from applications.models import Application
    from committees.models import CommitteeSession

    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=45), datetime.time(15)))
    CommitteeSession.objects.filter(pk=session.pk).update(date=today - datetime.timedelta(days=60))
    Application.objects.filter(pk=application.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=3))


def late_bilans_of_the_fund(page, fund, step: str) -> None:
    """From the desk, the late bilans, filtered on the fund."""
    click_to(page, page.get_by_role("link", name="Mon bureau"), f"bureau-{step}")
    late = page.locator("#bilans-en-retard")
    click_to(page, late.get_by_role("link", name="Tous les bilans en retard, pour relancer"), step)
    page.get_by_label("Fonds").select_option(fund.slug)
    page.get_by_label("État").select_option("overdue")
    click_to(page, page.get_by_role("button", name="Filtrer"), f"{step}-du-fonds")


def invite_the_holder_from_the_late_list(page, application, fund) -> None:
    """Step 5: the bilan is late while staff still hold the request for its holder, who has no account: an e-mail
    reminder could not reach them, so the row leads to the request's page, where staff invite the holder."""
    late_bilans_of_the_fund(page, fund, "bilans-en-retard")
    row = page.locator(f"#bilan-{application.pk}")
    expect(row.get_by_role("link", name=application.reference, exact=True)).to_be_visible()
    expect(row).to_contain_text("15 jours")
    expect(row).to_contain_text("Suivie par l'équipe pour le porteur (sans compte)")
    expect(row.get_by_role("link", name=HOLDER_EMAIL)).to_be_visible()
    expect(row.get_by_role("button", name=re.compile("Relancer"))).to_have_count(0)
    click_to(
        page,
        row.get_by_role("link", name=re.compile("Appeler le porteur ou l'inviter à reprendre la demande")),
        "demande-bilan-en-retard",
    )
    expect(page.locator("#pour-le-compte").locator("..")).to_contain_text("06 22 33 44 55")


def chase_the_late_bilan(page, application, fund) -> None:
    """Step 5: the holder now has an account: « Relancer » e-mails them, recorded."""
    from django.core import mail

    from reports.models import BilanReminder

    late_bilans_of_the_fund(page, fund, "bilans-en-retard-apres-reprise")
    row = page.locator(f"#bilan-{application.pk}")
    expect(row.get_by_role("link", name=HOLDER_EMAIL)).to_be_visible()
    before = len(mail.outbox)
    click_to(page, row.get_by_role("button", name=re.compile("Relancer")), "bilan-relance")
    expect(
        page.get_by_text(f"Le porteur de la demande {application.reference} est relancé par e-mail.")
    ).to_be_visible()
    assert BilanReminder.objects.filter(application=application, kind="manual").count() == 1
    assert [m.to for m in mail.outbox[before:]] == [[HOLDER_EMAIL]]


def holder_files_the_bilan(application) -> None:
    """The holder's side of the bilan is walked by tests/e2e/test_bilan.py: here it is filed through the services,
    as the holder, with one receipt."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports import services as report_services

    holder = application.created_by
    bilan = report_services.start_bilan(user=holder, application=application)
    report_services.save_bilan(
        user=holder,
        bilan=bilan,
        data={
            "proceedings": "Six bacs plantés en deux samedis, une récolte partagée en septembre.",
            "mobilised_women": 5,
            "mobilised_men": 4,
            "participant_women": 31,
            "participant_men": 22,
            "positive_points": "Des voisins de tous âges se retrouvent au potager.",
            "help_sufficient": True,
            "wants_to_renew": True,
            "dates_confirmed": True,
        },
    )
    report_services.save_bilan_expenses(
        user=holder,
        bilan=bilan,
        lines=[
            {
                "category": line.category,
                "label": line.label,
                "planned_amount": line.planned_amount,
                "actual_amount": 290,
            }
            for line in bilan.expenses.order_by("position")
        ],
    )
    report_services.add_bilan_attachment(
        user=holder,
        bilan=bilan,
        kind="receipt",
        uploaded_file=SimpleUploadedFile("facture-jardinerie.pdf", MINIMAL_PDF, content_type="application/pdf"),
        description="Facture de la jardinerie",
    )
    report_services.submit_bilan(user=holder, bilan=bilan)
    application.refresh_from_db()
    assert application.status == "bilan_received", application.status


def accept_the_bilan(page, application) -> None:
    """Step 5 (end): the bilan to study, from the request's one page; accepted."""
    from reports.models import Bilan

    login(page, STAFF_EMAIL)
    expect(page).to_have_url(re.compile(r"/equipe/bureau/$"))
    check_page(page, "bureau-bilan-a-etudier")
    expect(page.locator("#bilans-a-etudier")).not_to_contain_text("Aucun bilan à étudier.")
    page.goto(f"/equipe/demandes/{application.pk}/")
    check_page(page, "demande-bilan-recu")
    click_to(page, page.get_by_role("link", name="Étudier le bilan reçu"), "bilan-a-etudier")
    click_to(page, page.get_by_role("button", name="Accepter le bilan"), "bilan-accepte")
    expect(page.locator("main")).to_contain_text("Le bilan est accepté et le porteur prévenu.")
    bilan = Bilan.objects.get(application=application)
    assert bilan.status == "accepted" and bilan.reviewed_by.email == STAFF_EMAIL


def write_and_export_the_annual_report(page, fund) -> None:
    """Step 6: the association's words on the report page, then its PDF and XLSX, read back."""
    page.goto("/tableau-de-bord/")
    check_page(page, "mon-espace")
    line = page.locator("main li", has=page.get_by_role("link", name=f"{FUND_NAME} ({fund.year})", exact=True))
    click_to(page, line.get_by_role("link", name=f"rapport annuel {fund.year}"), "rapport-annuel")
    page.get_by_label("Synthèse de l'année").fill(SUMMARY)
    page.get_by_label("Temps forts").fill(HIGHLIGHTS)
    page.get_by_label("Difficultés rencontrées").fill(DIFFICULTIES)
    page.get_by_label("Perspectives", exact=True).fill(PERSPECTIVES)
    click_to(page, page.get_by_role("button", name="Enregistrer les textes du rapport"), "rapport-annuel-textes")
    expect(page.locator("main")).to_contain_text("Les textes du rapport annuel sont enregistrés")
    name, content = prepare_and_download(
        page, page.get_by_role("link", name="Télécharger le rapport (PDF)").first, "rapport-annuel-pdf"
    )
    click_to(page, page.get_by_role("link", name="Retour au rapport annuel"), "rapport-annuel-retour")
    assert name.endswith(".pdf")
    text = pdf_text(content)
    for words in (SUMMARY, HIGHLIGHTS, DIFFICULTIES, PERSPECTIVES):
        assert words.replace("’", "'") in text, words
    assert FUND_NAME.split(" « ")[0] in text
    name, content = download(page, page.get_by_role("link", name="Télécharger les tableaux (XLSX)").first)
    assert name.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(content))["Mot de l'association"].iter_rows(values_only=True))
    for label, words in (
        ("Synthèse de l'année", SUMMARY),
        ("Temps forts", HIGHLIGHTS),
        ("Difficultés rencontrées", DIFFICULTIES),
        ("Perspectives", PERSPECTIVES),
    ):
        assert (label, words) in rows, rows
    logout(page)


def funder_downloads_the_consolidated_report(page, fund) -> None:
    """Step 7: the Région's staff, from their dashboard, the consolidated report of the year: PDF and XLSX."""
    year = fund.year
    login(page, REGION_EMAIL)
    page.goto("/financeurs/")
    check_page(page, "tableau-financeurs")
    click_to(page, page.get_by_role("link", name=re.compile(r"^Rapport consolidé \d{4} de vos fonds")), "consolide")
    if f"/rapport-consolide/{year}/" not in page.url:
        click_to(page, page.get_by_role("link", name=str(year), exact=True), f"consolide-{year}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapport consolidé {year} — Région Hauts-de-France")
    expect(page.get_by_role("rowheader", name=re.compile(re.escape(FUND_NAME)))).to_be_visible()
    name, content = download(page, page.get_by_role("link", name="Télécharger le rapport consolidé (PDF)"))
    assert name.endswith(".pdf")
    text = pdf_text(content)
    assert "Financeur : Région Hauts-de-France" in text and "parcours" in text, text[:500]
    name, content = download(page, page.get_by_role("link", name="Télécharger les tableaux (XLSX)"))
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content))["Fonds"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("Fonds")] == FUND_NAME)
    assert row[header.index("Accordé (€)")] == 250, row
    logout(page)


def test_staff_month(page, viewport, tmp_path):
    from applications.models import Application, Attachment
    from core.models import AuditEntry

    fund, session, other = prepare()

    # 1. Log in: the desk. A request filed for a resident who came with a paper form, and submitted.
    login(page, STAFF_EMAIL)
    expect(page).to_have_url(re.compile(r"/equipe/bureau/$"))
    check_page(page, "bureau")
    expect(page.get_by_role("heading", level=1, name="Mon bureau")).to_be_visible()
    file_on_behalf(page, fund, tmp_path)
    application = Application.objects.get(fund=fund, title=TITLE)
    assert application.status == "submitted" and application.reference, application.status
    assert application.filed_on_behalf_by.email == STAFF_EMAIL
    assert application.attachments.filter(kind=Attachment.Kind.SIGNED_FORM).count() == 1
    assert AuditEntry.objects.filter(action="application.submit_on_behalf", target_id=str(application.pk)).exists()

    # 2-4. Instructed, on the agenda, decided, the advance paid.
    instruct(page, application)
    put_on_agenda(page, application, other, session)
    hold_the_session(page, application, other, session)
    pay_the_advance(page, application)

    # 5. The project ends and the bilan is late while staff still hold the request: they invite the holder, who
    # takes it over on a phone; then « Relancer » e-mails the holder. The holder files the bilan; staff accept it.
    the_project_ends_a_month_ago(application, session)
    invite_the_holder_from_the_late_list(page, application, fund)
    holder_takes_over(page, application)
    login(page, STAFF_EMAIL)
    chase_the_late_bilan(page, application, fund)
    logout(page)
    holder_files_the_bilan(application)
    accept_the_bilan(page, application)

    # 6-7. The annual report's words and exports; the funder's consolidated report.
    write_and_export_the_annual_report(page, fund)
    funder_downloads_the_consolidated_report(page, fund)
