"""Committee pages with the test client: a whole session, quorum and votes, agenda changes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from applications.workflow import Status
from committees import services
from committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    CommitteeMember,
    CommitteeSession,
    Decision,
    Recusal,
    Vote,
)
from core.models import AuditEntry
from tests import factories as f
from tests.committee_helpers import (
    AGAINST,
    FOR,
    client_for,
    decision_data,
    eligible_application,
    make_board,
    new_voters,
    page_text,
    page_url,
    pdf_words,
    put_on_agenda,
    seat,
    vote_data,
)

# The evening of the session of 24/05/2025: requests filed on 1 May are on time.
pytestmark = pytest.mark.usefixtures("on_the_session_day")


# --- The whole journey ----------------------------------------------------------------------------


def _the_committee_pages_a_session_its_agenda_and_convocations(client, world, requests, voters, capture):
    """Creates the session of 24/05/2025 with the three requests on its agenda; returns it and its items."""
    repair, fresco, trip = requests
    # The committee pages.
    response = client.get(page_url("committee_list"))
    assert response.status_code == 200 and world.committee.name in page_text(response)
    page = page_text(client.get(page_url("committee_detail", world.committee.pk)))
    assert "Votant·e Alice" in page and "Trésorière du collectif" in page
    assert "Non (membre de droit)" in page and "Ville de Roubaix" in page

    # Create the session.
    response = client.post(
        page_url("session_create", world.committee.pk),
        {"date": "2025-05-24", "time": "18:00", "place": "Salle Watteeuw"},
    )
    session = CommitteeSession.objects.get(committee=world.committee)
    assert response.status_code == 302 and response.url == page_url("session_detail", session.pk)
    page = page_text(client.get(response.url))
    assert "Séance du 24/05/2025 à 18:00" in page
    assert repair.reference in page  # a candidate in the "add a request" list

    # Build the agenda: the three eligible requests, in filing order.
    response = client.post(page_url("build_agenda", session.pk), follow=True)
    assert "3 demandes inscrites à l'ordre du jour." in page_text(response)
    items = list(session.items.order_by("position"))
    assert [item.application for item in items] == [repair, fresco, trip]

    # Convocations: 6 members (5 voting + 1 membre de droit) and 3 holders.
    with capture(execute=True):
        response = client.post(page_url("send_convocations", session.pk), follow=True)
    assert "Convocations en cours d'envoi : 6 membres et 3 porteurs invités à présenter." in page_text(response)
    recipients = {message.to[0] for message in mail.outbox}
    assert {voter.user.email for voter in voters} | {"elu@mairie.example.org"} <= recipients
    assert repair.holder.owner.email in recipients and len(mail.outbox) == 9
    return session, items


def _the_three_requests_are_decided(client, session, items, voters):
    """Granted after a vote with an automatic recusal, deferred after a tie, refused."""
    first, second, third = items
    # First request: the member linked to the holder steps out automatically when the vote opens.
    response = client.post(page_url("start_vote", session.pk, first.pk), follow=True)
    page = page_text(response)
    assert "Se déportent automatiquement : Votant·e Alice (Trésorière du collectif)." in page
    assert Recusal.objects.get(item=first).member == voters[0]
    assert f'name="vote-{first.pk}-member_{voters[0].pk}"' not in page
    assert f'name="vote-{first.pk}-member_{voters[1].pk}"' in page
    response = client.post(
        page_url("record_votes", session.pk, first.pk),
        vote_data(first, {voters[1]: FOR, voters[2]: FOR, voters[3]: AGAINST}),
    )
    assert response.status_code == 302
    assert Vote.objects.filter(item=first).count() == 3
    # More than asked is a form error from the service, not a 500.
    response = client.post(page_url("decide", session.pk, first.pk), decision_data(first, "granted", amount="900"))
    assert response.status_code == 400
    assert "dépasse le montant demandé" in page_text(response) and not Decision.objects.exists()
    response = client.post(
        page_url("decide", session.pk, first.pk),
        decision_data(first, "granted", amount="600,00", conditions="Présenter les factures avant le solde"),
    )
    assert response.status_code == 302
    assert Decision.objects.get(item=first).amount_granted == Decimal("600.00")

    # Second request: a tie does not grant; the committee defers it.
    client.post(page_url("start_vote", session.pk, second.pk))
    client.post(
        page_url("record_votes", session.pk, second.pk),
        vote_data(second, {voters[0]: FOR, voters[1]: AGAINST, voters[2]: "abstain"}),
    )
    client.post(
        page_url("decide", session.pk, second.pk),
        decision_data(second, "deferred", amount="800,00", reason="Autorisation de la mairie attendue"),
    )
    # Third request: refused.
    client.post(page_url("start_vote", session.pk, third.pk))
    client.post(
        page_url("record_votes", session.pk, third.pk),
        vote_data(third, {voters[0]: AGAINST, voters[1]: AGAINST, voters[2]: FOR}),
    )
    client.post(
        page_url("decide", session.pk, third.pk), decision_data(third, "refused", reason="Projet hors du quartier")
    )


def _check_the_minutes_and_the_letters(client, session, items):
    first = items[0]
    page = page_text(client.get(page_url("session_detail", session.pk)))
    assert page_url("minutes_pdf", session.pk) in page
    for item in items:
        assert page_url("letter_pdf", session.pk, item.pk) in page
    response = client.get(page_url("minutes_pdf", session.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    minutes = pdf_words(response.content)
    assert "Membres votants présents : 4 sur 5 ; quorum requis : 3." in minutes
    assert "Votant·e Alice (Trésorière du collectif, automatique)" in minutes
    assert "Décision : Accordée — montant accordé : 600,00 €" in minutes
    assert "Conditions : Présenter les factures avant le solde" in minutes
    assert "Décision : Ajournée" in minutes and "Motif : Autorisation de la mairie attendue" in minutes
    assert "Décision : Refusée" in minutes and "Motif : Projet hors du quartier" in minutes
    for item in items:
        letter = client.get(page_url("letter_pdf", session.pk, item.pk))
        assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert "subvention de 600,00 €" in pdf_words(client.get(page_url("letter_pdf", session.pk, first.pk)).content)


def _the_members_and_the_requests(world):
    """Five voters, a membre de droit, three eligible requests; the first voter is linked to the first's holder."""
    voters = new_voters(world.committee)
    ex_officio = f.CommitteeMemberFactory(
        committee=world.committee,
        full_name="Élu délégué",
        college=CommitteeMember.College.EX_OFFICIO,
        user=None,
        email="elu@mairie.example.org",
        organisation="Ville de Roubaix",
    )
    repair = eligible_application(world.fund, title="Repair café de l'Épeule")
    fresco = eligible_application(world.fund, title="Fresque du square")
    trip = eligible_application(world.fund, title="Voyage à la mer")
    f.CommitteeMemberLinkFactory(member=voters[0], holder=repair.holder, reason="Trésorière du collectif")
    return voters, ex_officio, (repair, fresco, trip)


