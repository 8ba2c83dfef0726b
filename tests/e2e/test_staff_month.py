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
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import VIEWPORTS, check_page, click_and_wait, click_to, link_in_last_mail, login, logout
from tests.e2e.test_resident import _fill_the_date_the_people_and_the_budget
from tests.factories.applications import MINIMAL_PDF

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "equipe@hommelet.demo.example.org"
REGION_EMAIL = "region@demo.example.org"
HOLDER_EMAIL = "habitant.un-mois@example.org"
HOLDER_NAME = "Les jardiniers de la cité Carihem"
TITLE = "Potager partagé de la cité Carihem (parcours du mois)"
FUND_NAME = "Fonds du parcours « un mois »"
SUMMARY = "Un mois au centre social : un potager partagé financé et son bilan reçu."
HIGHLIGHTS = "La première récolte partagée entre voisins."
DIFFICULTIES = "Un bilan remis en retard, relancé par le portail."
PERSPECTIVES = "Un second potager au printemps."
NBSP = "\u00a0"


@pytest.fixture
def viewport():
    """Staff work at 1280 px (the holder's take-over switches to 375 px within the journey)."""
    return "desktop"


def prepare():
    """A fund of the demo association this year, co-funded by the Région, its committee of three resident members,
    a session planned today (requests may be filed up to the day of the session) and another eligible request."""
    from applications.workflow import Status
    from committees.models import CommitteeMember
    from funds.models import CarrierAssociation, Funder
    from tests.factories import (
        ApplicationFactory,
        CommitteeFactory,
        CommitteeMemberFactory,
        CommitteeSessionFactory,
        FundCoFunderFactory,
        FundFactory,
        HolderFactory,
        UserFactory,
    )

    today = timezone.localdate()
    hommelet = CarrierAssociation.objects.get(slug="centre-social-hommelet")
    fund = FundFactory(
        association=hommelet,
        slug="parcours-un-mois",
        name=FUND_NAME,
        year=today.year,
        envelope=Decimal("4000.00"),
        call_opens_on=datetime.date(today.year, 1, 1),
        call_closes_on=datetime.date(today.year, 12, 31),
        max_grant=Decimal("900.00"),
        filing_days_before_committee=0,
        advance_percent=Decimal("80"),
        bilan_due_days=30,
        themes=list(hommelet.funds.get(slug="pic-hommelet-2025").themes.all()[:3]),
        neighbourhoods=list(hommelet.neighbourhoods.order_by("code")[:1]),
    )
    FundCoFunderFactory(fund=fund, funder=Funder.objects.get(name="Région Hauts-de-France"), amount=fund.envelope)
    committee = CommitteeFactory(fund=fund, name="Comité du parcours « un mois »")
    for full_name in ("Amina Mois", "Bernard Mois", "Céline Mois"):
        CommitteeMemberFactory(
            committee=committee, user=None, full_name=full_name, college=CommitteeMember.College.RESIDENT
        )
    session = CommitteeSessionFactory(committee=committee, date=today, time=datetime.time(18, 0))
    # Another eligible request of the fund, filed by a resident three weeks ago: it joins the agenda in the same go.
    resident = UserFactory(email="porteuse.un-mois@example.org", email_confirmed_at=timezone.now())
    other = ApplicationFactory(
        fund=fund,
        created_by=resident,
        holder=HolderFactory(owner=resident, name="Collectif de la rue Carihem"),
        title="Fête de la rue Carihem (parcours du mois)",
        status=Status.ELIGIBLE,
        number=900,
        reference=f"MOIS-{today.year}-0900",
        submitted_at=timezone.now() - datetime.timedelta(days=21),
        budget=False,
    )
    return fund, session, other


def pdf_text(content: bytes) -> str:
    assert content[:5] == b"%PDF-"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"[\s\u202f\u00a0]+", " ", text).replace("’", "'")


