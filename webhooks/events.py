"""Which audit entries are webhook events, and the public payload of each.

Payloads carry the request's public data only: reference, fund, status and amounts. Never the holder's
identity, a private note, a message or bank details.
"""

from decimal import Decimal

from applications.models import Application
from committees import selectors as committee_selectors
from committees.models import Decision, Payment
from reports.models import Bilan, CvsBilan
from webhooks.models import Event


def event_for_action(action: str) -> str | None:
    """The webhook event of an audit action, None when it is not one (the common case: cheap to ask)."""
    if action == "application.submit":
        return Event.REQUEST_FILED
    if action.startswith("committees.decide."):
        return Event.DECISION_TAKEN
    if action.startswith("committees.record_payment."):
        return Event.PAYMENT_RECORDED
    if action in ("bilan.submit", "cvsbilan.submit"):
        return Event.BILAN_FILED
    return None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def request_data(application: Application) -> dict:
    fund = application.fund
    return {
        "id": application.pk,
        "reference": application.reference,
        "status": application.status,
        "status_label": application.get_status_display(),
        "amount_requested": _money(application.amount_requested),
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "fund": {"slug": fund.slug, "name": fund.name, "year": fund.year, "association": fund.association.slug},
    }


def _decision_data(decision: Decision) -> tuple[Application, dict]:
    effective = committee_selectors.effective_decision(decision=decision)
    session = decision.item.session
    return decision.item.application, {
        "decision": {
            "id": decision.pk,
            "outcome": decision.outcome,
            "outcome_label": str(decision.get_outcome_display()),
            "amount_granted": _money(effective.amount),
            "decided_at": decision.decided_at.isoformat(),
            "session_date": session.date.isoformat(),
        }
    }


def _payment_data(payment: Payment) -> tuple[Application, dict]:
    return payment.application, {
        "payment": {
            "id": payment.pk,
            "kind": payment.kind,
            "amount": _money(payment.amount),
            "paid_on": payment.paid_on.isoformat(),
            "method": payment.method,
        }
    }


def _bilan_data(bilan) -> tuple[Application, dict]:
    return bilan.application, {
        "bilan": {
            "id": bilan.pk,
            "kind": "cvs" if isinstance(bilan, CvsBilan) else "pic",
            "status": bilan.status,
            "submitted_at": bilan.submitted_at.isoformat() if bilan.submitted_at else None,
        }
    }


def event_subject(*, event: str, target_type: str, target_id: str) -> tuple[Application, dict] | None:
    """(request, extra data) of the object the event is about; None when it is gone."""
    related = ("fund__association",)
    if event == Event.REQUEST_FILED:
        application = Application.objects.select_related(*related).filter(pk=target_id).first()
        return (application, {}) if application else None
    if event == Event.DECISION_TAKEN:
        decision = (
            Decision.objects.select_related("item__session", "item__application__fund__association")
            .filter(pk=target_id)
            .first()
        )
        return _decision_data(decision) if decision else None
    if event == Event.PAYMENT_RECORDED:
        payment = Payment.objects.select_related("application__fund__association").filter(pk=target_id).first()
        return _payment_data(payment) if payment else None
    model = CvsBilan if target_type == CvsBilan._meta.label_lower else Bilan
    bilan = model.objects.select_related("application__fund__association").filter(pk=target_id).first()
    return _bilan_data(bilan) if bilan else None


def build_payload(*, event: str, event_id: str, occurred_at, application: Application, extra: dict) -> dict:
    return {
        "id": event_id,
        "event": event,
        "occurred_at": occurred_at.isoformat(),
        "data": {"request": request_data(application), **extra},
    }
