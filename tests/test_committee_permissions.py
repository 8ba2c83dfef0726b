"""Committee services: who may run or read a session; only the fund's association staff act."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from committees import selectors, services
from committees.models import (
    CommitteeSession,
    Vote,
)
from committees.permissions import can_run_session, can_view_session
from core.models import AuditEntry
from tests.committee_helpers import DEFERRED, FOR, SESSION_DAY, eligible_application, granted_item, put_on_agenda, seat

PAID_ON = datetime.date(2025, 6, 2)


# --- Who may do what ------------------------------------------------------------------------------


def test_committee_members_read_sessions_and_staff_run_them(world, staff, other_staff, committee_member, board):
    assert can_run_session(staff, board.session) and can_view_session(staff, board.session)
    assert can_view_session(committee_member, board.session)
    assert not can_run_session(committee_member, board.session)
    assert not can_view_session(other_staff, board.session)
    assert list(selectors.sessions_visible_to(user=committee_member)) == [board.session]
    assert list(selectors.sessions_visible_to(user=other_staff)) == []


@pytest.fixture
def decided(world, staff, board):
    """A session with one request granted, one ready to vote, closed afterwards by the tests that need it."""
    seat(board, staff)
    granted, decision = granted_item(board, staff, eligible_application(world.fund), "500")
    pending = put_on_agenda(board, staff, eligible_application(world.fund))
    return {"board": board, "granted": granted, "decision": decision, "pending": pending}


SERVICE_CALLS = {
    "create_session": lambda d, user: services.create_session(
        user=user, committee=d["board"].committee, date=SESSION_DAY, time=datetime.time(18), place="Ailleurs"
    ),
    "build_agenda": lambda d, user: services.build_agenda(user=user, session=d["board"].session),
    "add_agenda_item": lambda d, user: services.add_agenda_item(
        user=user, session=d["board"].session, application=d["pending"].application
    ),
    "remove_agenda_item": lambda d, user: services.remove_agenda_item(user=user, item=d["pending"]),
    "send_convocations": lambda d, user: services.send_convocations(user=user, session=d["board"].session),
    "open_session": lambda d, user: services.open_session(user=user, session=d["board"].session),
    "record_attendance": lambda d, user: services.record_attendance(
        user=user, session=d["board"].session, member=d["board"].voters[4]
    ),
    "start_vote": lambda d, user: services.start_vote(user=user, item=d["pending"]),
    "declare_recusal": lambda d, user: services.declare_recusal(
        user=user, item=d["pending"], member=d["board"].voters[0], reason="Lien"
    ),
    "record_vote": lambda d, user: services.record_vote(
        user=user, item=d["pending"], member=d["board"].voters[0], choice=FOR
    ),
    "decide": lambda d, user: services.decide(user=user, item=d["pending"], outcome=DEFERRED, reason="Non"),
    "close_session": lambda d, user: services.close_session(user=user, session=d["board"].session),
    "amend_decision": lambda d, user: services.amend_decision(
        user=user, decision=d["decision"], amount=Decimal("400"), reason="Erreur"
    ),
    "record_payment": lambda d, user: services.record_payment(
        user=user, application=d["granted"].application, kind="advance", paid_on=PAID_ON, method="transfer"
    ),
}


@pytest.mark.parametrize("service", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("persona", ["other_staff", "committee_member", "region_staff", "resident"])
def test_only_the_fund_association_staff_may_act(request, decided, service, persona):
    user = request.getfixturevalue(persona)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        SERVICE_CALLS[service](decided, user)
    assert AuditEntry.objects.count() == audit_before


def test_the_administrator_may_act(decided, admin_user):
    SERVICE_CALLS["record_vote"](decided, admin_user)
    assert Vote.objects.filter(item=decided["pending"], recorded_by=admin_user).exists()


def test_a_closed_session_reads_close_not_the_verb_fermer():
    from django.utils import translation

    with translation.override("fr"):
        assert [str(label) for label in CommitteeSession.Status.labels] == ["Prévue", "Ouverte", "Close"]
