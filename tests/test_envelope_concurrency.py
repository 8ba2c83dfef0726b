"""On PostgreSQL, with real concurrent transactions: the envelope holds, a vote counts once, an item is
decided once. Skipped, with the reason, on SQLite (tests/conftest.py)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applications.models import Application
from applications.workflow import Status
from committees import selectors, services
from committees.models import Decision, Vote
from tests import factories as f
from tests.committee_helpers import FOR, cast, eligible_application, make_board, put_on_agenda, seat

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls) -> list:
    """Run each call in its own thread (own connection), all released at the same instant."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a decision never finished: deadlock?"
    return results


def test_twenty_concurrent_grants_from_two_sessions_never_exceed_the_envelope(world, staff):
    world.fund.envelope = Decimal("5000.00")
    world.fund.max_grant = Decimal("1000.00")
    world.fund.save()
    boards = [
        make_board(world, staff),
        make_board(world, staff, committee=f.CommitteeFactory(fund=world.fund, name="Comité d'été")),
    ]
    items = []
    for index in range(20):
        board = boards[index % 2]
        if board.session.status == "planned":
            seat(board, staff)
        item = put_on_agenda(board, staff, eligible_application(world.fund, amount="1000"))
        cast(staff, item, board.voters[:3], (FOR, FOR, FOR))
        items.append(item)

    results = run_together(
        [
            lambda item=item: services.decide(
                user=staff, item=item, outcome=Decision.Outcome.GRANTED, amount=Decimal("400.00")
            )
            for item in items
        ]
    )

    decisions = [r for r in results if isinstance(r, Decision)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(decisions) + len(refusals) == 20, [r for r in results if not isinstance(r, Decision | ValidationError)]
    assert len(decisions) == 12  # 12 × 400 € = 4 800 €; a 13th would pass 5 000 €
    assert all("L'enveloppe du fonds ne suffit pas" in " ".join(r.messages) for r in refusals)
    total = selectors.granted_total(fund=world.fund)
    assert total == Decimal("4800.00") <= world.fund.envelope
    assert Decision.objects.filter(outcome=Decision.Outcome.GRANTED).count() == 12
    assert Application.objects.filter(fund=world.fund, status=Status.GRANTED).count() == 12
    assert Application.objects.filter(fund=world.fund, status=Status.ON_AGENDA).count() == 8
    assert {d.item.session_id for d in decisions} == {b.session.pk for b in boards}


def test_the_same_vote_posted_at_the_same_moment_counts_once(world, staff):
    board = make_board(world, staff)
    seat(board, staff)
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    member = board.voters[0]

    results = run_together(
        [lambda: services.record_vote(user=staff, item=item, member=member, choice=FOR) for _ in range(5)]
    )

    assert all(isinstance(r, Vote) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Vote.objects.filter(item=item, member=member).count() == 1


def test_an_item_is_decided_once_when_two_clerks_decide_together(world, staff):
    board = make_board(world, staff)
    seat(board, staff)
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    cast(staff, item, board.voters[:3], (FOR, FOR, FOR))

    results = run_together(
        [
            lambda: services.decide(user=staff, item=item, outcome=Decision.Outcome.GRANTED, amount=Decimal("500")),
            lambda: services.decide(user=staff, item=item, outcome=Decision.Outcome.GRANTED, amount=Decimal("500")),
        ]
    )

    assert sum(isinstance(r, Decision) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert selectors.granted_total(fund=world.fund) == Decimal("500.00")