def _the_session_opens_and_the_quorum_is_reached(client, session, voters, ex_officio):
    # Open the session: nobody is recorded present yet.
    response = client.post(page_url("open_session", session.pk), follow=True)
    page = page_text(response)
    assert "Quorum non atteint" in page and "0 membre votant présent sur 5 ; quorum : 3." in page

    # Attendance in one POST: 4 voting members and the membre de droit (who does not count).
    data = {f"presence-member_{member.pk}": "on" for member in (*voters[:4], ex_officio)}
    response = client.post(page_url("record_attendance", session.pk), data)
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session, present=True).count() == 5
    assert Attendance.objects.get(session=session, member=voters[4]).present is False
    page = page_text(client.get(page_url("session_detail", session.pk)))
    assert "Quorum atteint" in page and "4 membres votants présents sur 5 ; quorum : 3." in page


def _the_session_closes(client, session, capture):
    """Close, after a confirmation page: each holder gets the notification letter."""
    confirmation = client.get(page_url("close_session", session.pk))
    assert confirmation.status_code == 200 and "Oui, clore la séance" in confirmation.content.decode()
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(page_url("close_session", session.pk))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == CommitteeSession.Status.CLOSED
    assert len(mail.outbox) == 3


def _a_decision_is_amended(client, session, first):
    """After closing: no more decisions; a decision is amended, and the amendment is listed under it."""
    prefix = f"rectif-{first.pk}"
    response = client.post(
        page_url("amend_decision", session.pk, first.pk),
        {
            f"{prefix}-amount": "500,00",
            f"{prefix}-conditions": "Présenter les factures avant le solde",
            f"{prefix}-decision_reason": "",
            f"{prefix}-reason": "Devis revu à la baisse",
        },
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.amount_delta == Decimal("-100.00") and set(amendment.changes) == {"amount_granted"}
    page = page_text(client.get(page_url("session_detail", session.pk)))
    assert "montant 600,00 € → 500,00 €" in page and "pourquoi : Devis revu à la baisse" in page
    assert "montant accordé : 500,00 €" in page


def test_the_staff_runs_a_whole_session(world, staff, django_capture_on_commit_callbacks):
    voters, ex_officio, requests = _the_members_and_the_requests(world)
    repair, fresco, trip = requests
    client = client_for(staff)
    session, items = _the_committee_pages_a_session_its_agenda_and_convocations(
        client, world, requests, voters, django_capture_on_commit_callbacks
    )
    first = items[0]
    _the_session_opens_and_the_quorum_is_reached(client, session, voters, ex_officio)

    _the_three_requests_are_decided(client, session, items, voters)
    outcomes = dict(Decision.objects.values_list("item__application", "outcome"))
    assert outcomes == {repair.pk: "granted", fresco.pk: "deferred", trip.pk: "refused"}
    page = page_text(client.get(page_url("session_detail", session.pk)))
    assert "montant accordé : 600,00 €" in page and "Autorisation de la mairie attendue" in page

    _the_session_closes(client, session, django_capture_on_commit_callbacks)
    # The minutes and the letters.
    _check_the_minutes_and_the_letters(client, session, items)
    _a_decision_is_amended(client, session, first)


# --- Quorum and votes -----------------------------------------------------------------------------


def test_without_quorum_the_page_says_why_and_votes_are_refused(world, staff):
    board = make_board(world, staff)
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=2)
    client = client_for(staff)

    page = page_text(client.get(page_url("session_detail", board.session.pk)))
    assert "Quorum non atteint" in page
    assert "2 membres votants présents sur 5 ; quorum : 3." in page
    assert "Aucun vote ni décision n'est possible" in page
    assert re.search(r'<fieldset disabled aria-describedby="quorum-raison">\s*<legend class="h6">Décision', page)
    assert re.search(r'disabled aria-describedby="quorum-raison">Ouvrir le vote', page)

    response = client.post(
        page_url("record_votes", board.session.pk, item.pk),
        vote_data(item, {board.voters[0]: FOR, board.voters[1]: FOR}),
    )
    assert response.status_code == 400
    assert "Le quorum n'est pas atteint : 2 membres votants présents sur 3 requis." in page_text(response)
    assert not Vote.objects.exists()
    response = client.post(
        page_url("decide", board.session.pk, item.pk), decision_data(item, "deferred", reason="Pas de quorum")
    )
    assert response.status_code == 400 and not Decision.objects.exists()


