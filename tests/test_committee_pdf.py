"""The minutes (procès-verbal) and the notification letters, read back from the PDF with pypdf."""

import datetime
from decimal import Decimal

import pytest

from committees import services
from committees.documents import render_minutes_pdf, render_notification_letter_pdf
from committees.models import Decision
from core.templatetags.portal_format import format_money
from tests import factories as f
from tests.committee_helpers import (
    ABSTAIN,
    AGAINST,
    FOR,
    Board,
    decided_item,
    eligible_application,
    granted_item,
    make_board,
    pdf_text,
    plain,
    put_on_agenda,
    seat,
)


@pytest.fixture
def sitting(world, staff):
    """A closed session: one request granted 1 234,50 € with conditions (one member recused), one refused,
    one deferred; the fund's envelope is 20 000 €."""
    world.fund.max_grant = Decimal("1500")
    world.fund.save()
    board = make_board(world, staff)
    seat(board, staff, count=4)
    services.record_attendance(user=staff, session=board.session, member=board.voters[4], present=False)
    granted_app = eligible_application(world.fund, amount="1500", title="Repair café de l'Épeule")
    f.CommitteeMemberLinkFactory(member=board.voters[3], holder=granted_app.holder, reason="Secrétaire du collectif")
    granted, _ = decided_item(
        board,
        staff,
        granted_app,
        (FOR, FOR, ABSTAIN),
        Decision.Outcome.GRANTED,
        amount=Decimal("1234.50"),
        conditions="Présenter les factures avant le solde",
    )
    refused, _ = decided_item(
        board,
        staff,
        eligible_application(world.fund, title="Voyage à Disneyland"),
        (AGAINST, AGAINST, FOR, ABSTAIN),
        Decision.Outcome.REFUSED,
        reason="Projet hors du quartier prioritaire",
    )
    deferred = put_on_agenda(board, staff, eligible_application(world.fund, title="Fresque du square"))
    services.decide(
        user=staff, item=deferred, outcome=Decision.Outcome.DEFERRED, reason="Autorisation de la mairie attendue"
    )
    session = services.close_session(user=staff, session=board.session)
    return {"board": board, "session": session, "granted": granted, "refused": refused, "deferred": deferred}


def test_minutes_hold_attendance_quorum_votes_and_decisions_in_french_format(world, sitting):
    reader, text = pdf_text(render_minutes_pdf(session=sitting["session"]))
    flat = " ".join(text.split())

    assert "Procès-verbal de la séance du comité d'attribution" in flat
    assert "Comité d'attribution de l'Hommelet" in flat
    assert "Séance du 24/05/2025 à 18:00, Salle Watteeuw, Roubaix." in flat
    assert "Membres votants présents : 4 sur 5 ; quorum requis : 3." in flat
    assert "Le quorum est atteint." in flat
    for member in sitting["board"].voters:
        assert member.full_name in flat
    assert "Élu délégué" in flat  # membre de droit, listed absent

    granted, refused, deferred = sitting["granted"], sitting["refused"], sitting["deferred"]
    assert f"{granted.application.reference} — Repair café de l'Épeule" in flat
    assert "Votant·e Driss (Secrétaire du collectif, automatique)" in flat
    assert "Votes : 2 pour, 0 contre, 1 abstention." in flat
    assert "Décision : Accordée — montant accordé : 1 234,50 €" in flat
    assert plain(format_money(Decimal("1234.50"))) == "1 234,50 €"
    assert "Conditions : Présenter les factures avant le solde" in flat

    assert refused.application.reference in flat
    assert "Votes : 1 pour, 2 contre, 1 abstention." in flat
    assert "Décision : Refusée" in flat and "Motif : Projet hors du quartier prioritaire" in flat
    assert deferred.application.reference in flat
    assert "Décision : Ajournée" in flat and "Motif : Autorisation de la mairie attendue" in flat
    assert "Aucun vote." in flat and "0 pour" not in flat

    assert "Total accordé lors de cette séance 1 234,50 €" in flat
    assert "Enveloppe du fonds 20 000,00 €" in flat
    assert "Reste de l'enveloppe 18 765,50 €" in flat
    assert "Projet : la séance n'est pas close" not in flat
    assert "Page 1 / " in flat


