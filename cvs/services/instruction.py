"""Writes of the CVS path, the instructors' side: completion asked, eligibility, opinions per funder, the
programming decision per funder and the funders' payments."""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.locks import lock_application, lock_fund
from applications.models import Application
from applications.services import apply_transition
from applications.services.guards import refused
from applications.workflow import CVS_PAYABLE as PAYABLE
from applications.workflow import Role, Status, Transition, get_transition, may_take
from core.emails import absolute_url, send_templated, unique_addresses
from core.services import record_audit
from core.templatetags.portal_format import format_money
from core.validation import Errors, raise_if
from cvs import permissions
from cvs.models import (
    CvsRequest,
    FunderOpinion,
    FundingAsk,
    ProgrammingDecision,
)
from funds.models import FundCoFunder


def _tell_holder(locked: Application, *, user, email: str, url: str = "", also: str = "", **context) -> None:
    """E-mail the holder (and `also`, the request's referent) what the instructors decided: the template
    cvs/emails/<email>, with the request, its fund, the link to its page (or `url`) and `context`."""
    send_templated(
        name=f"cvs/emails/{email}",
        to=unique_addresses([locked.created_by.email, also]) if also else [locked.created_by.email],
        context={
            "application": locked,
            "fund": locked.fund,
            "url": absolute_url(url or reverse("cvs:detail", args=[locked.pk])),
            **context,
        },
        reply_to=[locked.fund.association.contact_email],
        cause=f"cvs_{email}",
        target=locked,
        actor=user,
    )


def ask_for_completion(*, user, application: Application, comment: str) -> Application:
    """The carrier's staff send the request back to its holder for more (what is missing: comment required)."""
    if not permissions.can_decide(user, application):
        raise refused(_("Seule l'équipe qui instruit l'appel à projets demande un complément."))
    with transaction.atomic():
        locked = lock_application(application)
        apply_transition(
            user=user, application=locked, transition="request_completion", role=Role.STAFF, comment=comment
        )
        _tell_holder(
            locked,
            user=user,
            email="completion",
            url=reverse("cvs:step", args=[locked.pk, "structure"]),
            comment=comment,
        )
    application.status = locked.status
    return locked


def decide_eligibility(*, user, application: Application, eligible: bool, comment: str = "") -> Application:
    """The carrier's staff declare the request eligible (then open to programming) or not (comment required)."""
    if not permissions.can_decide(user, application):
        raise refused(_("Seule l'équipe qui instruit l'appel à projets se prononce sur la recevabilité."))
    with transaction.atomic():
        locked = lock_application(application)
        if locked.status in (Status.SUBMITTED, Status.RESUBMITTED):
            apply_transition(user=user, application=locked, transition="start_review", role=Role.STAFF)
        apply_transition(
            user=user,
            application=locked,
            transition="declare_eligible" if eligible else "declare_ineligible",
            role=Role.STAFF,
            comment=comment,
        )
        CvsRequest.objects.filter(application=locked).update(eligibility_comment=comment)
        _tell_holder(locked, user=user, email="eligibility", eligible=eligible, comment=comment)
    application.status = locked.status
    return locked


def give_opinion(*, user, application: Application, funder_id: int, opinion: str, comment: str = "") -> FunderOpinion:
    """One funder's opinion (favourable, reserved, unfavourable), by its referent or the carrier's staff."""
    with transaction.atomic():
        locked = lock_application(application)
        allowed = {funder.pk: funder for funder in permissions.opinion_funders(user, locked)}
        if funder_id not in allowed:
            raise refused(_("Vous ne pouvez pas donner l'avis de ce financeur."))
        if not permissions.can_give_opinion(user, locked):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Les avis se donnent pendant l'instruction, avant la programmation.")]}
            )
        cvs = CvsRequest.objects.get(application=locked)
        row, _created = FunderOpinion.objects.update_or_create(
            request=cvs,
            funder=allowed[funder_id],
            defaults={"opinion": opinion, "comment": comment, "author": user},
        )
        row.full_clean()
        record_audit(
            actor=user,
            action="cvs.give_opinion",
            target=locked,
            summary=f"{row.funder.name} : {row.get_opinion_display()}",
            data={"funder": funder_id, "opinion": opinion},
        )
    return row


def _programming_step(locked: Application, *, granted: bool) -> Transition:
    """The transition the decision takes; only a request declared eligible can take it."""
    step = get_transition("program" if granted else "not_program")
    if not may_take(step, status=locked.status, role=Role.PROGRAMMING):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Seule une demande déclarée recevable peut être programmée (statut : %(status)s).")
                    % {"status": Status(locked.status).label}
                ]
            }
        )
    return step