def test_the_same_vote_form_posted_twice_counts_once(world, staff, open_board):
    board, item = open_board
    client = client_for(staff)
    data = vote_data(item, {board.voters[0]: FOR, board.voters[1]: AGAINST, board.voters[2]: FOR})
    url = page_url("record_votes", board.session.pk, item.pk)

    assert client.post(url, data).status_code == 302
    response = client.post(url, data, follow=True)
    assert "Ces votes étaient déjà enregistrés : rien n'a changé." in page_text(response)
    assert Vote.objects.filter(item=item).count() == 3
    assert AuditEntry.objects.filter(action="committees.record_vote").count() == 3
    # A recorded vote cannot be changed through the form either.
    client.post(url, {**data, f"vote-{item.pk}-member_{board.voters[0].pk}": AGAINST})
    assert Vote.objects.get(item=item, member=board.voters[0]).choice == FOR
    page = page_text(client.get(page_url("session_detail", board.session.pk)))
    assert "2 pour, 1 contre, 0 abstention" in page


def test_a_vote_form_failing_for_one_member_records_nobody(world, staff, open_board, monkeypatch):
    board, item = open_board
    record_vote = services.votes.record_vote

    def failing_for_chloe(*, member, **kwargs):
        if member == board.voters[2]:
            raise ValidationError({"member": ["Votant·e Chloé n'est pas noté·e présent·e."]})
        return record_vote(member=member, **kwargs)

    monkeypatch.setattr(services.votes, "record_vote", failing_for_chloe)
    response = client_for(staff).post(
        page_url("record_votes", board.session.pk, item.pk),
        vote_data(item, {board.voters[0]: FOR, board.voters[1]: FOR, board.voters[2]: FOR}),
    )
    assert response.status_code == 400
    assert "Votant·e Chloé n'est pas noté·e présent·e." in page_text(response)
    assert not Vote.objects.exists()