def test_minutes_are_a4_with_page_numbers(world, sitting):
    reader, text = pdf_text(render_minutes_pdf(session=sitting["session"]))
    page_count = len(reader.pages)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1
    assert f"Page {page_count} / {page_count}" in text


def test_minutes_show_amendments_and_the_effective_amount(world, staff, sitting):
    decision = sitting["granted"].decision
    services.amend_decision(user=staff, decision=decision, amount=Decimal("1000"), reason="Devis revu à la baisse")
    _, text = pdf_text(render_minutes_pdf(session=sitting["session"]))
    flat = " ".join(text.split())
    assert "montant accordé : 1 000,00 €" in flat
    assert "Devis revu à la baisse" in flat and "montant initial : 1 234,50 €" in flat
    assert "Reste de l'enveloppe 19 000,00 €" in flat


def test_minutes_of_an_open_session_are_marked_as_a_draft(world, staff):
    board = make_board(world, staff)
    seat(board, staff)
    _, text = pdf_text(render_minutes_pdf(session=board.session))
    assert "Projet : la séance n'est pas close." in " ".join(text.split())


def test_letter_for_a_grant_gives_amount_conditions_and_advance(world, sitting):
    decision = sitting["granted"].decision
    _, text = pdf_text(render_notification_letter_pdf(decision=decision))
    flat = " ".join(text.split())
    application = sitting["granted"].application
    assert application.holder.name in flat
    assert f"votre demande {application.reference}" in flat
    assert "réuni le 24/05/2025" in flat
    assert "subvention de 1 234,50 € (montant demandé : 1 500,00 €)" in flat
    assert "Présenter les factures avant le solde" in flat
    assert "acompte de 80 %, soit 987,60 €" in flat and "soit 246,90 € au plus" in flat
    assert "Centre social de l'Hommelet" in flat


def test_letter_for_a_refusal_and_a_deferral_give_the_reason(world, sitting):
    _, refused = pdf_text(render_notification_letter_pdf(decision=sitting["refused"].decision))
    refused = " ".join(refused.split())
    assert "n'a pas retenu votre demande" in refused
    assert "Motif : Projet hors du quartier prioritaire" in refused
    assert "€" not in refused.split("Objet")[1].split("Motif")[0]  # no amount in a refusal

    _, deferred = pdf_text(render_notification_letter_pdf(decision=sitting["deferred"].decision))
    deferred = " ".join(deferred.split())
    assert "ajourner sa décision" in deferred
    assert "Motif : Autorisation de la mairie attendue" in deferred


def test_letter_after_an_amendment_uses_the_amended_amount(world, staff, sitting):
    decision = sitting["granted"].decision
    services.amend_decision(user=staff, decision=decision, amount=Decimal("1000"), reason="Devis revu")
    _, text = pdf_text(render_notification_letter_pdf(decision=decision))
    assert "subvention de 1 000,00 €" in " ".join(text.split())


def test_a_second_session_summary_counts_every_grant_of_the_fund(world, staff, sitting):
    first = sitting["board"]
    session = services.create_session(
        user=staff, committee=first.committee, date=datetime.date(2025, 6, 21), time=datetime.time(18), place="Salle"
    )
    later = Board(committee=first.committee, voters=first.voters, ex_officio=first.ex_officio, session=session)
    seat(later, staff)
    granted_item(later, staff, eligible_application(world.fund), "500")
    _, text = pdf_text(render_minutes_pdf(session=later.session))
    flat = " ".join(text.split())
    assert "Total accordé lors de cette séance 500,00 €" in flat
    assert "Total accordé sur le fonds 1 734,50 €" in flat
    assert "Reste de l'enveloppe 18 265,50 €" in flat