def download(page, link) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def file_on_behalf(page, fund, tmp_path) -> None:
    """Step 1: from the desk, a request filed for a holder who came with a paper form, then submitted."""
    today = timezone.localdate()
    signed = tmp_path / "formulaire-papier-signe.pdf"
    signed.write_bytes(MINIMAL_PDF)
    rib = tmp_path / "rib-jardiniers.pdf"
    rib.write_bytes(MINIMAL_PDF)

    click_to(page, page.get_by_role("link", name="Toutes les demandes", exact=True), "demandes")
    click_to(page, page.get_by_role("link", name="Déposer une demande pour un porteur"), "pour-un-porteur")
    page.get_by_label("Fonds").select_option(str(fund.pk))
    page.get_by_label("Adresse e-mail du porteur (facultatif)").fill(HOLDER_EMAIL)
    click_to(page, page.get_by_role("button", name="Créer le brouillon"), "etape-porteur")
    new_holder = page.get_by_role("radio", name="Un nouveau groupe d'habitants ou une nouvelle association")
    if new_holder.count():
        # The holders staff typed in for other residents are offered, never pre-chosen.
        expect(new_holder).to_be_checked()
    page.get_by_label("Un groupe d'habitants", exact=True).check()
    page.locator("#id_new-name").fill(HOLDER_NAME)
    page.locator("#id_new-referent_name").fill("Karim Jardin")
    page.locator("#id_new-referent_phone").fill("06 22 33 44 55")
    page.locator("#id_new-co_holders_count").fill("2")
    page.locator("#id_new-co_holders_first_names").fill("Lina, Marc")
    click_to(page, page.get_by_role("button", name="Enregistrer et continuer"), "etape-projet")
    page.get_by_label("Titre du projet").fill(TITLE)
    page.get_by_label("Thématique").select_option(index=1)
    page.get_by_label("Objectifs : à quoi va servir le projet ?").fill("Cultiver ensemble et se rencontrer.")
    page.get_by_label("Description : qu'allez-vous faire, avec qui, comment ?").fill(
        "Des bacs de culture au pied des immeubles, entretenus par les familles."
    )
    click_and_wait(page, page.get_by_role("button", name="Enregistrer et continuer"))
    _fill_the_date_the_people_and_the_budget(page, today)
    check_page(page, "etape-pieces")
    page.get_by_label("Type de document").select_option("bank_details")
    page.get_by_label("Fichier").set_input_files(str(rib))
    click_and_wait(page, page.get_by_role("button", name="Envoyer ce document"))
    click_to(page, page.get_by_role("button", name="Enregistrer et continuer"), "recapitulatif-sans-accord")
    expect(page.get_by_role("button", name="Déposer ma demande")).to_have_count(0)

    # The holder's agreement: the day the paper form was signed, and its scan.
    click_to(page, page.get_by_role("link", name="Noter l'accord du porteur"), "accord-du-porteur")
    page.get_by_label("Date de signature du formulaire par le porteur").fill(today.isoformat())
    page.get_by_label("Formulaire papier signé (scan ou photo)").set_input_files(str(signed))
    click_to(page, page.get_by_role("button", name="Enregistrer l'accord du porteur"), "recapitulatif")
    click_and_wait(page, page.get_by_role("button", name="Déposer ma demande"))
    check_page(page, "demande-deposee")


def instruct(page, application) -> None:
    """Step 2: the one page, the grid pre-filled and saved in one click, « recevable »."""
    from applications.models import CriterionCheck

    click_to(page, page.get_by_role("link", name="Mon bureau"), "bureau-demande-deposee")
    to_instruct = page.locator("#a-instruire")
    expect(to_instruct).to_contain_text("Demandes à instruire")
    click_to(page, to_instruct.get_by_role("link", name="Toutes les demandes à instruire"), "demandes-a-instruire")
    # References are numbered per fund: the row is found by the request's title.
    row = page.locator("tbody tr", has_text=TITLE)
    click_to(page, row.get_by_role("link", name=application.reference, exact=True), "page-demande")
    expect(page.locator("main")).to_contain_text(f"pour le compte de {HOLDER_NAME}")
    click_to(page, page.get_by_role("button", name="Commencer l'instruction"), "instruction")
    expect(page.locator("#verifications-automatiques")).to_contain_text("Budget équilibré")
    grid = page.locator("section", has=page.locator("#grille"))
    expect(grid).to_contain_text("pré-rempli : à confirmer")
    for radio in grid.get_by_label("Oui, rempli").all():
        radio.check()
    click_to(page, page.get_by_role("button", name="Enregistrer la grille"), "grille-enregistree")
    criteria = application.fund.eligibility_criteria.count()
    assert criteria and CriterionCheck.objects.filter(application=application, met=True).count() == criteria
    click_to(page, page.get_by_role("button", name="Déclarer la demande recevable"), "recevable")
    application.refresh_from_db()
    assert application.status == "eligible", application.status


def put_on_agenda(page, application, other, session) -> None:
    """Step 3: from the inbox, the selection goes on the planned session's agenda in one go."""
    from committees.models import AgendaItem

    click_to(page, page.get_by_role("link", name="Mon bureau"), "bureau-recevable")
    agenda = page.locator("#ordre-du-jour")
    click_to(page, agenda.get_by_role("link", name="Les inscrire depuis la liste des demandes"), "demandes-recevables")
    for request in (application, other):
        row = page.locator("tbody tr", has_text=request.title)
        row.get_by_label(f"Cocher la demande {request.reference}").check()
    page.get_by_label("Séance du comité").select_option(
        label=f"{session.committee.name} — séance du {session.date:%d/%m/%Y}"
    )
    click_to(page, page.get_by_role("button", name="Inscrire à l'ordre du jour"), "inscrite-a-l-ordre-du-jour")
    expect(
        page.get_by_text(f"2 demandes inscrites à l'ordre du jour de la séance du {session.date:%d/%m/%Y}")
    ).to_be_visible()
    on_agenda = AgendaItem.objects.filter(session=session).values_list("application_id", flat=True)
    assert sorted(on_agenda) == sorted([application.pk, other.pk])


