"""Attribution committee sessions: agenda, convocations, quorum, recusals, votes, decisions, payments."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import StatusChange
from applications.workflow import Status
from committees import selectors, services
from committees.models import (
    Amendment,
    Committee,
    CommitteeMember,
    CommitteeSession,
    Decision,
    Payment,
    Recusal,
    Vote,
)
from committees.permissions import can_run_session, can_view_session
from core.models import AuditEntry
from core.templatetags.portal_format import format_money
from tests import factories as f

SESSION_DAY = datetime.date(2025, 5, 24)
ON_TIME = datetime.datetime(2025, 5, 1, 10, 0, tzinfo=datetime.UTC)  # 23 days before: fund asks 15
PAID_ON = datetime.date(2025, 6, 2)

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


def make_board(world, staff, *, day=SESSION_DAY, committee=None) -> Board:
    committee = committee or world.committee
    voters = [
        f.CommitteeMemberFactory(committee=committee, full_name=f"Votant·e {name}", user=f.UserFactory())
        for name in ("Alice", "Bilal", "Chloé", "Driss", "Emma")
    ]
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


def granted_item(board: Board, staff, application, amount, *, votes=(FOR, FOR, FOR)):
    item = put_on_agenda(board, staff, application)
    cast(staff, item, board.voters[: len(votes)], votes)
    decision = services.decide(user=staff, item=item, outcome=GRANTED, amount=Decimal(amount))
    return item, decision


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.fixture
def board(world, staff):
    return make_board(world, staff)


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
    assert "2 membre(s) votant(s) présent(s) sur 3 requis" in messages_of(error.value)
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
    with pytest.raises(ValidationError, match="1 membre\\(s\\) votant\\(s\\) présent\\(s\\) sur 2 requis"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    seat(board, staff, count=2)
    services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)


def test_fixed_quorum_needs_its_number(world):
    committee = Committee(fund=world.fund, name="Comité", quorum_kind=Committee.QuorumKind.FIXED)
    with pytest.raises(ValidationError, match="quorum"):
        committee.full_clean()


# --- Recusals -------------------------------------------------------------------------------------


def test_members_linked_to_the_holder_are_recused_when_the_vote_starts(world, staff, board):
    application = eligible_application(world.fund)
    by_record, by_name, filer = board.voters[0], board.voters[1], board.voters[2]
    f.CommitteeMemberLinkFactory(member=by_record, holder=application.holder, reason="Trésorière de l'association")
    f.CommitteeMemberLinkFactory(
        member=by_name, holder=None, holder_name=application.holder.name.upper(), reason="Frère du référent"
    )
    # A member who filed another holder's request is not linked to this one.
    f.CommitteeMemberLinkFactory(member=board.voters[3], reason="Autre association")
    item = put_on_agenda(board, staff, application)
    # The member who filed the request is its holder.
    filer.user = application.created_by
    filer.save()
    seat(board, staff, count=5)

    recusals = services.start_vote(user=staff, item=item)

    assert {(r.member, r.automatic) for r in recusals} == {(by_record, True), (by_name, True), (filer, True)}
    assert Recusal.objects.get(item=item, member=by_record).reason == "Trésorière de l'association"
    for member in (by_record, by_name, filer):
        with pytest.raises(ValidationError, match="déporté"):
            services.record_vote(user=staff, item=item, member=member, choice=FOR)
    services.record_vote(user=staff, item=item, member=board.voters[3], choice=FOR)
    # Starting again does not duplicate them.
    assert len(services.start_vote(user=staff, item=item)) == 3
    assert Recusal.objects.filter(item=item).count() == 3


def test_recusal_is_automatic_even_when_the_first_vote_opens_the_item(world, staff, board):
    application = eligible_application(world.fund)
    f.CommitteeMemberLinkFactory(member=board.voters[0], holder=application.holder, reason="Présidente")
    item = put_on_agenda(board, staff, application)
    seat(board, staff)
    with pytest.raises(ValidationError, match="déporté"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    services.record_vote(user=staff, item=item, member=board.voters[1], choice=FOR)
    assert Recusal.objects.get(item=item).automatic is True


def test_declared_recusal(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=4)
    with pytest.raises(ValidationError, match="motif"):
        services.declare_recusal(user=staff, item=item, member=board.voters[0], reason=" ")
    recusal = services.declare_recusal(user=staff, item=item, member=board.voters[0], reason="Voisine du porteur")
    assert recusal.automatic is False
    with pytest.raises(ValidationError, match="déporté"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    services.record_vote(user=staff, item=item, member=board.voters[1], choice=AGAINST)
    with pytest.raises(ValidationError, match="déjà voté"):
        services.declare_recusal(user=staff, item=item, member=board.voters[1], reason="Oubli")


# --- Votes ----------------------------------------------------------------------------------------


def test_the_same_vote_posted_twice_counts_once(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff)
    first = services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    again = services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    assert again.pk == first.pk
    assert Vote.objects.filter(item=item).count() == 1
    with pytest.raises(ValidationError, match="déjà enregistré"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=AGAINST)
    services.record_vote(user=staff, item=item, member=board.voters[1], choice=AGAINST)
    services.record_vote(user=staff, item=item, member=board.voters[2], choice=AGAINST)
    decision = services.decide(user=staff, item=item, outcome=REFUSED, reason="Projet hors du quartier")
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (1, 2, 0)


def test_absent_ex_officio_and_foreign_members_cannot_vote(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff)
    services.record_attendance(user=staff, session=board.session, member=board.voters[3], present=False)
    services.record_attendance(user=staff, session=board.session, member=board.ex_officio, present=True)
    with pytest.raises(ValidationError, match="présent"):
        services.record_vote(user=staff, item=item, member=board.voters[3], choice=FOR)
    with pytest.raises(ValidationError, match="présent"):
        services.record_vote(user=staff, item=item, member=board.voters[4], choice=FOR)  # never recorded
    with pytest.raises(ValidationError, match="membre de droit"):
        services.record_vote(user=staff, item=item, member=board.ex_officio, choice=FOR)
    stranger = f.CommitteeMemberFactory(committee=f.CommitteeFactory(fund=world.fund))
    with pytest.raises(ValidationError, match="ne siège pas"):
        services.record_vote(user=staff, item=item, member=stranger, choice=FOR)
    with pytest.raises(ValidationError, match="pour"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice="peut-être")
    assert not Vote.objects.exists()


def test_votes_need_an_open_session(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    with pytest.raises(ValidationError, match="pas encore ouverte"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)


# --- Decisions ------------------------------------------------------------------------------------


def test_a_tie_does_not_grant(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=5)
    cast(staff, item, board.voters[:5], (FOR, FOR, AGAINST, AGAINST, ABSTAIN))
    with pytest.raises(ValidationError) as error:
        services.decide(user=staff, item=item, outcome=GRANTED, amount=Decimal("500"))
    assert "2 pour, 2 contre, 1 abstention" in messages_of(error.value)
    assert "égalité" in messages_of(error.value)
    with pytest.raises(ValidationError, match="motif"):
        services.decide(user=staff, item=item, outcome=REFUSED)
    decision = services.decide(user=staff, item=item, outcome=REFUSED, reason="Égalité des voix")
    item.application.refresh_from_db()
    assert item.application.status == Status.REFUSED
    assert decision.amount_granted == 0
    change = StatusChange.objects.get(application=item.application, transition="refuse")
    assert change.comment == "Égalité des voix"


def test_a_majority_for_grants_and_abstentions_are_not_votes_cast(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=5)
    cast(staff, item, board.voters[:4], (FOR, ABSTAIN, ABSTAIN, ABSTAIN))
    with pytest.raises(ValidationError, match="accordent la subvention"):
        services.decide(user=staff, item=item, outcome=REFUSED, reason="Non")
    decision = services.decide(
        user=staff, item=item, outcome=GRANTED, amount=Decimal("650.50"), conditions="Fournir les factures"
    )
    item.application.refresh_from_db()
    assert item.application.status == Status.GRANTED
    assert decision.amount_granted == Decimal("650.50")
    assert decision.decided_by == staff
    assert AuditEntry.objects.filter(action="committees.decide.granted", target_id=str(decision.pk)).exists()


def test_absolute_majority_rule_counts_present_voters(world, staff, board):
    board.committee.decision_rule = Committee.DecisionRule.ABSOLUTE_MAJORITY
    board.committee.save()
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=5)
    cast(staff, item, board.voters[:5], (FOR, FOR, AGAINST, ABSTAIN, ABSTAIN))
    with pytest.raises(ValidationError, match="n'accordent pas"):
        services.decide(user=staff, item=item, outcome=GRANTED, amount=Decimal("500"))
    services.decide(user=staff, item=item, outcome=REFUSED, reason="Pas de majorité absolue")


def test_amount_above_the_amount_asked_or_the_cap_is_refused(world, staff, board):
    world.fund.max_grant = Decimal("700")
    world.fund.save()
    asked_600 = put_on_agenda(board, staff, eligible_application(world.fund, amount="600"))
    asked_900 = put_on_agenda(board, staff, eligible_application(world.fund, amount="900"))
    seat(board, staff)
    cast(staff, asked_600, board.voters[:3], (FOR, FOR, FOR))
    cast(staff, asked_900, board.voters[:3], (FOR, FOR, FOR))
    with pytest.raises(ValidationError) as error:
        services.decide(user=staff, item=asked_600, outcome=GRANTED, amount=Decimal("600.01"))
    assert "montant demandé" in messages_of(error.value) and format_money(Decimal("600")) in messages_of(error.value)
    with pytest.raises(ValidationError) as error:
        services.decide(user=staff, item=asked_900, outcome=GRANTED, amount=Decimal("800"))
    assert "plafond" in messages_of(error.value) and format_money(Decimal("700")) in messages_of(error.value)
    with pytest.raises(ValidationError, match="deux décimales"):
        services.decide(user=staff, item=asked_900, outcome=GRANTED, amount=Decimal("100.001"))
    with pytest.raises(ValidationError, match="supérieur à 0"):
        services.decide(user=staff, item=asked_900, outcome=GRANTED, amount=Decimal("0"))
    with pytest.raises(ValidationError, match="montant accordé"):
        services.decide(user=staff, item=asked_900, outcome=GRANTED)
    with pytest.raises(TypeError):
        services.decide(user=staff, item=asked_900, outcome=GRANTED, amount=100.0)
    assert services.decide(user=staff, item=asked_900, outcome=GRANTED, amount=Decimal("700")).amount_granted == 700
    assert not Decision.objects.filter(item=asked_600).exists()


def test_second_request_of_a_holder_uses_the_lower_cap(world, staff, board):
    world.fund.max_grant_second_request = Decimal("400")
    world.fund.save()
    first = eligible_application(world.fund)
    second = eligible_application(world.fund, holder=first.holder, created_by=first.created_by)
    seat(board, staff)
    granted_item(board, staff, first, "800")
    item = put_on_agenda(board, staff, second)
    cast(staff, item, board.voters[:3], (FOR, FOR, FOR))
    with pytest.raises(ValidationError, match="400,00"):
        services.decide(user=staff, item=item, outcome=GRANTED, amount=Decimal("500"))
    services.decide(user=staff, item=item, outcome=GRANTED, amount=Decimal("400"))


def test_decision_on_a_request_not_on_the_agenda_is_refused(world, staff, board):
    removed = put_on_agenda(board, staff, eligible_application(world.fund))
    kept = put_on_agenda(board, staff, eligible_application(world.fund))
    services.remove_agenda_item(user=staff, item=removed)
    seat(board, staff)
    with pytest.raises(ValidationError, match="plus à l'ordre du jour"):
        services.decide(user=staff, item=removed, outcome=DEFERRED, reason="Dossier incomplet")
    # Withdrawn by the holder in the meantime: not on the agenda any more.
    type(kept.application).objects.filter(pk=kept.application_id).update(status=Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="n'est pas à l'ordre du jour"):
        services.decide(user=staff, item=kept, outcome=DEFERRED, reason="Dossier incomplet")
    assert not Decision.objects.exists()


def test_one_decision_per_item_and_deferral_goes_back_to_a_next_agenda(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff)
    services.decide(user=staff, item=item, outcome=DEFERRED, reason="Devis manquant")
    with pytest.raises(ValidationError, match="déjà décidé"):
        services.decide(user=staff, item=item, outcome=DEFERRED, reason="Encore")
    with pytest.raises(ValidationError, match="vote est clos"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    item.application.refresh_from_db()
    assert item.application.status == Status.DEFERRED
    later = services.create_session(
        user=staff, committee=board.committee, date=datetime.date(2025, 6, 21), time=datetime.time(18), place="Salle"
    )
    assert [i.application for i in services.build_agenda(user=staff, session=later)] == [item.application]


def test_the_envelope_is_never_exceeded(world, staff, board):
    world.fund.envelope = Decimal("1500.00")
    world.fund.max_grant = Decimal("1000.00")
    world.fund.save()
    seat(board, staff)
    granted_item(board, staff, eligible_application(world.fund, amount="1000"), "900")
    item = put_on_agenda(board, staff, eligible_application(world.fund, amount="1000"))
    cast(staff, item, board.voters[:3], (FOR, FOR, FOR))
    with pytest.raises(ValidationError) as error:
        services.decide(user=staff, item=item, outcome=GRANTED, amount=Decimal("600.01"))
    assert "il reste 600,00\u00a0€" in messages_of(error.value)
    services.decide(user=staff, item=item, outcome=GRANTED, amount=Decimal("600"))
    summary = selectors.fund_money_summary(fund=world.fund)
    assert (summary.granted, summary.remaining) == (Decimal("1500.00"), Decimal("0.00"))


def test_grants_of_other_funds_do_not_use_this_envelope(world, staff, other_staff, board):
    other_board = make_board(world, other_staff, committee=f.CommitteeFactory(fund=world.other_fund))
    seat(other_board, other_staff)
    granted_item(other_board, other_staff, eligible_application(world.other_fund), "800")
    assert selectors.granted_total(fund=world.fund) == 0
    assert selectors.granted_total(fund=world.other_fund) == Decimal("800.00")


# --- Closing and amendments -----------------------------------------------------------------------


def test_closing_needs_every_item_decided_then_locks_the_session(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    other = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff)
    with pytest.raises(ValidationError) as error:
        services.close_session(user=staff, session=board.session)
    assert item.application.reference in messages_of(error.value)
    services.decide(user=staff, item=item, outcome=DEFERRED, reason="Devis manquant")
    services.remove_agenda_item(user=staff, item=other, reason="Reporté")
    session = services.close_session(user=staff, session=board.session)
    assert session.status == CommitteeSession.Status.CLOSED and session.closed_at is not None

    with pytest.raises(ValidationError, match="close"):
        services.add_agenda_item(user=staff, session=session, application=eligible_application(world.fund))
    with pytest.raises(ValidationError, match="close"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    with pytest.raises(ValidationError, match="close"):
        services.decide(user=staff, item=item, outcome=REFUSED, reason="Non")
    with pytest.raises(ValidationError, match="close"):
        services.start_vote(user=staff, item=item)
    with pytest.raises(ValidationError, match="close"):
        services.record_attendance(user=staff, session=session, member=board.voters[4], present=True)
    with pytest.raises(ValidationError, match="close"):
        services.declare_recusal(user=staff, item=item, member=board.voters[4], reason="Lien")
    with pytest.raises(ValidationError, match="close"):
        services.close_session(user=staff, session=session)


def test_closing_sends_each_holder_the_letter_as_a_pdf(world, staff, board, django_capture_on_commit_callbacks):
    seat(board, staff)
    granted, _ = granted_item(board, staff, eligible_application(world.fund), "750")
    refused = put_on_agenda(board, staff, eligible_application(world.fund))
    cast(staff, refused, board.voters[:3], (AGAINST, AGAINST, FOR))
    services.decide(user=staff, item=refused, outcome=REFUSED, reason="Projet à but lucratif")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.close_session(user=staff, session=board.session)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.application.holder.owner.email for i in (granted, refused))
    for message in mail.outbox:
        ((filename, content, mimetype),) = message.attachments
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")
        assert filename.startswith("notification-PIC-2025-")


def test_amendment_after_closing_is_recorded_and_rechecks_the_envelope(world, staff, board):
    world.fund.envelope = Decimal("1500.00")
    world.fund.save()
    seat(board, staff)
    _, decision = granted_item(board, staff, eligible_application(world.fund, amount="1000"), "800")
    granted_item(board, staff, eligible_application(world.fund, amount="900"), "600")

    with pytest.raises(ValidationError, match="après la clôture"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("700"), reason="Erreur de saisie")
    services.close_session(user=staff, session=board.session)

    with pytest.raises(ValidationError, match="motif"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("700"), reason="")
    with pytest.raises(ValidationError, match="il reste 900,00"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("900.01"), reason="Erreur")
    with pytest.raises(ValidationError, match="Rien n'est modifié"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("800"), reason="Erreur")

    amendment = services.amend_decision(
        user=staff, decision=decision, amount=Decimal("750"), conditions="Factures à fournir", reason="Erreur de saisie"
    )
    assert amendment.amount_delta == Decimal("-50.00")
    assert amendment.changes["amount_granted"] == {"before": "800.00", "after": "750.00"}
    decision.refresh_from_db()
    assert decision.amount_granted == Decimal("800.00")  # the past is never edited
    effective = selectors.effective_decision(decision=decision)
    assert (effective.amount, effective.conditions) == (Decimal("750.00"), "Factures à fournir")
    assert selectors.granted_total(fund=world.fund) == Decimal("1350.00")
    # The 150 € freed are available again, no more.
    services.amend_decision(user=staff, decision=decision, amount=Decimal("900"), reason="Devis revu")
    assert selectors.fund_money_summary(fund=world.fund).remaining == Decimal("0.00")
    assert Amendment.objects.filter(decision=decision).count() == 2


def test_amendment_cannot_go_below_what_is_paid(world, staff, board):
    seat(board, staff)
    item, decision = granted_item(board, staff, eligible_application(world.fund), "500")
    services.close_session(user=staff, session=board.session)
    services.record_payment(
        user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="transfer"
    )
    with pytest.raises(ValidationError, match="400,00"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("399.99"), reason="Baisse")
    services.amend_decision(user=staff, decision=decision, amount=Decimal("400"), reason="Baisse")


# --- Payments -------------------------------------------------------------------------------------


def test_advance_then_balance_never_above_granted(world, staff, board):
    seat(board, staff)
    item, _ = granted_item(board, staff, eligible_application(world.fund), "612.35")
    application = item.application

    with pytest.raises(ValidationError, match="bilan"):
        services.record_payment(user=staff, application=application, kind="balance", paid_on=PAID_ON, method="transfer")
    with pytest.raises(ValidationError, match="au plus 489,88"):
        services.record_payment(
            user=staff, application=application, kind="advance", paid_on=PAID_ON, method="cheque", amount="489.89"
        )
    advance = services.record_payment(
        user=staff, application=application, kind="advance", paid_on=PAID_ON, method="cheque", reference="CHQ 0042"
    )
    assert advance.amount == Decimal("489.88")  # 80 % of 612,35 €
    application.refresh_from_db()
    assert application.status == Status.ADVANCE_PAID
    with pytest.raises(ValidationError, match="déjà enregistré"):
        services.record_payment(user=staff, application=application, kind="advance", paid_on=PAID_ON, method="cheque")

    # The bilans engineer's workflow is not there yet: the bilan is received.
    type(application).objects.filter(pk=application.pk).update(status=Status.BILAN_RECEIVED)
    with pytest.raises(ValidationError, match="au plus 122,47"):
        services.record_payment(
            user=staff, application=application, kind="balance", paid_on=PAID_ON, method="transfer", amount="122.48"
        )
    balance = services.record_payment(
        user=staff, application=application, kind="balance", paid_on=PAID_ON, method="transfer"
    )
    assert balance.amount == Decimal("122.47")
    application.refresh_from_db()
    assert application.status == Status.BALANCE_PAID
    assert selectors.application_paid(application=application) == Decimal("612.35")
    assert (
        StatusChange.objects.filter(application=application, transition__in=["pay_advance", "pay_balance"]).count() == 2
    )


def test_balance_can_be_lower_when_less_was_spent(world, staff, board):
    seat(board, staff)
    item, _ = granted_item(board, staff, eligible_application(world.fund), "500")
    services.record_payment(
        user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="transfer"
    )
    type(item.application).objects.filter(pk=item.application_id).update(status=Status.BILAN_RECEIVED)
    balance = services.record_payment(
        user=staff, application=item.application, kind="balance", paid_on=PAID_ON, method="transfer", amount="40"
    )
    assert balance.amount == Decimal("40.00")
    statement = selectors.payments_statement(fund=world.fund)
    (line,) = statement.lines
    assert (line.granted, line.paid_advance, line.paid_balance, line.to_pay) == (
        Decimal("500.00"),
        Decimal("400.00"),
        Decimal("40.00"),
        Decimal("60.00"),
    )
    assert (statement.total_paid, statement.total_to_pay) == (Decimal("440.00"), Decimal("60.00"))
    assert [p.kind for p in statement.payments] == ["advance", "balance"]


def test_no_payment_without_a_grant_or_in_the_future(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff)
    services.decide(user=staff, item=item, outcome=DEFERRED, reason="Devis manquant")
    with pytest.raises(ValidationError, match="Aucune subvention"):
        services.record_payment(
            user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="cash"
        )
    with pytest.raises(ValidationError, match="futur"):
        services.record_payment(
            user=staff,
            application=item.application,
            kind="advance",
            paid_on=datetime.date.today() + datetime.timedelta(days=1),
            method="cash",
        )
    assert not Payment.objects.exists()


def test_payment_without_advance_when_the_fund_pays_everything_after_the_bilan(world, staff, board):
    world.fund.advance_percent = Decimal("0")
    world.fund.save()
    seat(board, staff)
    item, _ = granted_item(board, staff, eligible_application(world.fund), "500")
    with pytest.raises(ValidationError, match="pas d'acompte"):
        services.record_payment(
            user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="cash"
        )


# --- Money summary --------------------------------------------------------------------------------


def test_fund_money_summary_splits_by_cofunder_share(world, staff, board, django_assert_max_num_queries):
    seat(board, staff)
    item, decision = granted_item(board, staff, eligible_application(world.fund, amount="1000"), "1000")
    granted_item(board, staff, eligible_application(world.fund), "333.33")
    services.record_payment(
        user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="transfer"
    )

    with django_assert_max_num_queries(4):
        summary = selectors.fund_money_summary(fund=world.fund)

    assert (summary.envelope, summary.granted, summary.paid, summary.remaining, summary.to_pay) == (
        Decimal("20000.00"),
        Decimal("1333.33"),
        Decimal("800.00"),
        Decimal("18666.67"),
        Decimal("533.33"),
    )
    region, city = summary.by_cofunder
    assert (region.funder, region.share_percent, city.funder, city.share_percent) == (
        world.region,
        Decimal("70.00"),
        world.city_roubaix,
        Decimal("30.00"),
    )
    assert (region.granted, city.granted) == (Decimal("933.33"), Decimal("400.00"))
    assert (region.paid, city.paid) == (Decimal("560.00"), Decimal("240.00"))
    assert region.remaining + city.remaining == summary.remaining
    assert region.granted + city.granted == summary.granted


def test_session_detail_reads_in_a_fixed_number_of_queries(world, staff, board, django_assert_max_num_queries):
    seat(board, staff)
    for amount in ("100", "200", "300"):
        granted_item(board, staff, eligible_application(world.fund), amount)
    with django_assert_max_num_queries(20):
        detail = selectors.session_detail(session=board.session)
    assert [row.decision.amount for row in detail.items] == [Decimal("100.00"), Decimal("200.00"), Decimal("300.00")]
    assert detail.granted_in_session == Decimal("600.00")
    assert detail.quorum.met and len(detail.present) == 3
    assert board.voters[3] in detail.absent and board.ex_officio in detail.absent
    assert [row.count.votes_for for row in detail.items] == [3, 3, 3]


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

    from committees.models import CommitteeSession

    with translation.override("fr"):
        assert [str(label) for label in CommitteeSession.Status.labels] == ["Prévue", "Ouverte", "Close"]