def test_votes_are_only_offered_to_present_voting_members_not_recused(world, staff, open_board):
    board, item = open_board
    services.declare_recusal(user=staff, item=item, member=board.voters[1], reason="Voisin du porteur")
    client = client_for(staff)
    client.post(page_url("start_vote", board.session.pk, item.pk))
    page = page_text(client.get(page_url("session_detail", board.session.pk)))
    offered = set(re.findall(rf'name="vote-{item.pk}-member_(\d+)"', page))
    assert offered == {str(board.voters[0].pk), str(board.voters[2].pk)}
    # A vote posted for someone not offered (recused, absent, membre de droit) is not recorded.
    response = client.post(
        page_url("record_votes", board.session.pk, item.pk),
        vote_data(item, {board.voters[0]: FOR, board.voters[1]: FOR, board.voters[3]: FOR, board.ex_officio: FOR}),
    )
    assert response.status_code == 302
    assert list(Vote.objects.values_list("member", flat=True)) == [board.voters[0].pk]


def test_declare_a_recusal_from_the_page(world, staff, open_board):
    board, item = open_board
    client = client_for(staff)
    prefix = f"deport-{item.pk}"
    response = client.post(
        page_url("declare_recusal", board.session.pk, item.pk),
        {f"{prefix}-member": board.voters[2].pk, f"{prefix}-reason": ""},
    )
    assert response.status_code == 400 and "Indiquez le motif du déport." in page_text(response)
    response = client.post(
        page_url("declare_recusal", board.session.pk, item.pk),
        {f"{prefix}-member": board.voters[2].pk, f"{prefix}-reason": "Voisine du porteur"},
    )
    assert response.status_code == 302
    recusal = Recusal.objects.get(item=item)
    assert (recusal.member, recusal.automatic) == (board.voters[2], False)
    page = page_text(client.get(page_url("session_detail", board.session.pk)))
    assert "Votant·e Chloé — Voisine du porteur" in page


def test_remove_and_add_an_agenda_item(world, staff):
    board = make_board(world, staff)
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    client = client_for(staff)
    assert client.post(page_url("remove_item", board.session.pk, item.pk)).status_code == 302
    assert not AgendaItem.objects.exists()
    item.application.refresh_from_db()
    assert item.application.status == Status.ELIGIBLE
    response = client.post(
        page_url("add_item", board.session.pk),
        {"ajout-application": item.application.pk, "ajout-invited_to_present": ""},
    )
    assert response.status_code == 302
    assert AgendaItem.objects.get().invited_to_present is False


def test_a_decision_on_an_item_of_another_session_or_fund_is_404(world, staff, open_board, other_staff):
    board, item = open_board
    later = services.create_session(
        user=staff, committee=board.committee, date=datetime.date(2025, 6, 21), time=datetime.time(18), place="Salle"
    )
    other_committee = f.CommitteeFactory(fund=world.other_fund)
    foreign_session = f.CommitteeSessionFactory(committee=other_committee)
    foreign_item = f.AgendaItemFactory(session=foreign_session)
    client = client_for(staff)
    data = decision_data(item, "deferred", reason="Dossier incomplet")
    assert client.post(page_url("decide", later.pk, item.pk), data).status_code == 404
    assert client.post(page_url("decide", board.session.pk, foreign_item.pk), data).status_code == 404
    assert client.post(page_url("decide", foreign_session.pk, foreign_item.pk), data).status_code == 404
    assert client.post(page_url("record_votes", later.pk, item.pk), {}).status_code == 404
    assert client.get(page_url("letter_pdf", later.pk, item.pk)).status_code == 404
    assert not Decision.objects.exists()


def test_closing_with_pending_requests_is_refused_with_the_list(world, staff, open_board):
    board, item = open_board
    client = client_for(staff)
    page = page_text(client.get(page_url("close_session", board.session.pk)))
    assert "attendent encore une décision" in page and item.application.reference in page
    response = client.post(page_url("close_session", board.session.pk), follow=True)
    assert "Des demandes attendent encore une décision" in page_text(response)
    board.session.refresh_from_db()
    assert board.session.status == CommitteeSession.Status.OPEN


def test_the_minutes_are_only_available_once_the_session_is_closed(world, staff, open_board):
    board, _item = open_board
    assert client_for(staff).get(page_url("minutes_pdf", board.session.pk)).status_code == 404
