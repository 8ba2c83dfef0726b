"""Committee pages with the test client: committees and members, a whole session, payments, and who may do what."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.workflow import Status
from committees import services
from committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    CommitteeMember,
    CommitteeMemberLink,
    CommitteeSession,
    Decision,
    Payment,
    Recusal,
    Vote,
)
from core.models import AuditEntry
from tests import factories as f
from tests.test_committee_services import (
    AGAINST,
    FOR,
    eligible_application,
    granted_item,
    make_board,
    put_on_agenda,
    seat,
)

# The evening of the session of 24/05/2025 (18:00 in Roubaix): requests filed on 1 May are on time.
SESSION_EVENING = datetime.datetime(2025, 5, 24, 17, 30, tzinfo=datetime.UTC)
PAID_ON = datetime.date(2025, 5, 24)


@pytest.fixture(autouse=True)
def _on_the_session_day():
    with time_machine.travel(SESSION_EVENING, tick=True):
        yield


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(name: str, *args) -> str:
    return reverse(f"committees:{name}", args=args)


def _plain(text: str) -> str:
    """French typography uses (narrow) no-break spaces; compare on plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


def _page(response) -> str:
    return _plain(html.unescape(response.content.decode()))


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(_plain("\n".join(page.extract_text() for page in reader.pages)).split())


def _vote_data(item, choices: dict) -> dict:
    return {f"vote-{item.pk}-member_{member.pk}": choice for member, choice in choices.items()}


def _decision_data(item, outcome: str, *, amount: str = "", conditions: str = "", reason: str = "") -> dict:
    prefix = f"decision-{item.pk}"
    return {
        f"{prefix}-outcome": outcome,
        f"{prefix}-amount": amount,
        f"{prefix}-conditions": conditions,
        f"{prefix}-reason": reason,
    }


def _voters(committee) -> list[CommitteeMember]:
    return [
        f.CommitteeMemberFactory(committee=committee, full_name=f"Votant·e {name}", user=f.UserFactory())
        for name in ("Alice", "Bilal", "Chloé", "Driss", "Emma")
    ]


@pytest.fixture
def open_board(world, staff):
    """A session opened with 3 of 5 voting members present (quorum met) and one request on its agenda."""
    board = make_board(world, staff)
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=3)
    return board, item


@pytest.fixture
def closed_board(world, staff):
    """A closed session with one request granted 600 € (asked 800 €)."""
    board = make_board(world, staff)
    seat(board, staff, count=3)
    item, decision = granted_item(board, staff, eligible_application(world.fund), "600")
    services.close_session(user=staff, session=board.session)
    return board, item, decision


# --- The whole journey ----------------------------------------------------------------------------


