"""Payments of a grant: the advance after the decision, the balance after the bilan; never more than granted."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import conflicts
from applications.models import Application
from applications.services import apply_transition
from applications.workflow import Role, Status
from committees import selectors
from committees.locks import lock_application
from committees.models import Payment
from committees.permissions import can_record_payment
from committees.services.rules import invalid
from core.money import parse_money
from core.services import record_audit
from core.templatetags.portal_format import format_money
from core.validation import french_day, full_save

PAYMENT_TRANSITIONS = {Payment.Kind.ADVANCE: "pay_advance", Payment.Kind.BALANCE: "pay_balance"}


def record_payment(
    *,
    user,
    application: Application,
    kind: str,
    paid_on: datetime.date,
    method: str,
    reference: str = "",
    amount: Decimal | None = None,
) -> Payment:
    """Record the advance (after the grant) or the balance (after the bilan). Never more than granted.

    Without `amount`, the advance is the fund's advance share of the grant and the balance what is left.
    """
    check_payment_form(user=user, application=application, kind=kind, paid_on=paid_on)
    with transaction.atomic():
        locked = lock_application(application.pk, "fund")
        granted = selectors.granted_amount(application=locked)
        paid = selectors.application_paid(application=locked)
        expected = payable_amount(application=locked, kind=kind, granted=granted, paid=paid)
        value = expected if amount in (None, "") else parse_money(amount, field="amount")
        check_paid_amount(value=value, expected=expected, granted=granted, paid=paid)
        payment = Payment(
            application=locked,
            kind=kind,
            amount=value,
            paid_on=paid_on,
            method=method,
            reference=(reference or "").strip(),
            recorded_by=user,
        )
        write_payment(user=user, payment=payment, application=locked)
    application.status = locked.status
    return payment


def check_payment_form(*, user, application: Application, kind: str, paid_on: datetime.date) -> None:
    """Before any lock: the fund's association staff, a known kind, a date not in the future."""
    conflicts.ensure_not_conflicted(user, application, action=_("enregistrer ce versement"))
    if not can_record_payment(user, application.fund, application):
        raise PermissionDenied(
            _("Seule l'équipe de l'association porteuse du fonds « %(fund)s » enregistre ses versements.")
            % {"fund": application.fund.name}
        )
    if kind not in Payment.Kind.values:
        raise invalid(_("Choisissez le type de versement : acompte ou solde."), "kind")
    if paid_on > timezone.localdate():
        raise invalid(
            _("La date de versement ne peut pas être dans le futur : enregistrez le versement une fois fait."),
            "paid_on",
        )
    if paid_on < application.fund.first_payment_day:
        raise invalid(
            _("La date de versement ne peut pas précéder l'année du fonds (au plus tôt le %(day)s).")
            % {"day": french_day(application.fund.first_payment_day)},
            "paid_on",
        )


def payable_amount(*, application: Application, kind: str, granted: Decimal, paid: Decimal) -> Decimal:
    """What this payment may be at most (the request's row locked): the advance share, or what is left."""
    if granted <= 0:
        raise invalid(
            _("Aucune subvention n'est accordée à la demande %(ref)s.") % {"ref": application.display_reference}
        )
    if Payment.objects.filter(application=application, kind=kind).exists():
        raise invalid(
            _("Le versement « %(kind)s » de cette demande est déjà enregistré.") % {"kind": Payment.Kind(kind).label},
            "kind",
        )
    status = Status(application.status).label
    if kind == Payment.Kind.ADVANCE:
        if application.status != Status.GRANTED:
            raise invalid(
                _("L'acompte se verse après la décision d'accorder, avant le bilan (statut : %(status)s).")
                % {"status": status},
                "kind",
            )
        expected = selectors.advance_amount(fund=application.fund, granted=granted)
        if expected <= 0:
            raise invalid(_("Ce fonds ne prévoit pas d'acompte : versez le solde après le bilan."), "kind")
        return expected
    if application.status != Status.BILAN_ACCEPTED:
        raise invalid(
            _(
                "Le solde se verse une fois le bilan accepté (statut de la demande : %(status)s) : étudiez le "
                "bilan et acceptez-le depuis sa page, puis enregistrez le solde."
            )
            % {"status": status},
            "kind",
        )
    expected = granted - paid
    if expected <= 0:
        raise invalid(_("La subvention accordée est déjà entièrement versée."), "kind")
    return expected


def check_paid_amount(*, value: Decimal, expected: Decimal, granted: Decimal, paid: Decimal) -> None:
    if value <= 0:
        raise invalid(_("Le montant versé doit être supérieur à 0 €."), "amount")
    if value > expected:
        raise invalid(
            _(
                "Le montant (%(amount)s) dépasse ce qui peut être versé : au plus %(max)s "
                "(accordé : %(granted)s, déjà versé : %(paid)s)."
            )
            % {
                "amount": format_money(value),
                "max": format_money(expected),
                "granted": format_money(granted),
                "paid": format_money(paid),
            },
            "amount",
        )


def write_payment(*, user, payment: Payment, application: Application) -> None:
    """Save the payment, move the request along the workflow and audit it (inside the caller's transaction)."""
    full_save(payment)
    kind, value = payment.kind, payment.amount
    apply_transition(
        user=user,
        application=application,
        transition=PAYMENT_TRANSITIONS[kind],
        role=Role.STAFF,
        comment=f"{Payment.Kind(kind).label} : {format_money(value)}",
    )
    record_audit(
        actor=user,
        action=f"committees.record_payment.{kind}",
        target=payment,
        summary=f"{application.display_reference}: {value}",
        data={"application": application.pk, "amount": str(value), "kind": kind, "method": payment.method},
    )