def _amount_errors(
    *, locked: Application, cvs: CvsRequest, asks: dict[int, FundingAsk], amounts: dict[int, Decimal]
) -> Errors:
    """Each funder's amount: asked by the request, at most what was asked, within what its envelope has left."""
    envelopes = dict(FundCoFunder.objects.filter(fund_id=locked.fund_id).values_list("funder_id", "amount"))
    already = dict(
        FundingAsk.objects.filter(request__application__fund_id=locked.fund_id, amount_programmed__isnull=False)
        .exclude(request=cvs)
        .values("funder_id")
        .annotate(total=Sum("amount_programmed"))
        .values_list("funder_id", "total")
    )
    errors: Errors = {}
    for funder_id, amount in amounts.items():
        if not amount:
            continue
        ask = asks.get(funder_id)
        field = f"amount_{funder_id}"
        if ask is None:
            errors[field] = [_("Ce financeur n'a pas été sollicité par la demande : laissez 0.")]
            continue
        if amount > ask.amount_asked:
            errors[field] = [
                _("%(funder)s : le montant programmé ne peut pas dépasser le montant demandé (%(asked)s).")
                % {"funder": ask.funder.name, "asked": format_money(ask.amount_asked)}
            ]
            continue
        left = envelopes.get(funder_id, Decimal("0")) - already.get(funder_id, Decimal("0"))
        if amount > left:
            errors[field] = [
                _(
                    "%(funder)s : l'enveloppe ne permet plus que %(left)s. Baissez ce montant, ou "
                    "demandez au financeur d'augmenter son enveloppe."
                )
                % {"funder": ask.funder.name, "left": format_money(max(left, Decimal("0")))}
            ]
    if not any(amounts.values()):
        errors[NON_FIELD_ERRORS] = [_("Indiquez le montant programmé par au moins un financeur.")]
    return errors


def _tell_programming(
    *,
    user,
    locked: Application,
    cvs: CvsRequest,
    decision: ProgrammingDecision,
    asks: dict[int, FundingAsk],
    amounts: dict[int, Decimal],
    granted: bool,
    decided_on: datetime.date,
) -> None:
    """The audit entry, then the holder's e-mail with each funder's amount (outbox)."""
    record_audit(
        actor=user,
        action="cvs.programming",
        target=locked,
        summary=_("programmée") if granted else _("non programmée"),
        data={
            "amounts": {str(k): str(v) for k, v in amounts.items() if v},
            "decided_on": decided_on.isoformat(),
        },
    )
    lines = [(ask.funder.name, ask.amount_programmed) for ask in asks.values() if ask.amount_programmed]
    _tell_holder(
        locked,
        user=user,
        email="programming",
        also=cvs.referent_email,
        decision=decision,
        lines=[(name, format_money(amount)) for name, amount in lines],
        total=format_money(sum((amount for _n, amount in lines), Decimal("0"))),
    )


def record_programming(
    *,
    user,
    application: Application,
    decided_on: datetime.date,
    attendees: str,
    granted: bool,
    amounts: dict[int, Decimal],
    comment: str = "",
) -> ProgrammingDecision:
    """The programming committee's decision: an amount per funder, each within that funder's envelope.

    Locks the fund first (the envelopes read every decision of the fund), then the request; then notifies the
    holder of each funder's amount (outbox, same transaction).
    """
    if not permissions.can_decide(user, application):
        raise refused(_("Seule l'équipe qui anime l'appel à projets enregistre la programmation."))
    with transaction.atomic():
        lock_fund(application.fund)
        locked = lock_application(application)
        step = _programming_step(locked, granted=granted)
        cvs = CvsRequest.objects.get(application=locked)
        asks = {ask.funder_id: ask for ask in cvs.funding_asks.select_related("funder").select_for_update()}
        if granted:
            raise_if(_amount_errors(locked=locked, cvs=cvs, asks=asks, amounts=amounts))
        for funder_id, ask in asks.items():
            ask.amount_programmed = (amounts.get(funder_id) or Decimal("0")) if granted else Decimal("0")
            ask.full_clean()
            ask.save(update_fields=["amount_programmed"])
        decision = ProgrammingDecision(
            request=cvs, decided_on=decided_on, attendees=attendees, granted=granted, comment=comment, recorded_by=user
        )
        decision.full_clean()
        decision.save()
        apply_transition(user=user, application=locked, transition=step.slug, role=Role.PROGRAMMING, comment=comment)
        _tell_programming(
            user=user,
            locked=locked,
            cvs=cvs,
            decision=decision,
            asks=asks,
            amounts=amounts,
            granted=granted,
            decided_on=decided_on,
        )
    application.status = locked.status
    return decision


def record_funder_payment(
    *, user, application: Application, funder_id: int, amount: Decimal, paid_on: datetime.date
) -> FundingAsk:
    """A payment by one funder of its programmed amount (never more than programmed), recorded by the carrier."""
    if not permissions.can_decide(user, application):
        raise refused(_("Seule l'équipe qui anime l'appel à projets enregistre les versements."))
    with transaction.atomic():
        locked = lock_application(application)
        if locked.status not in PAYABLE:
            raise ValidationError({NON_FIELD_ERRORS: [_("Un versement s'enregistre une fois le projet programmé.")]})
        ask = (
            FundingAsk.objects.select_for_update()
            .select_related("funder")
            .filter(request__application=locked, funder_id=funder_id)
            .first()
        )
        if ask is None or not ask.amount_programmed:
            raise ValidationError({"funder": [_("Ce financeur n'a rien programmé pour ce projet.")]})
        left = ask.amount_programmed - ask.amount_paid
        if amount > left:
            raise ValidationError(
                {
                    "amount": [
                        _("%(funder)s : il reste %(left)s à verser sur le montant programmé ; corrigez le montant.")
                        % {"funder": ask.funder.name, "left": format_money(left)}
                    ]
                }
            )
        ask.amount_paid += amount
        ask.full_clean()
        ask.save(update_fields=["amount_paid"])
        record_audit(
            actor=user,
            action="cvs.funder_payment",
            target=locked,
            summary=f"{ask.funder.name} : {format_money(amount)}",
            data={"funder": funder_id, "amount": str(amount), "paid_on": paid_on.isoformat()},
        )
    return ask
