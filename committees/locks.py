"""Every row lock (`select_for_update`) of the committees, taken in the portal's one order:

    fund -> session -> agenda item (and its decision) -> request -> bilan

A service that needs several locks takes them in this order (it may skip a level, never go back up), so
two sessions deciding at the same moment wait for each other instead of overspending the envelope, and no
two transactions ever wait for each other in a circle. The committees never lock a bilan. A committee
member's row is locked alone (correcting a member takes no other lock), and so is a committee's (its settings).

Call these inside `transaction.atomic()`; each returns a fresh copy of the row, read under the lock.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from applications.models import Application
from committees.models import AgendaItem, Committee, CommitteeMember, CommitteeSession, Decision
from funds.models import Fund


def lock_fund(fund: Fund) -> Fund:
    """First in the order: the envelope's row, so grants of one fund are checked one at a time."""
    return Fund.objects.select_for_update().get(pk=fund.pk)


def lock_committee(committee: Committee) -> Committee:
    """A committee's own row, locked alone (its settings: signatory, chair, secretary, appeal route)."""
    return Committee.objects.select_for_update(of=("self",)).select_related("fund__association").get(pk=committee.pk)


def lock_session(session: CommitteeSession) -> CommitteeSession:
    return (
        CommitteeSession.objects.select_for_update(of=("self",))
        .select_related("committee__fund__association")
        .get(pk=session.pk)
    )


def lock_item(item: AgendaItem) -> AgendaItem:
    """The agenda line; a line removed meanwhile is a form error, not a 500."""
    try:
        return (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("application__holder", "session__committee__fund")
            .get(pk=item.pk)
        )
    except AgendaItem.DoesNotExist:
        message = _("Cette demande n'est plus à l'ordre du jour de la séance : inscrivez-la à nouveau avant de voter.")
        raise ValidationError({NON_FIELD_ERRORS: [message]}) from None


def lock_decision(decision: Decision) -> Decision:
    """At the agenda item's level (a decision is its item's one outcome)."""
    return Decision.objects.select_for_update(of=("self",)).select_related("item__session").get(pk=decision.pk)


def lock_application(pk: int, *related: str) -> Application:
    """The request's row (after fund, session and item; before its bilan), with `related` rows read along."""
    return Application.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)


def lock_member(member: CommitteeMember) -> CommitteeMember:
    """Alone: correcting a member's record takes no other lock."""
    return CommitteeMember.objects.select_for_update(of=("self",)).select_related("committee").get(pk=member.pk)