def test_the_staff_runs_a_whole_session(world, staff, django_capture_on_commit_callbacks):
    voters = _voters(world.committee)
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
    client = _client(staff)

    # The committee pages.
    response = client.get(_url("committee_list"))
    assert response.status_code == 200 and world.committee.name in _page(response)
    page = _page(client.get(_url("committee_detail", world.committee.pk)))
    assert "Votant·e Alice" in page and "Trésorière du collectif" in page
    assert "Non (membre de droit)" in page and "Ville de Roubaix" in page

    # Create the session.
    response = client.post(
        _url("session_create", world.committee.pk), {"date": "2025-05-24", "time": "18:00", "place": "Salle Watteeuw"}
    )
    session = CommitteeSession.objects.get(committee=world.committee)
    assert response.status_code == 302 and response.url == _url("session_detail", session.pk)
    page = _page(client.get(response.url))
    assert "Séance du 24/05/2025 à 18:00" in page
    assert repair.reference in page  # a candidate in the "add a request" list

    # Build the agenda: the three eligible requests, in filing order.
    response = client.post(_url("build_agenda", session.pk), follow=True)
    assert "3 demandes inscrites à l'ordre du jour." in _page(response)
    items = list(session.items.order_by("position"))
    assert [item.application for item in items] == [repair, fresco, trip]
    first, second, third = items

    # Convocations: 6 members (5 voting + 1 membre de droit) and 3 holders.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("send_convocations", session.pk), follow=True)
    assert "Convocations envoyées : 6 membre(s) et 3 porteur(s) invité(s) à présenter." in _page(response)
    recipients = {message.to[0] for message in mail.outbox}
    assert {voter.user.email for voter in voters} | {"elu@mairie.example.org"} <= recipients
    assert repair.holder.owner.email in recipients and len(mail.outbox) == 9

    # Open the session: nobody is recorded present yet.
    response = client.post(_url("open_session", session.pk), follow=True)
    page = _page(response)
    assert "Quorum non atteint" in page and "0 membre(s) votant(s) présent(s) sur 5 ; quorum : 3." in page

    # Attendance in one POST: 4 voting members and the membre de droit (who does not count).
    data = {f"presence-member_{member.pk}": "on" for member in (*voters[:4], ex_officio)}
    response = client.post(_url("record_attendance", session.pk), data)
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session, present=True).count() == 5
    assert Attendance.objects.get(session=session, member=voters[4]).present is False
    page = _page(client.get(_url("session_detail", session.pk)))
    assert "Quorum atteint" in page and "4 membre(s) votant(s) présent(s) sur 5 ; quorum : 3." in page

    # First request: the member linked to the holder steps out automatically when the vote opens.
    response = client.post(_url("start_vote", session.pk, first.pk), follow=True)
    page = _page(response)
    assert "Se déportent automatiquement : Votant·e Alice (Trésorière du collectif)." in page
    assert Recusal.objects.get(item=first).member == voters[0]
    assert f'name="vote-{first.pk}-member_{voters[0].pk}"' not in page
    assert f'name="vote-{first.pk}-member_{voters[1].pk}"' in page
    response = client.post(
        _url("record_votes", session.pk, first.pk),
        _vote_data(first, {voters[1]: FOR, voters[2]: FOR, voters[3]: AGAINST}),
    )
    assert response.status_code == 302
    assert Vote.objects.filter(item=first).count() == 3
    # More than asked is a form error from the service, not a 500.
    response = client.post(_url("decide", session.pk, first.pk), _decision_data(first, "granted", amount="900"))
    assert response.status_code == 400
    assert "dépasse le montant demandé" in _page(response) and not Decision.objects.exists()
    response = client.post(
        _url("decide", session.pk, first.pk),
        _decision_data(first, "granted", amount="600,00", conditions="Présenter les factures avant le solde"),
    )
    assert response.status_code == 302
    assert Decision.objects.get(item=first).amount_granted == Decimal("600.00")

    # Second request: a tie does not grant; the committee defers it.
    client.post(_url("start_vote", session.pk, second.pk))
    client.post(
        _url("record_votes", session.pk, second.pk),
        _vote_data(second, {voters[0]: FOR, voters[1]: AGAINST, voters[2]: "abstain"}),
    )
    client.post(
        _url("decide", session.pk, second.pk),
        _decision_data(second, "deferred", amount="800,00", reason="Autorisation de la mairie attendue"),
    )
    # Third request: refused.
    client.post(_url("start_vote", session.pk, third.pk))
    client.post(
        _url("record_votes", session.pk, third.pk),
        _vote_data(third, {voters[0]: AGAINST, voters[1]: AGAINST, voters[2]: FOR}),
    )
    client.post(
        _url("decide", session.pk, third.pk), _decision_data(third, "refused", reason="Projet hors du quartier")
    )
    outcomes = dict(Decision.objects.values_list("item__application", "outcome"))
    assert outcomes == {repair.pk: "granted", fresco.pk: "deferred", trip.pk: "refused"}
    page = _page(client.get(_url("session_detail", session.pk)))
    assert "montant accordé : 600,00 €" in page and "Autorisation de la mairie attendue" in page

    # Close, after a confirmation page: each holder gets the notification letter.
    confirmation = client.get(_url("close_session", session.pk))
    assert confirmation.status_code == 200 and "Oui, clore la séance" in confirmation.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("close_session", session.pk))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == CommitteeSession.Status.CLOSED
    assert len(mail.outbox) == 3

    # The minutes and the letters.
    page = _page(client.get(_url("session_detail", session.pk)))
    assert _url("minutes_pdf", session.pk) in page
    for item in items:
        assert _url("letter_pdf", session.pk, item.pk) in page
    response = client.get(_url("minutes_pdf", session.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    minutes = _pdf_text(response.content)
    assert "Membres votants présents : 4 sur 5 ; quorum requis : 3." in minutes
    assert "Votant·e Alice (Trésorière du collectif, automatique)" in minutes
    assert "Décision : Accordée — montant accordé : 600,00 €" in minutes
    assert "Conditions : Présenter les factures avant le solde" in minutes
    assert "Décision : Ajournée" in minutes and "Motif : Autorisation de la mairie attendue" in minutes
    assert "Décision : Refusée" in minutes and "Motif : Projet hors du quartier" in minutes
    for item in items:
        letter = client.get(_url("letter_pdf", session.pk, item.pk))
        assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert "subvention de 600,00 €" in _pdf_text(client.get(_url("letter_pdf", session.pk, first.pk)).content)

    # After closing: no more decisions; a decision is amended, and the amendment is listed under it.
    prefix = f"rectif-{first.pk}"
    response = client.post(
        _url("amend_decision", session.pk, first.pk),
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
    page = _page(client.get(_url("session_detail", session.pk)))
    assert "montant 600,00 € → 500,00 €" in page and "pourquoi : Devis revu à la baisse" in page
    assert "montant accordé : 500,00 €" in page


# --- Quorum and votes -----------------------------------------------------------------------------


def test_without_quorum_the_page_says_why_and_votes_are_refused(world, staff):
    board = make_board(world, staff)
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=2)
    client = _client(staff)

    page = _page(client.get(_url("session_detail", board.session.pk)))
    assert "Quorum non atteint" in page
    assert "2 membre(s) votant(s) présent(s) sur 5 ; quorum : 3." in page
    assert "Aucun vote ni décision n'est possible" in page
    assert re.search(r'<fieldset disabled aria-describedby="quorum-raison">\s*<legend class="h6">Décision', page)
    assert re.search(r'disabled aria-describedby="quorum-raison">Ouvrir le vote', page)

    response = client.post(
        _url("record_votes", board.session.pk, item.pk), _vote_data(item, {board.voters[0]: FOR, board.voters[1]: FOR})
    )
    assert response.status_code == 400
    assert "Le quorum n'est pas atteint : 2 membre(s) votant(s) présent(s) sur 3 requis." in _page(response)
    assert not Vote.objects.exists()
    response = client.post(
        _url("decide", board.session.pk, item.pk), _decision_data(item, "deferred", reason="Pas de quorum")
    )
    assert response.status_code == 400 and not Decision.objects.exists()


def test_the_same_vote_form_posted_twice_counts_once(world, staff, open_board):
    board, item = open_board
    client = _client(staff)
    data = _vote_data(item, {board.voters[0]: FOR, board.voters[1]: AGAINST, board.voters[2]: FOR})
    url = _url("record_votes", board.session.pk, item.pk)

    assert client.post(url, data).status_code == 302
    response = client.post(url, data, follow=True)
    assert "Ces votes étaient déjà enregistrés : rien n'a changé." in _page(response)
    assert Vote.objects.filter(item=item).count() == 3
    assert AuditEntry.objects.filter(action="committees.record_vote").count() == 3
    # A recorded vote cannot be changed through the form either.
    client.post(url, {**data, f"vote-{item.pk}-member_{board.voters[0].pk}": AGAINST})
    assert Vote.objects.get(item=item, member=board.voters[0]).choice == FOR
    page = _page(client.get(_url("session_detail", board.session.pk)))
    assert "2 pour, 1 contre, 0 abstention(s)" in page


def test_a_vote_form_failing_for_one_member_records_nobody(world, staff, open_board, monkeypatch):
    board, item = open_board
    record_vote = services.votes.record_vote

    def failing_for_chloe(*, member, **kwargs):
        if member == board.voters[2]:
            raise ValidationError({"member": ["Votant·e Chloé n'est pas noté·e présent·e."]})
        return record_vote(member=member, **kwargs)

    monkeypatch.setattr(services.votes, "record_vote", failing_for_chloe)
    response = _client(staff).post(
        _url("record_votes", board.session.pk, item.pk),
        _vote_data(item, {board.voters[0]: FOR, board.voters[1]: FOR, board.voters[2]: FOR}),
    )
    assert response.status_code == 400
    assert "Votant·e Chloé n'est pas noté·e présent·e." in _page(response)
    assert not Vote.objects.exists()


def test_votes_are_only_offered_to_present_voting_members_not_recused(world, staff, open_board):
    board, item = open_board
    services.declare_recusal(user=staff, item=item, member=board.voters[1], reason="Voisin du porteur")
    client = _client(staff)
    client.post(_url("start_vote", board.session.pk, item.pk))
    page = _page(client.get(_url("session_detail", board.session.pk)))
    offered = set(re.findall(rf'name="vote-{item.pk}-member_(\d+)"', page))
    assert offered == {str(board.voters[0].pk), str(board.voters[2].pk)}
    # A vote posted for someone not offered (recused, absent, membre de droit) is not recorded.
    response = client.post(
        _url("record_votes", board.session.pk, item.pk),
        _vote_data(item, {board.voters[0]: FOR, board.voters[1]: FOR, board.voters[3]: FOR, board.ex_officio: FOR}),
    )
    assert response.status_code == 302
    assert list(Vote.objects.values_list("member", flat=True)) == [board.voters[0].pk]


def test_declare_a_recusal_from_the_page(world, staff, open_board):
    board, item = open_board
    client = _client(staff)
    prefix = f"deport-{item.pk}"
    response = client.post(
        _url("declare_recusal", board.session.pk, item.pk),
        {f"{prefix}-member": board.voters[2].pk, f"{prefix}-reason": ""},
    )
    assert response.status_code == 400 and "Indiquez le motif du déport." in _page(response)
    response = client.post(
        _url("declare_recusal", board.session.pk, item.pk),
        {f"{prefix}-member": board.voters[2].pk, f"{prefix}-reason": "Voisine du porteur"},
    )
    assert response.status_code == 302
    recusal = Recusal.objects.get(item=item)
    assert (recusal.member, recusal.automatic) == (board.voters[2], False)
    page = _page(client.get(_url("session_detail", board.session.pk)))
    assert "Votant·e Chloé — Voisine du porteur" in page


def test_remove_and_add_an_agenda_item(world, staff):
    board = make_board(world, staff)
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    client = _client(staff)
    assert client.post(_url("remove_item", board.session.pk, item.pk)).status_code == 302
    assert not AgendaItem.objects.exists()
    item.application.refresh_from_db()
    assert item.application.status == Status.ELIGIBLE
    response = client.post(
        _url("add_item", board.session.pk), {"ajout-application": item.application.pk, "ajout-invited_to_present": ""}
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
    client = _client(staff)
    data = _decision_data(item, "deferred", reason="Dossier incomplet")
    assert client.post(_url("decide", later.pk, item.pk), data).status_code == 404
    assert client.post(_url("decide", board.session.pk, foreign_item.pk), data).status_code == 404
    assert client.post(_url("decide", foreign_session.pk, foreign_item.pk), data).status_code == 404
    assert client.post(_url("record_votes", later.pk, item.pk), {}).status_code == 404
    assert client.get(_url("letter_pdf", later.pk, item.pk)).status_code == 404
    assert not Decision.objects.exists()


def test_closing_with_pending_requests_is_refused_with_the_list(world, staff, open_board):
    board, item = open_board
    client = _client(staff)
    page = _page(client.get(_url("close_session", board.session.pk)))
    assert "attendent encore une décision" in page and item.application.reference in page
    response = client.post(_url("close_session", board.session.pk), follow=True)
    assert "Des demandes attendent encore une décision" in _page(response)
    board.session.refresh_from_db()
    assert board.session.status == CommitteeSession.Status.OPEN


def test_the_minutes_are_only_available_once_the_session_is_closed(world, staff, open_board):
    board, _item = open_board
    assert _client(staff).get(_url("minutes_pdf", board.session.pk)).status_code == 404


# --- Who may do what ------------------------------------------------------------------------------


def _every_url(board, item, fund, member) -> tuple[list[str], list[str]]:
    """(GET URLs, POST URLs) of one committee, one session, one agenda item and one fund."""
    committee, session = board.committee, board.session
    gets = [
        _url("committee_detail", committee.pk),
        _url("member_add", committee.pk),
        _url("member_edit", member.pk),
        _url("member_link_add", member.pk),
        _url("session_create", committee.pk),
        _url("session_detail", session.pk),
        _url("close_session", session.pk),
        _url("minutes_pdf", session.pk),
        _url("letter_pdf", session.pk, item.pk),
        _url("payments", fund.slug),
        _url("payments_csv", fund.slug),
    ]
    posts = [
        _url("member_add", committee.pk),
        _url("member_edit", member.pk),
        _url("member_link_add", member.pk),
        _url("session_create", committee.pk),
        _url("build_agenda", session.pk),
        _url("add_item", session.pk),
        _url("send_convocations", session.pk),
        _url("open_session", session.pk),
        _url("record_attendance", session.pk),
        _url("close_session", session.pk),
        _url("remove_item", session.pk, item.pk),
        _url("start_vote", session.pk, item.pk),
        _url("declare_recusal", session.pk, item.pk),
        _url("record_votes", session.pk, item.pk),
        _url("decide", session.pk, item.pk),
        _url("amend_decision", session.pk, item.pk),
        _url("payments", fund.slug),
    ]
    return gets, posts


def _state(item) -> tuple:
    return (
        CommitteeMember.objects.count(),
        CommitteeMemberLink.objects.count(),
        CommitteeSession.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        Recusal.objects.count(),
        Vote.objects.count(),
        Decision.objects.count(),
        Amendment.objects.count(),
        Payment.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("persona", ["other_staff", "resident", "outsider", "city_staff"])
def test_outsiders_to_the_committee_get_404_on_every_url(request, world, staff, closed_board, persona):
    board, item, _decision = closed_board
    user = request.getfixturevalue(persona)
    gets, posts = _every_url(board, item, world.fund, board.voters[0])
    client = _client(user)
    before = _state(item)
    # City staff read the fund they co-fund (its payments statement): see test_funder_staff_*.
    readable = (
        {_url("payments", world.fund.slug), _url("payments_csv", world.fund.slug)} if persona == "city_staff" else set()
    )
    for url in gets:
        expected = 200 if url in readable else 404
        assert client.get(url).status_code == expected, url
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code in (403, 404), url
    assert _state(item) == before
    assert world.committee.name not in _page(client.get(_url("committee_list")))


def test_anonymous_visitors_are_sent_to_the_login_page(world, staff, closed_board):
    board, item, _decision = closed_board
    gets, posts = _every_url(board, item, world.fund, board.voters[0])
    client = _client()
    for url in [_url("committee_list"), *gets]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    for url in posts:
        assert client.post(url).status_code == 302, url


def test_a_committee_member_reads_the_session_but_cannot_act(world, staff, open_board, committee_member):
    board, item = open_board
    seat_of_member = CommitteeMember.objects.get(user=committee_member)
    services.record_attendance(user=staff, session=board.session, member=seat_of_member, present=True)
    client = _client(committee_member)
    page = _page(client.get(_url("session_detail", board.session.pk)))
    assert item.application.reference in page and "Quorum atteint" in page
    for action in ("Enregistrer les votes", "Enregistrer la décision", "Ouvrir le vote", "Enregistrer les présences"):
        assert action not in page
    assert client.get(_url("committee_detail", board.committee.pk)).status_code == 200
    assert world.committee.name in _page(client.get(_url("committee_list")))

    gets, posts = _every_url(board, item, world.fund, board.voters[0])
    before = _state(item)
    for url in posts:
        expected = (404,) if "/fonds/" in url else (403,)
        assert client.post(url, _vote_data(item, {board.voters[0]: FOR})).status_code in expected, url
    assert _state(item) == before
    for name in ("member_add", "session_create"):
        assert client.get(_url(name, board.committee.pk)).status_code == 403
    assert client.get(_url("close_session", board.session.pk)).status_code == 403


def test_a_committee_member_downloads_the_minutes_but_not_the_letters(world, staff, closed_board, committee_member):
    board, item, _decision = closed_board
    client = _client(committee_member)
    response = client.get(_url("minutes_pdf", board.session.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(_url("letter_pdf", board.session.pk, item.pk)).status_code == 403
    page = _page(client.get(_url("session_detail", board.session.pk)))
    assert "Rectifier la décision" not in page


def test_the_administrator_may_run_any_committee(world, staff, admin_user, open_board):
    board, item = open_board
    response = _client(admin_user).post(
        _url("record_votes", board.session.pk, item.pk), _vote_data(item, {board.voters[0]: FOR})
    )
    assert response.status_code == 302 and Vote.objects.get().recorded_by == admin_user


# --- Committees and members -----------------------------------------------------------------------


def test_staff_add_and_edit_a_member_and_declare_a_link(world, staff, resident):
    client = _client(staff)
    response = client.post(
        _url("member_add", world.committee.pk),
        {
            "full_name": "Nadia Voisine",
            "college": "resident",
            "organisation": "",
            "mandate_start": "2025-01-01",
            "mandate_end": "",
            "email": "",
            "account_email": resident.email.upper(),
        },
    )
    assert response.status_code == 302
    member = CommitteeMember.objects.get(full_name="Nadia Voisine")
    assert member.user == resident and member.has_vote

    response = client.post(
        _url("member_edit", member.pk),
        {
            "full_name": "Nadia Voisine",
            "college": "association",
            "organisation": "Les Jardins partagés",
            "mandate_start": "2025-01-01",
            "mandate_end": "2024-12-31",
            "email": "",
            "account_email": resident.email,
        },
    )
    assert response.status_code == 400 and "La fin du mandat doit suivre son début." in _page(response)
    data = {
        "full_name": "Nadia Voisine",
        "college": "association",
        "organisation": "Les Jardins partagés",
        "mandate_start": "2025-01-01",
        "mandate_end": "2025-12-31",
        "email": "",
        "account_email": resident.email,
    }
    assert client.post(_url("member_edit", member.pk), data).status_code == 302
    member.refresh_from_db()
    assert (member.college, member.mandate_end) == ("association", datetime.date(2025, 12, 31))

    holder = eligible_application(world.fund).holder
    other_fund_holder = eligible_application(world.other_fund).holder
    form_page = _page(client.get(_url("member_link_add", member.pk)))
    assert holder.name in form_page and other_fund_holder.name not in form_page
    response = client.post(
        _url("member_link_add", member.pk), {"holder": holder.pk, "holder_name": "", "reason": "Présidente"}
    )
    assert response.status_code == 302
    response = client.post(
        _url("member_link_add", member.pk), {"holder": holder.pk, "holder_name": "", "reason": "Encore"}
    )
    assert response.status_code == 400 and "déjà déclaré" in _page(response)
    page = _page(client.get(_url("committee_detail", world.committee.pk)))
    assert f"{holder.name} — Présidente" in page and "Les Jardins partagés" in page


def test_add_member_service_checks_permission_and_account(world, staff, other_staff, resident):
    kwargs = {
        "committee": world.committee,
        "full_name": "Karim Habitant",
        "college": CommitteeMember.College.RESIDENT,
        "mandate_start": datetime.date(2025, 1, 1),
    }
    with pytest.raises(PermissionDenied):
        services.add_member(user=other_staff, **kwargs)
    with pytest.raises(ValidationError) as error:
        services.add_member(user=staff, account_email="personne@example.org", **kwargs)
    assert "Aucun compte du portail" in " ".join(error.value.messages)
    member = services.add_member(user=staff, account_email=resident.email, **kwargs)
    assert AuditEntry.objects.filter(action="committees.add_member", target_id=str(member.pk)).exists()
    with pytest.raises(ValidationError, match="déjà celui d'un autre membre"):
        services.add_member(user=staff, account_email=resident.email, **{**kwargs, "full_name": "Doublon"})
    with pytest.raises(ValidationError):
        services.add_member(user=staff, **{**kwargs, "college": "president"})
    assert CommitteeMember.objects.filter(committee=world.committee).count() == 1


def test_update_member_ends_a_mandate_but_keeps_votes_meaningful(world, staff, open_board, other_staff):
    board, item = open_board
    member = board.voters[0]
    services.record_vote(user=staff, item=item, member=member, choice=FOR)
    fields = {
        "full_name": member.full_name,
        "college": CommitteeMember.College.RESIDENT,
        "mandate_start": member.mandate_start,
        "mandate_end": datetime.date(2025, 12, 31),
    }
    with pytest.raises(PermissionDenied):
        services.update_member(user=other_staff, member=member, **fields)
    account = member.user
    updated = services.update_member(user=staff, member=member, **fields)
    assert updated.mandate_end == datetime.date(2025, 12, 31) and updated.user == account  # account kept
    audit = AuditEntry.objects.get(action="committees.update_member", target_id=str(member.pk))
    assert audit.data["changes"]["mandate_end"] == {"before": "", "after": "2025-12-31"}
    assert services.update_member(user=staff, member=member, account_email="", **fields).user is None
    with pytest.raises(ValidationError, match="déjà voté"):
        services.update_member(user=staff, member=member, **{**fields, "college": CommitteeMember.College.EX_OFFICIO})


def test_add_member_link_by_name_and_its_automatic_recusal(world, staff, other_staff, open_board):
    board, _item = open_board
    member = board.voters[1]
    application = eligible_application(world.fund)
    with pytest.raises(PermissionDenied):
        services.add_member_link(user=other_staff, member=member, holder_name="X", reason="Frère")
    with pytest.raises(ValidationError):
        services.add_member_link(user=staff, member=member, reason="Frère")  # neither holder nor name
    with pytest.raises(ValidationError, match="pas les deux"):
        services.add_member_link(user=staff, member=member, holder=application.holder, holder_name="X", reason="Frère")
    link = services.add_member_link(
        user=staff, member=member, holder_name=f"  {application.holder.name.upper()} ", reason="Frère du référent"
    )
    assert link.holder_name == application.holder.name.upper()
    with pytest.raises(ValidationError, match="déjà déclaré"):
        services.add_member_link(user=staff, member=member, holder_name=application.holder.name, reason="Encore")
    item = put_on_agenda(board, staff, application)
    recusals = services.start_vote(user=staff, item=item)
    assert [(r.member, r.automatic) for r in recusals] == [(member, True)]


# --- Query count ----------------------------------------------------------------------------------


def _busy_items(board, staff, count: int) -> None:
    """Agenda lines with votes, a recusal, and every third one decided (written directly, for speed)."""
    start = board.session.items.count()
    now = timezone.now()
    for index in range(start, start + count):
        item = f.AgendaItemFactory(session=board.session, position=index + 1, vote_started_at=now)
        Recusal.objects.create(item=item, member=board.voters[2], automatic=True, reason="Lien")
        for member in board.voters[:2]:
            Vote.objects.create(item=item, member=member, choice=FOR, recorded_by=staff)
        if index % 3 == 0:
            Decision.objects.create(
                item=item, outcome=Decision.Outcome.DEFERRED, reason="Dossier à compléter", decided_by=staff
            )


def test_the_session_page_runs_as_many_queries_for_3_and_30_requests(world, staff):
    board = make_board(world, staff)
    seat(board, staff, count=3)
    eligible_application(world.fund)  # a candidate for the "add a request" list
    client = _client(staff)

    _busy_items(board, staff, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url("session_detail", board.session.pk)).status_code == 200
    _busy_items(board, staff, 27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("session_detail", board.session.pk))
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3"') == 30
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Payments -------------------------------------------------------------------------------------


@pytest.fixture
def granted_requests(world, staff):
    """Two granted requests in a closed session: 600 € (holder 'Repair café') and 400 €."""
    board = make_board(world, staff)
    seat(board, staff, count=3)
    first, _ = granted_item(board, staff, eligible_application(world.fund, title="Repair café"), "600")
    second, _ = granted_item(board, staff, eligible_application(world.fund, title="=Fête du square"), "400")
    services.close_session(user=staff, session=board.session)
    return first.application, second.application


def test_the_fund_page_shows_the_money_summary_to_whoever_reads_the_fund(world, staff, region_staff, granted_requests):
    first, _second = granted_requests
    services.record_payment(user=staff, application=first, kind="advance", paid_on=PAID_ON, method="transfer")
    for user in (staff, region_staff):
        page = _page(_client(user).get(reverse("portal:fund_detail", args=[world.fund.slug])))
        assert "Suivi financier" in page
        summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert "Enveloppe 20 000,00 €" in summary
        assert "Accordé 1 000,00 €" in summary
        assert "Versé 480,00 €" in summary
        assert "Reste de l'enveloppe (non accordé) 19 000,00 €" in summary
        assert "Reste à verser (accordé, pas encore versé) 520,00 €" in summary
        # Région 70 %, Ville de Roubaix 30 %.
        assert "Région Hauts-de-France 70 % 14 000,00 € 700,00 € 336,00 € 13 300,00 €" in summary
        assert "Ville de Roubaix 30 % 6 000,00 € 300,00 € 144,00 € 5 700,00 €" in summary


def test_staff_record_a_payment_with_the_advance_prefilled(world, staff, granted_requests):
    first, _second = granted_requests
    client = _client(staff)
    page = _page(client.get(_url("payments", world.fund.slug), {"demande": first.pk}))
    assert 'value="480,00"' in page  # 80 % of 600 €
    assert f'<option value="{first.pk}" selected>' in page
    response = client.post(
        _url("payments", world.fund.slug),
        {
            "application": first.pk,
            "kind": "advance",
            "paid_on": "2025-05-24",
            "method": "transfer",
            "reference": "VIR-2025-118",
            "amount": "480,00",
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.recorded_by, payment.reference) == (Decimal("480.00"), staff, "VIR-2025-118")
    first.refresh_from_db()
    assert first.status == Status.ADVANCE_PAID
    # The same advance again is a form error, not a 500.
    response = client.post(
        _url("payments", world.fund.slug),
        {"application": first.pk, "kind": "advance", "paid_on": "2025-05-24", "method": "transfer", "amount": ""},
    )
    assert response.status_code == 400 and "déjà enregistré" in _page(response)
    assert Payment.objects.count() == 1


def test_funder_staff_read_the_statement_and_csv_but_never_record(world, staff, region_staff, granted_requests):
    first, _second = granted_requests
    client = _client(region_staff)
    page = _page(client.get(_url("payments", world.fund.slug)))
    assert first.reference in page and "Enregistrer le versement" not in page
    assert client.get(_url("payments_csv", world.fund.slug)).status_code == 200
    response = client.post(
        _url("payments", world.fund.slug),
        {"application": first.pk, "kind": "advance", "paid_on": "2025-05-24", "method": "transfer"},
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()
    # Reading a fund's money is not sitting on its committee.
    assert client.get(_url("committee_detail", world.committee.pk)).status_code == 404


def test_payments_csv_columns(world, staff, granted_requests):
    first, second = granted_requests
    services.record_payment(
        user=staff, application=first, kind="advance", paid_on=PAID_ON, method="cheque", reference="CHQ 0042"
    )
    response = _client(staff).get(_url("payments_csv", world.fund.slug))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="versements-{world.fund.slug}-2025-05-24.csv"' in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "reference",
        "title",
        "holder",
        "amount_granted",
        "kind",
        "paid_on",
        "amount",
        "method",
        "payment_reference",
        "recorded_by",
    ]
    assert rows[1] == [
        first.reference,
        "Repair café",
        first.holder.name,
        "600.00",
        "advance",
        "2025-05-24",
        "480.00",
        "cheque",
        "CHQ 0042",
        str(staff),
    ]
    # A granted request not paid yet; a title starting with "=" is not run as a formula.
    assert rows[2] == [second.reference, "'=Fête du square", second.holder.name, "400.00", "", "", "", "", "", ""]
    assert len(rows) == 3


# --- Navigation -----------------------------------------------------------------------------------


def test_the_dashboard_links_to_the_committees_and_the_inbox(world, staff, committee_member, resident):
    page = _client(staff).get(reverse("portal:dashboard")).content.decode()
    assert reverse("committees:committee_list") in page and reverse("staff:inbox") in page
    page = _client(committee_member).get(reverse("portal:dashboard")).content.decode()
    assert reverse("committees:committee_list") in page and reverse("staff:inbox") not in page
    own = f.ApplicationFactory(fund=world.fund, created_by=resident, title="Jardin partagé")
    page = _client(resident).get(reverse("portal:dashboard")).content.decode()
    assert own.title in page
    assert reverse("committees:committee_list") not in page and reverse("staff:inbox") not in page


# --- Accessible HTML ------------------------------------------------------------------------------


class _FormAudit(HTMLParser):
    """Collects ids, the targets of <label for>, the fields, and the fieldsets without a legend."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_targets: set[str] = set()
        self.fields: list[str] = []
        self.fieldsets: list[bool] = []  # open fieldsets: has a legend yet?
        self.fieldsets_without_legend = 0
        self.tables_without_caption = 0
        self._table_open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_targets.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.fields.append(attrs.get("id", ""))
        if tag == "fieldset":
            self.fieldsets.append(False)
        if tag == "legend" and self.fieldsets:
            self.fieldsets[-1] = True
        if tag == "table":
            self._table_open = True
        elif self._table_open:
            self.tables_without_caption += tag != "caption"
            self._table_open = False

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets_without_legend += not self.fieldsets.pop()


def _audit(response) -> _FormAudit:
    audit = _FormAudit()
    audit.feed(response.content.decode())
    return audit


def test_pages_have_unique_ids_labelled_fields_legends_and_captions(world, staff, granted_requests):
    board = make_board(world, staff, committee=f.CommitteeFactory(fund=world.fund, name="Comité bis"))
    seat(board, staff, count=3)
    for _ in range(2):
        put_on_agenda(board, staff, eligible_application(world.fund))
    eligible_application(world.fund)  # a candidate, for the "add a request" form
    first = board.session.items.order_by("position").first()
    services.start_vote(user=staff, item=first)
    client = _client(staff)
    pages = [
        client.get(_url("session_detail", board.session.pk)),
        client.get(_url("session_detail", granted_requests[0].agenda_items.get().session_id)),  # closed
        client.get(_url("committee_detail", world.committee.pk)),
        client.get(_url("payments", world.fund.slug), {"demande": granted_requests[0].pk}),
        client.get(_url("member_add", world.committee.pk)),
        client.get(_url("member_link_add", board.voters[0].pk)),
        client.get(_url("session_create", world.committee.pk)),
        client.get(reverse("portal:fund_detail", args=[world.fund.slug])),
    ]
    for response in pages:
        assert response.status_code == 200
        audit = _audit(response)
        duplicates = {identifier for identifier in audit.ids if audit.ids.count(identifier) > 1}
        assert not duplicates, (response.request["PATH_INFO"], duplicates)
        unlabelled = [field for field in audit.fields if field not in audit.label_targets]
        assert not unlabelled, (response.request["PATH_INFO"], unlabelled)
        assert audit.fieldsets_without_legend == 0, response.request["PATH_INFO"]
        assert audit.tables_without_caption == 0, response.request["PATH_INFO"]
    open_page = _audit(pages[0])
    assert any(field.startswith(f"id_vote-{first.pk}-member_") for field in open_page.fields)
    assert any(field.startswith("id_rectif-") for field in _audit(pages[1]).fields)
