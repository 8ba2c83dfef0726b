"""The committee's decision on a request: granted (within the rule, the caps and the envelope), deferred or
refused; the request's status follows through the workflow."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from applications import conflicts
from applications.models import Application
from applications.services import apply_transition, record_deferral
from applications.workflow import Role, Status
from committees import selectors
from committees.locks import lock_application, lock_fund, lock_item, lock_session
from committees.models import AgendaItem, Committee, Decision
from committees.services.rules import (
    check_amount,
    check_runs,
    invalid,
    require_not_withdrawn,
    require_open,
    require_quorum,
)
from core.money import ZERO, parse_money
from core.services import record_audit
from core.validation import full_save

DECISION_TRANSITIONS = {
    Decision.Outcome.GRANTED: "grant",
    Decision.Outcome.DEFERRED: "defer",
    Decision.Outcome.REFUSED: "refuse",
}


def decide(
    *,
    user,
    item: AgendaItem,
    outcome: str,
    amount: Decimal | None = None,
    conditions: str = "",
    reason: str = "",
) -> Decision:
    """Record the committee's decision on a request, following its decision rule and the fund's envelope.

    The fund's row is locked first, so two sessions deciding at once are serialised: the second one sees
    the first one's grant before checking what is left of the envelope.
    """
    committee = item.session.committee
    check_runs(user, committee)
    conflicts.ensure_not_conflicted(user, item.application, action=_("enregistrer la décision"))
    conditions, reason = (conditions or "").strip(), (reason or "").strip()
    granted_amount = check_decision_form(outcome=outcome, amount=amount, conditions=conditions, reason=reason)
    with transaction.atomic():
        fund = lock_fund(committee.fund)
        session = lock_session(item.session)
        require_open(session)
        item = lock_item(item)
        application = lock_application(item.application_id, "holder")
        check_undecided(item=item, application=application)
        require_quorum(session)
        count = check_votes(committee=session.committee, item=item, outcome=outcome)
        if outcome == Decision.Outcome.GRANTED:
            available = fund.envelope - selectors.granted_total(fund=fund)
            check_amount(fund=fund, application=application, amount=granted_amount, available=available)
        decision = Decision(
            item=item,
            outcome=outcome,
            amount_granted=granted_amount,
            conditions=conditions,
            reason=reason,
            votes_for=count.votes_for,
            votes_against=count.votes_against,
            abstentions=count.abstentions,
            decided_by=user,
        )
        write_decision(user=user, decision=decision, application=application)
    return decision


def check_decision_form(*, outcome: str, amount, conditions: str, reason: str) -> Decimal:
    """What the form says, before any lock: a known outcome, an amount only for a grant, a reason otherwise.

    Returns the amount granted (0 unless granted).
    """
    if outcome not in Decision.Outcome.values:
        raise invalid(_("Choisissez la décision : accordée, ajournée ou refusée."), "outcome")
    if outcome != Decision.Outcome.GRANTED:
        if not reason:
            raise invalid(
                _("Indiquez le motif de la décision : il figure dans le procès-verbal et dans le courrier au porteur."),
                "reason",
            )
        if amount not in (None, "", 0, Decimal("0")):
            raise invalid(_("Un montant ne s'indique que pour une subvention accordée."), "amount")
        if conditions:
            raise invalid(_("Des conditions ne s'indiquent que pour une subvention accordée."), "conditions")
        return ZERO
    if amount in (None, ""):
        raise invalid(_("Indiquez le montant accordé."), "amount")
    return parse_money(amount, field="amount")


def check_undecided(*, item: AgendaItem, application: Application) -> None:
    """One decision per agenda item, on a request still on the agenda (both rows locked)."""
    if Decision.objects.filter(item=item).exists():
        raise invalid(_("Le comité a déjà décidé sur cette demande. Après la séance, rectifiez la décision."))
    require_not_withdrawn(application)
    if application.status != Status.ON_AGENDA:
        raise invalid(
            _("La demande %(ref)s n'est pas à l'ordre du jour (statut : %(status)s) : inscrivez-la avant de décider.")
            % {"ref": application.display_reference, "status": Status(application.status).label}
        )


def check_tie(*, committee: Committee, item: AgendaItem, outcome: str, tally: dict) -> None:
    """A tied vote follows the committee's tie rule (`Committee.tie_rule`)."""
    allowed = selectors.tie_outcomes(committee=committee, item=item)
    if outcome in allowed:
        return
    if committee.tie_rule == Committee.TieRule.REFUSED:
        message = _(
            "Les votes n'accordent pas la subvention (%(votes)s) : une égalité n'accorde pas. "
            "Enregistrez un refus ou un ajournement."
        )
    elif committee.tie_rule == Committee.TieRule.DEFERRED:
        message = _(
            "Égalité des voix (%(votes)s) : selon la règle "
            "du comité, l'égalité ajourne la demande. Enregistrez un ajournement avec son motif."
        )
    elif allowed == ("deferred",):
        message = _(
            "Égalité des voix (%(votes)s) : la voix du "
            "président ou de la présidente est prépondérante, mais il ou elle n'a voté ni pour ni contre. "
            "Enregistrez un ajournement, ou corrigez son vote s'il a été mal saisi."
        )
    else:
        message = _(
            "Égalité des voix (%(votes)s) : la voix du "
            "président ou de la présidente est prépondérante et tranche pour « %(outcome)s ». Enregistrez "
            "cette décision ou un ajournement."
        )
        tally = {**tally, "outcome": Decision.Outcome(allowed[0]).label}
    raise invalid(message % tally, "outcome")


