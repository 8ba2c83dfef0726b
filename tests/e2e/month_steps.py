"""The first half of a staff member's month (tests/e2e/test_staff_month.py): its own fund and session, filing on
behalf of a resident, instruction on the one page, the agenda in bulk, the session held, the advance paid."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import check_page, click_and_wait, click_to
from tests.e2e.test_resident import _fill_the_project_up_to_the_bank_details
from tests.factories.applications import MINIMAL_PDF

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
    _fill_the_project_up_to_the_bank_details(
        page,
        today,
        rib,
        title=TITLE,
        objectives="Cultiver ensemble et se rencontrer.",
        description="Des bacs de culture au pied des immeubles, entretenus par les familles.",
    )
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
