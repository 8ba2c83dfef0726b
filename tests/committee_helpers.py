"""Shared by the committee tests: a board of members and a session, requests on time, votes and grants, and the
test-client helpers of the committee pages. Its fixtures are registered for the whole suite by tests/conftest.py."""

import datetime
import html
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from applications.workflow import Status
from committees import services
from committees.models import Committee, CommitteeMember, CommitteeSession, Decision, Vote
from tests import factories as f

SESSION_DAY = datetime.date(2025, 5, 24)
ON_TIME = datetime.datetime(2025, 5, 1, 10, 0, tzinfo=datetime.UTC)  # 23 days before: fund asks 15

FOR, AGAINST, ABSTAIN = Vote.Choice.FOR, Vote.Choice.AGAINST, Vote.Choice.ABSTAIN
GRANTED, DEFERRED, REFUSED = Decision.Outcome.GRANTED, Decision.Outcome.DEFERRED, Decision.Outcome.REFUSED

_numbers = iter(range(1, 10_000))


def eligible_application(fund, *, amount="800.00", status=Status.ELIGIBLE, submitted_at=ON_TIME, **kwargs):
    """A request as instruction leaves it: filed (reference, date) and declared eligible."""
    number = next(_numbers)
    return f.ApplicationFactory(
        fund=fund,
        status=status,
        submitted_at=submitted_at,
        number=number,
        reference=f"PIC-2025-{number:04d}",
        amount_requested=Decimal(amount),
        **kwargs,
    )


@dataclass
class Board:
    committee: Committee
    voters: list[CommitteeMember]  # 5 residents, each with an account
    ex_officio: CommitteeMember
    session: CommitteeSession


def new_voters(committee) -> list[CommitteeMember]:
    return [
        f.CommitteeMemberFactory(committee=committee, full_name=f"Votant·e {name}", user=f.UserFactory())
        for name in ("Alice", "Bilal", "Chloé", "Driss", "Emma")
    ]


def make_board(world, staff, *, day=SESSION_DAY, committee=None) -> Board:
    committee = committee or world.committee
    voters = new_voters(committee)
    ex_officio = f.CommitteeMemberFactory(
        committee=committee,
        full_name="Élu délégué",
        college=CommitteeMember.College.EX_OFFICIO,
        user=None,
        email="elu@mairie.example.org",
    )
    session = services.create_session(
        user=staff, committee=committee, date=day, time=datetime.time(18, 0), place="Salle Watteeuw, Roubaix"
    )
    return Board(committee=committee, voters=voters, ex_officio=ex_officio, session=session)


def seat(board: Board, staff, count: int = 3) -> None:
    """Open the session with `count` voting members present (3 of 5 makes the majority quorum)."""
    if board.session.status == CommitteeSession.Status.PLANNED:
        board.session = services.open_session(user=staff, session=board.session)
    for member in board.voters[:count]:
        services.record_attendance(
            user=staff, session=board.session, member=member, present=True, arrived_at=datetime.time(18, 5)
        )


def put_on_agenda(board: Board, staff, application):
    return services.add_agenda_item(user=staff, session=board.session, application=application)


def cast(staff, item, members, choices) -> None:
    for member, choice in zip(members, choices, strict=True):
        services.record_vote(user=staff, item=item, member=member, choice=choice)


def decided_item(board: Board, staff, application, votes, outcome, **decision):
    """Put on the agenda, voted by the first members (one choice each), then decided: the item and its decision."""
    item = put_on_agenda(board, staff, application)
    cast(staff, item, board.voters[: len(votes)], votes)
    return item, services.decide(user=staff, item=item, outcome=outcome, **decision)


def granted_item(board: Board, staff, application, amount, *, votes=(FOR, FOR, FOR)):
    return decided_item(board, staff, application, votes, GRANTED, amount=Decimal(amount))


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.fixture
def board(world, staff):
    return make_board(world, staff)


# The evening of the session of 24/05/2025 (18:00 in Roubaix): requests filed on 1 May are on time.
SESSION_EVENING = datetime.datetime(2025, 5, 24, 17, 30, tzinfo=datetime.UTC)


@pytest.fixture
def on_the_session_day():
    """The committee pages' tests run on the evening of the session (`pytestmark` in each module)."""
    with time_machine.travel(SESSION_EVENING, tick=True):
        yield


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_url(name: str, *args) -> str:
    return reverse(f"committees:{name}", args=args)


def plain(text: str) -> str:
    """French typography uses (narrow) no-break spaces; compare on plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


def page_text(response) -> str:
    return plain(html.unescape(response.content.decode()))


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    """The PDF's reader and its text, line breaks kept, on plain spaces."""
    reader = PdfReader(io.BytesIO(content))
    return reader, plain("\n".join(page.extract_text() for page in reader.pages))


def pdf_words(content: bytes) -> str:
    """The PDF's text as single-spaced words (what pdf_text reads, line breaks folded)."""
    return " ".join(pdf_text(content)[1].split())


def vote_data(item, choices: dict) -> dict:
    return {f"vote-{item.pk}-member_{member.pk}": choice for member, choice in choices.items()}


def decision_data(item, outcome: str, *, amount: str = "", conditions: str = "", reason: str = "") -> dict:
    prefix = f"decision-{item.pk}"
    return {
        f"{prefix}-outcome": outcome,
        f"{prefix}-amount": amount,
        f"{prefix}-conditions": conditions,
        f"{prefix}-reason": reason,
    }


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


@pytest.fixture
def granted_requests(world, staff):
    """Two granted requests in a closed session: 600 € (holder 'Repair café') and 400 €."""
    board = make_board(world, staff)
    seat(board, staff, count=3)
    first, _ = granted_item(board, staff, eligible_application(world.fund, title="Repair café"), "600")
    second, _ = granted_item(board, staff, eligible_application(world.fund, title="=Fête du square"), "400")
    services.close_session(user=staff, session=board.session)
    return first.application, second.application