def check_votes(*, committee: Committee, item: AgendaItem, outcome: str) -> selectors.VoteCount:
    """A grant needs the votes to grant under the committee's rule; a refusal needs votes that do not grant; a
    tie follows the committee's tie rule. Returns the count, written on the decision."""
    count = selectors.vote_count(item=item)
    eligible = selectors.eligible_voters(item=item).count()
    grants = selectors.votes_grant(committee=committee, count=count, eligible=eligible)
    tally = {"votes": count.phrase, "for": count.votes_for, "against": count.votes_against}
    if selectors.is_tie(committee=committee, count=count, eligible=eligible):
        check_tie(committee=committee, item=item, outcome=outcome, tally=tally)
        return count
    if outcome == Decision.Outcome.GRANTED and not grants:
        raise invalid(
            _(
                "Les votes n'accordent pas la subvention (%(votes)s) : une égalité n'accorde pas. "
                "Enregistrez un refus ou un ajournement."
            )
            % tally,
            "outcome",
        )
    if outcome == Decision.Outcome.REFUSED:
        if count.total == 0:
            raise invalid(_("Aucun vote n'est enregistré : enregistrez les votes avant de refuser."), "outcome")
        if grants:
            raise invalid(
                _(
                    "Les votes accordent la subvention (%(for)s pour, %(against)s contre) : enregistrez "
                    "« accordée » avec le montant, ou un ajournement."
                )
                % tally,
                "outcome",
            )
    return count


def write_decision(*, user, decision: Decision, application: Application) -> None:
    """Save the decision, move the request along the workflow and audit it (inside the caller's transaction)."""
    full_save(decision)
    apply_transition(
        user=user,
        application=application,
        transition=DECISION_TRANSITIONS[decision.outcome],
        role=Role.COMMITTEE,
        comment=decision.reason or decision.conditions,
    )
    if decision.outcome == Decision.Outcome.DEFERRED:
        record_deferral(application=application, reason=decision.reason)
    record_audit(
        actor=user,
        action=f"committees.decide.{decision.outcome}",
        target=decision,
        summary=f"{application.display_reference}: {decision.outcome} {decision.amount_granted}",
        data={
            "application": application.pk,
            "amount": str(decision.amount_granted),
            "votes": {"for": decision.votes_for, "against": decision.votes_against, "abstain": decision.abstentions},
        },
    )
