"""Committee sessions (services): creation, agenda, convocations, opening, quorum."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from applications.models import StatusChange
from applications.workflow import Status
from committees import selectors, services
from committees.models import (
    Committee,
    CommitteeSession,
    Vote,
)
from core.models import AuditEntry
from tests import factories as f
from tests.committee_helpers import DEFERRED, FOR, eligible_application, make_board, messages_of, put_on_agenda, seat

# --- Sessions and agenda --------------------------------------------------------------------------


def test_create_session_is_audited_and_planned(world, staff, board):
    assert board.session.status == CommitteeSession.Status.PLANNED
    assert board.session.created_by == staff
    assert AuditEntry.objects.filter(action="committees.create_session", target_id=str(board.session.pk)).exists()


def test_build_agenda_takes_eligible_and_deferred_requests_filed_on_time(world, staff, board):
    on_time = eligible_application(world.fund)
    deferred = eligible_application(world.fund, status=Status.DEFERRED)
    # Filed 14 days before: the fund asks 15.
    late = eligible_application(world.fund, submitted_at=datetime.datetime(2025, 5, 10, 9, 0, tzinfo=datetime.UTC))
    # Last minute still on time: 9 May 2025, 23:30 in Paris is 21:30 UTC.
    last_minute = eligible_application(
        world.fund, submitted_at=datetime.datetime(2025, 5, 9, 21, 30, tzinfo=datetime.UTC)
    )
    under_review = eligible_application(world.fund, status=Status.UNDER_REVIEW)
    other_fund = eligible_application(world.other_fund)

    items = services.build_agenda(user=staff, session=board.session)

    assert [item.application for item in items] == [on_time, deferred, last_minute]
    assert [item.position for item in items] == [1, 2, 3]
    for application in (on_time, deferred, last_minute):
        application.refresh_from_db()
        assert application.status == Status.ON_AGENDA
        assert StatusChange.objects.filter(application=application, transition="put_on_agenda").exists()
    for application, status in ((late, Status.ELIGIBLE), (under_review, Status.UNDER_REVIEW)):
        application.refresh_from_db()
        assert application.status == status
    other_fund.refresh_from_db()
    assert other_fund.status == Status.ELIGIBLE


def test_add_agenda_item_refuses_late_filing_other_fund_and_unfinished_instruction(world, staff, board):
    late = eligible_application(world.fund, submitted_at=datetime.datetime(2025, 5, 20, 9, 0, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError) as error:
        put_on_agenda(board, staff, late)
    assert "15 jours" in messages_of(error.value) and "09/05/2025" in messages_of(error.value)
    with pytest.raises(ValidationError, match="autre fonds"):
        put_on_agenda(board, staff, eligible_application(world.other_fund))
    with pytest.raises(ValidationError, match="recevable"):
        put_on_agenda(board, staff, eligible_application(world.fund, status=Status.SUBMITTED))


def test_remove_agenda_item_makes_the_request_eligible_again_and_renumbers(world, staff, board):
    first, second, third = (put_on_agenda(board, staff, eligible_application(world.fund)) for _ in range(3))
    services.remove_agenda_item(user=staff, item=first, reason="Le porteur ne peut pas venir")
    first.application.refresh_from_db()
    assert first.application.status == Status.ELIGIBLE
    assert list(board.session.items.order_by("position").values_list("pk", "position")) == [
        (second.pk, 1),
        (third.pk, 2),
    ]


def test_remove_agenda_item_refused_once_votes_are_cast(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff)
    services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    with pytest.raises(ValidationError, match="vote"):
        services.remove_agenda_item(user=staff, item=item)


def test_send_convocations_to_members_with_an_address_and_invited_holders(
    world, staff, board, django_capture_on_commit_callbacks
):
    invited = put_on_agenda(board, staff, eligible_application(world.fund))
    not_invited = services.add_agenda_item(
        user=staff, session=board.session, application=eligible_application(world.fund), invited_to_present=False
    )
    no_address = f.CommitteeMemberFactory(committee=board.committee, full_name="Sans Adresse", user=None, email="")
    retired = f.CommitteeMemberFactory(
        committee=board.committee, full_name="Ancien Membre", mandate_end=datetime.date(2025, 3, 1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = services.send_convocations(user=staff, session=board.session)

    assert no_address in report.members_without_email
    assert retired not in report.members_convened
    assert report.holders_invited == [invited]
    recipients = [message.to[0] for message in mail.outbox]
    expected_members = {m.user.email for m in board.voters} | {"elu@mairie.example.org"}
    assert expected_members <= set(recipients)
    assert retired.user.email not in recipients
    assert invited.application.holder.owner.email in recipients
    assert not_invited.application.holder.owner.email not in recipients
    assert len(mail.outbox) == len(expected_members) + 1
    member_mail = next(m for m in mail.outbox if m.to == [board.voters[0].user.email])
    assert member_mail.subject == ("Convocation : Comité d'attribution de l'Hommelet, séance du 24/05/2025 à 18:00")
    assert invited.application.reference in member_mail.body and not_invited.application.reference in member_mail.body
    holder_mail = next(m for m in mail.outbox if m.to == [invited.application.holder.owner.email])
    assert "présenter votre projet" in holder_mail.body and "Salle Watteeuw" in holder_mail.body
    board.session.refresh_from_db()
    assert board.session.convocations_sent_at is not None


def test_send_convocations_needs_an_agenda(world, staff, board):
    with pytest.raises(ValidationError, match="ordre du jour est vide"):
        services.send_convocations(user=staff, session=board.session)


def test_session_cannot_open_before_its_day(world, staff):
    future = make_board(world, staff, day=datetime.date.today() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="ne peut pas être ouverte avant"):
        services.open_session(user=staff, session=future.session)


# --- Quorum ---------------------------------------------------------------------------------------


def test_quorum_blocks_votes_until_a_majority_of_voting_members_is_present(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=2)
    # A member "de droit" attends but does not count.
    services.record_attendance(user=staff, session=board.session, member=board.ex_officio, present=True)
    with pytest.raises(ValidationError) as error:
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    assert "quorum n'est pas atteint" in messages_of(error.value)
    assert "2 membres votants présents sur 3 requis" in messages_of(error.value)
    assert not Vote.objects.exists()
    with pytest.raises(ValidationError, match="quorum"):
        services.decide(user=staff, item=item, outcome=DEFERRED, reason="Pas de quorum")

    services.record_attendance(user=staff, session=board.session, member=board.voters[2], present=True)
    services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    assert Vote.objects.count() == 1


def test_quorum_ignores_members_whose_mandate_does_not_cover_the_session(world, staff, board):
    # Two more residents whose mandate ended: the majority stays 3 of 5.
    for _ in range(2):
        f.CommitteeMemberFactory(committee=board.committee, mandate_end=datetime.date(2025, 2, 1))
    quorum = selectors.session_quorum(session=board.session)
    assert (quorum.voting_members, quorum.required) == (5, 3)


def test_fixed_quorum(world, staff, board):
    board.committee.quorum_kind = Committee.QuorumKind.FIXED
    board.committee.quorum_fixed = 2
    board.committee.full_clean()
    board.committee.save()
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=1)
    with pytest.raises(ValidationError, match="1 membre votant présent sur 2 requis"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    seat(board, staff, count=2)
    services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)


def test_fixed_quorum_needs_its_number(world):
    committee = Committee(fund=world.fund, name="Comité", quorum_kind=Committee.QuorumKind.FIXED)
    with pytest.raises(ValidationError, match="quorum"):
        committee.full_clean()
