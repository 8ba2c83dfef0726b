"""Corrections of a decision after its session closed: a recorded amendment, never an edit of the decision."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from applications import conflicts
from applications.models import Application
from applications.services import correct_deferral_reason
from committees import selectors
from committees.locks import lock_application, lock_decision, lock_fund
from committees.models import Amendment, CommitteeSession, Decision
from committees.services.rules import check_amount, check_runs, invalid
from core.money import ZERO, parse_money
from core.services import record_audit
from core.templatetags.portal_format import format_money
from core.validation import full_save
from funds.models import Fund


def amend_decision(
    *,
    user,
    decision: Decision,
    reason: str,
    amount: Decimal | None = None,
    conditions: str | None = None,
    decision_reason: str | None = None,
) -> Amendment:
    """Correct a decision after the session closed.

    `amount` and `conditions` correct a grant; `decision_reason` corrects the stated reason of any decision.
    A higher amount is checked again against the envelope (fund row locked), a lower one against what is paid.
    """
    committee = decision.item.session.committee
    check_runs(user, committee)
    conflicts.ensure_not_conflicted(user, decision.item.application, action=_("rectifier la décision"))
    reason = (reason or "").strip()
    if not reason:
        raise invalid(
            _("Indiquez le motif de la rectification : elle figure dans l'historique de la décision."), "reason"
        )
    with transaction.atomic():
        fund = lock_fund(committee.fund)
        decision = lock_decision(decision)
        application = lock_application(decision.item.application_id, "holder")
        if decision.item.session.status != CommitteeSession.Status.CLOSED:
            raise invalid(_("Une décision se rectifie après la clôture de la séance."))
        current = selectors.effective_decision(decision=decision)
        delta, changes = amount_change(fund=fund, application=application, current=current, amount=amount)
        changes.update(text_changes(current=current, conditions=conditions, decision_reason=decision_reason))
        if not changes:
            raise invalid(_("Rien n'est modifié : indiquez le nouveau montant, les conditions ou le motif."))
        amendment = Amendment(decision=decision, changes=changes, amount_delta=delta, reason=reason, created_by=user)
        full_save(amendment)
        if decision.outcome == Decision.Outcome.DEFERRED and "reason" in changes:
            # What the holder reads the committee asks for follows the rectified reason.
            correct_deferral_reason(
                application=application, decided_at=decision.decided_at, reason=changes["reason"]["after"]
            )
        record_audit(
            actor=user,
            action="committees.amend_decision",
            target=decision,
            summary=reason[:500],
            data={"application": application.pk, "changes": changes, "amount_delta": str(delta)},
        )
    return amendment


def amount_change(
    *, fund: Fund, application: Application, current: selectors.EffectiveDecision, amount
) -> tuple[Decimal, dict]:
    """(delta, changes) for a new granted amount: never below what is paid, within the caps and the envelope."""
    if amount is None or amount == "":
        return ZERO, {}
    if current.outcome != Decision.Outcome.GRANTED:
        raise invalid(_("Seule une subvention accordée a un montant à rectifier."), "amount")
    new_amount = parse_money(amount, field="amount")
    if new_amount == current.amount:
        return ZERO, {}
    paid = selectors.application_paid(application=application)
    if new_amount < paid:
        raise invalid(
            _("%(paid)s sont déjà versés : le montant accordé ne peut pas descendre en dessous.")
            % {"paid": format_money(paid)},
            "amount",
        )
    available = fund.envelope - selectors.granted_total(fund=fund) + current.amount
    check_amount(fund=fund, application=application, amount=new_amount, available=available)
    return new_amount - current.amount, {"amount_granted": {"before": str(current.amount), "after": str(new_amount)}}


def text_changes(*, current: selectors.EffectiveDecision, conditions: str | None, decision_reason: str | None) -> dict:
    """The conditions (of a grant only) and the stated reason (kept on a deferral or a refusal) that change."""
    granted = current.outcome == Decision.Outcome.GRANTED
    changes = {}
    if conditions is not None and conditions.strip() != current.conditions:
        if not granted:
            raise invalid(_("Des conditions ne s'indiquent que pour une subvention accordée."), "conditions")
        changes["conditions"] = {"before": current.conditions, "after": conditions.strip()}
    if decision_reason is not None and decision_reason.strip() != current.reason:
        if not granted and not decision_reason.strip():
            raise invalid(_("Une décision d'ajournement ou de refus garde un motif."), "decision_reason")
        changes["reason"] = {"before": current.reason, "after": decision_reason.strip()}
    return changes
