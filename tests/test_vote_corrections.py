"""Issue 14, rule 6: a mis-clicked vote is corrected until the decision (audit log, minutes); a tie follows the
committee's tie rule, which the decision form states."""

import re

import pytest

from committees.models import Committee, Decision, Vote, VoteCorrection
from core.models import AuditEntry
from tests import factories as f
from tests.committee_helpers import (
    ABSTAIN,
    AGAINST,
    FOR,
    cast,
    client_for,
    decision_data,
    eligible_application,
    page_text,
    page_url,
    pdf_words,
    put_on_agenda,
    seat,
    vote_data,
)

pytestmark = pytest.mark.usefixtures("on_the_session_day")


def correction_data(item, member, choice) -> dict:
    return {f"correction-{item.pk}-member": member.pk, f"correction-{item.pk}-choice": choice}


def test_staff_correct_a_mis_clicked_vote_until_the_decision(world, staff, board, committee_member, other_staff):
    item = put_on_agenda(board, staff, eligible_application(world.fund, title="Repair café"))
    seat(board, staff, count=4)  # the committee_member persona sits too: 6 voting members, quorum 4
    session = board.session
    alice, bilal, chloe = board.voters[:3]
    desk = client_for(staff)
    response = desk.post(
        page_url("record_votes", session.pk, item.pk), vote_data(item, {alice: FOR, bilal: FOR, chloe: AGAINST})
    )
    assert response.status_code == 302
    # Alice meant "contre": the vote form alone refuses to change a recorded vote, and says how to correct it.
    response = desk.post(page_url("record_votes", session.pk, item.pk), vote_data(item, {alice: AGAINST}), follow=True)
    assert "rien n'a changé. Pour corriger un vote mal saisi, utilisez « Corriger un vote »" in page_text(response)
    assert Vote.objects.get(item=item, member=alice).choice == FOR

    # Neither a committee member nor another association's staff may correct it.
    for outsider in (committee_member, other_staff):
        response = client_for(outsider).post(
            page_url("correct_vote", session.pk, item.pk), correction_data(item, alice, AGAINST)
        )
        assert response.status_code in (403, 404)
    assert Vote.objects.get(item=item, member=alice).choice == FOR

    page = page_text(desk.get(page_url("session_detail", session.pk)))
    assert "Corriger un vote" in page
    response = desk.post(page_url("correct_vote", session.pk, item.pk), correction_data(item, alice, AGAINST))
    assert response.status_code == 302
    assert Vote.objects.filter(item=item).count() == 3
    assert Vote.objects.get(item=item, member=alice).choice == AGAINST
    correction = VoteCorrection.objects.get()
    assert (correction.before, correction.after, correction.corrected_by) == (FOR, AGAINST, staff)
    entry = AuditEntry.objects.get(action="committees.correct_vote")
    assert entry.actor == staff
    assert entry.data["before"] == "for" and entry.data["after"] == "against" and entry.data["member"] == alice.pk
    assert "Votant·e Alice : vote corrigé : pour → contre" in page_text(
        desk.get(page_url("session_detail", session.pk))
    )

    # 1 for, 2 against now: the grant is refused by the votes, a refusal is recorded.
    response = desk.post(page_url("decide", session.pk, item.pk), decision_data(item, "granted", amount="500"))
    assert response.status_code == 400
    response = desk.post(page_url("decide", session.pk, item.pk), decision_data(item, "refused", reason="Hors cadre"))
    assert response.status_code == 302
    decision = Decision.objects.get(item=item)
    assert (decision.votes_for, decision.votes_against) == (1, 2)

    # After the decision, no more corrections.
    response = desk.post(page_url("correct_vote", session.pk, item.pk), correction_data(item, bilal, AGAINST))
    assert response.status_code == 400 and "un vote ne se corrige plus" in page_text(response)
    assert Vote.objects.get(item=item, member=bilal).choice == FOR

    assert desk.post(page_url("close_session", session.pk)).status_code == 302
    words = pdf_words(desk.get(page_url("minutes_pdf", session.pk)).content)
    # The minutes date the correction (issue 16): "vote corrigé le 24/05/2025 à 19:31 : pour → contre".
    assert re.search(r"Votant·e Alice : vote corrigé le 24/05/2025 à \d\d:\d\d : pour → contre\.", words)