def hold_the_session(page, application, other, session) -> None:
    """Step 4: convocations, attendance and quorum, the vote, the decision, the closing."""
    from committees.models import Decision

    click_to(page, page.get_by_role("link", name="Mon bureau"), "bureau-seance-a-preparer")
    to_prepare = page.locator("section", has=page.get_by_role("heading", name=re.compile("Séances à préparer")))
    label = f"{session.committee.name} — séance du {session.date:%d/%m/%Y}"
    click_to(page, to_prepare.get_by_role("link", name=label), "seance")
    click_to(page, page.get_by_role("button", name="Envoyer les convocations"), "convocations")
    click_to(page, page.get_by_role("button", name="Ouvrir la séance"), "seance-ouverte")
    for name in ("Amina Mois", "Bernard Mois", "Céline Mois"):
        page.get_by_label(name).check()
    click_to(page, page.get_by_role("button", name="Enregistrer les présences"), "presences")
    expect(page.locator("#quorum-etat")).to_contain_text("Quorum atteint")

    # Ours is granted; the other one is deferred (the holder is to bring a quote).
    for request, outcome in ((application, "Accordée"), (other, "Ajournée")):
        item = session.items.get(application=request)
        card = page.locator(f"#point-{item.pk}")
        click_to(page, card.get_by_role("button", name="Ouvrir le vote"), f"vote-ouvert-{item.pk}")
        votes = card.locator(f"#form-vote-{item.pk}")
        for name in ("Amina Mois", "Bernard Mois", "Céline Mois"):
            votes.get_by_role("group", name=name).get_by_label("Pour").check()
        click_to(page, votes.get_by_role("button", name="Enregistrer les votes"), f"votes-{item.pk}")
        expect(card).to_contain_text("3 pour, 0 contre, 0 abstention")
        decision_form = card.locator(f"#form-decision-{item.pk}")
        decision_form.get_by_label(outcome).check()
        if outcome == "Accordée":
            decision_form.get_by_label("Montant accordé (€)").fill("250")
        else:
            decision_form.get_by_label("Motif").fill("Apporter un devis pour la location de la sono.")
        click_to(page, decision_form.get_by_role("button", name="Enregistrer la décision"), f"decision-{item.pk}")
        expect(page.locator("main")).to_contain_text(
            f"Décision enregistrée pour la demande {request.reference} : {outcome}."
        )
    click_to(page, page.get_by_role("link", name="Clore la séance"), "cloture")
    click_to(page, page.get_by_role("button", name="Oui, clore la séance"), "seance-close")
    decision = Decision.objects.get(item__application=application)
    assert (decision.outcome, decision.amount_granted, decision.votes_for) == ("granted", Decimal("250.00"), 3)
    application.refresh_from_db()
    assert application.status == "granted", application.status
    other.refresh_from_db()
    assert other.status == "deferred", other.status


def pay_the_advance(page, application) -> None:
    """Step 4 (end): from the request's one page, its fund's payments, the advance (80 %)."""
    from committees.models import Payment

    page.goto(f"/equipe/demandes/{application.pk}/")
    check_page(page, "demande-accordee")
    suite = page.locator("section", has=page.locator("#suite"))
    click_to(page, suite.get_by_role("link", name=f"Versements du fonds « {FUND_NAME} »"), "versements")
    click_to(page, page.get_by_role("link", name=f"Verser l'acompte — {application.reference}"), "versement-acompte")
    expect(page.get_by_label("Montant (€)")).to_have_value("200,00")
    page.get_by_label("Référence du paiement").fill("VIR-UN-MOIS-001")
    click_to(page, page.get_by_role("button", name="Enregistrer le versement"), "acompte-verse")
    expect(page.locator("main")).to_contain_text(f"Versement enregistré : acompte de 200,00{NBSP}€")
    payment = Payment.objects.get(application=application)
    assert (payment.kind, payment.amount, payment.reference) == ("advance", Decimal("200.00"), "VIR-UN-MOIS-001")
    application.refresh_from_db()
    assert application.status == "advance_paid", application.status


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
    name, content = download(page, page.get_by_role("link", name="Télécharger le rapport (PDF)").first)
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
