"""Committee services: recusals, votes and decisions (rule, caps, envelope)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications.models import StatusChange
from applications.workflow import Status
from committees import selectors, services
from committees.models import (
    Committee,
    Decision,
    Recusal,
    Vote,
)
from core.models import AuditEntry
from core.templatetags.portal_format import format_money
from tests import factories as f
from tests.committee_helpers import (
    ABSTAIN,
    AGAINST,
    DEFERRED,
    FOR,
    GRANTED,
    REFUSED,
    cast,
    eligible_application,
    granted_item,
    make_board,
    messages_of,
    put_on_agenda,
    seat,
)

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