def _tied(world, staff, board, *, rule, chair_choice=FOR):
    """2 for, 2 against, 1 abstention, under `rule`; the chair (Alice) votes `chair_choice`."""
    committee = board.committee
    committee.tie_rule = rule
    committee.chair = board.voters[0]
    committee.full_clean()
    committee.save()
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff, count=5)
    other = AGAINST if chair_choice == FOR else FOR
    choices = (
        (chair_choice, other, FOR, AGAINST, ABSTAIN)
        if chair_choice != ABSTAIN
        else (ABSTAIN, FOR, FOR, AGAINST, AGAINST)
    )
    cast(staff, item, board.voters[:5], choices)
    return item


def _decide(desk, board, item, outcome, **fields):
    return desk.post(page_url("decide", board.session.pk, item.pk), decision_data(item, outcome, **fields))


def test_a_tie_under_the_refusal_rule_is_never_granted(world, staff, board):
    item = _tied(world, staff, board, rule=Committee.TieRule.REFUSED)
    desk = client_for(staff)
    page = page_text(desk.get(page_url("session_detail", board.session.pk)))
    assert "En cas d'égalité des voix : L'égalité des voix vaut refus" in page
    response = _decide(desk, board, item, "granted", amount="500")
    assert response.status_code == 400 and "une égalité n'accorde pas" in page_text(response)
    assert _decide(desk, board, item, "refused", reason="Égalité des voix").status_code == 302


def test_a_tie_under_the_deferral_rule_can_only_be_deferred(world, staff, board):
    item = _tied(world, staff, board, rule=Committee.TieRule.DEFERRED)
    desk = client_for(staff)
    assert "L'égalité des voix ajourne la demande" in page_text(desk.get(page_url("session_detail", board.session.pk)))
    for outcome, fields in (("granted", {"amount": "500"}), ("refused", {"reason": "Égalité"})):
        response = _decide(desk, board, item, outcome, **fields)
        assert response.status_code == 400 and "l'égalité ajourne la demande" in page_text(response)
    assert not Decision.objects.exists()
    assert _decide(desk, board, item, "deferred", reason="Égalité des voix").status_code == 302


def test_the_chairs_casting_vote_breaks_a_tie(world, staff, board):
    item = _tied(world, staff, board, rule=Committee.TieRule.CASTING_VOTE, chair_choice=FOR)
    desk = client_for(staff)
    page = page_text(desk.get(page_url("session_detail", board.session.pk)))
    assert "La voix du président ou de la présidente du comité est prépondérante (Votant·e Alice)" in page
    response = _decide(desk, board, item, "refused", reason="Égalité")
    assert response.status_code == 400 and "tranche pour « Accordée »" in page_text(response)
    assert _decide(desk, board, item, "granted", amount="500").status_code == 302
    assert Decision.objects.get(item=item).outcome == Decision.Outcome.GRANTED


def test_a_chair_who_abstained_leaves_the_tie_to_a_deferral(world, staff, board):
    item = _tied(world, staff, board, rule=Committee.TieRule.CASTING_VOTE, chair_choice=ABSTAIN)
    desk = client_for(staff)
    response = _decide(desk, board, item, "granted", amount="500")
    assert response.status_code == 400 and "n'a voté ni pour ni contre" in page_text(response)
    assert _decide(desk, board, item, "deferred", reason="Égalité").status_code == 302


def test_the_casting_vote_rule_needs_a_voting_chair_of_the_committee(world):
    committee = f.CommitteeFactory(fund=world.fund, tie_rule=Committee.TieRule.CASTING_VOTE)
    with pytest.raises(Exception, match="désignez"):
        committee.full_clean()
    stranger = f.CommitteeMemberFactory(committee=world.committee)
    committee.chair = stranger
    with pytest.raises(Exception, match="membre votant de ce comité"):
        committee.full_clean()
