"""Writes of the CVS path: each a keyword-only service, in one transaction, permission checked, audited."""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.locks import lock_application, lock_fund, lock_reference_counter
from applications.models import Application, BudgetLine, Holder
from applications.permissions import is_owner
from applications.services import apply_transition, send_staff_notice, send_submission_acknowledgement, start_draft
from applications.services.guards import refused
from applications.workflow import Role, Status, get_transition, may_take
from core.emails import absolute_url, send_templated, unique_addresses
from core.services import record_audit
from core.templatetags.portal_format import format_money
from core.validation import raise_if
from cvs import permissions, rules
from cvs.models import (
    REPUBLICAN_COMMITMENT_REQUIRED,
    SIRET_REQUIRED,
    CvsRequest,
    FunderOpinion,
    FundingAsk,
    ProgrammingDecision,
)
from funds.models import Fund, FundCoFunder

# A programmed project may receive its funders' payments until it is closed.
PAYABLE = (Status.GRANTED, Status.ADVANCE_PAID, Status.BILAN_DUE, Status.BILAN_RECEIVED, Status.BILAN_ACCEPTED)

STRUCTURE_FIELDS = (
    "structure_kind",
    "representative_name",
    "representative_role",
    "referent_name",
    "referent_email",
    "referent_phone",
)
HOLDER_FIELDS = ("name", "siret", "address", "postcode", "city")
PROJECT_FIELDS = ("diagnostic", "territorial_anchoring", "target_public", "multi_year", "previous_request")
COMMITMENT_FIELDS = (
    "gender_objectives",
    "gender_means",
    "common_law_funding",
    "partnerships",
    "evaluation_indicators",
    "evaluation_follow_up",
)


def _editable(user, application: Application) -> tuple[Application, CvsRequest]:
    """Lock the request for its holder's edit (draft or completion asked); refuse otherwise."""
    if not is_owner(user, application):
        raise refused(_("Seule la personne qui prépare cette demande peut la modifier."))
    locked = lock_application(application)
    if not permissions.can_edit(user, locked):
        raise ValidationError({NON_FIELD_ERRORS: [_("Cette demande est déposée : elle ne peut plus être modifiée.")]})
    return locked, CvsRequest.objects.select_for_update().get(application=locked)


def start_cvs_draft(*, user, fund: Fund, today: datetime.date | None = None) -> Application:
    """A new draft request in a CVS fund whose call is open, with its CVS part."""
    if fund.scheme != Fund.Scheme.CVS:
        raise ValidationError({NON_FIELD_ERRORS: [_("Ce fonds n'est pas un appel à projets du contrat de ville.")]})
    with transaction.atomic():
        application = start_draft(user=user, fund=fund, today=today)
        CvsRequest.objects.create(application=application)
    return application


def save_structure(*, user, application: Application, data: dict) -> Application:
    """The structure that files (type, SIRET, address), its representative and referent, the CER acknowledgement."""
    with transaction.atomic():
        locked, cvs = _editable(user, application)
        kind = data["structure_kind"]
        errors: dict[str, list[str]] = {}
        if kind in SIRET_REQUIRED and not data.get("siret"):
            errors["siret"] = [
                _("Une association doit indiquer son numéro SIRET (14 chiffres, sur l'avis de situation INSEE).")
            ]
        accepted = bool(data.get("republican_commitment"))
        if kind in REPUBLICAN_COMMITMENT_REQUIRED and not accepted:
            errors["republican_commitment"] = [
                _("Une association doit souscrire au contrat d'engagement républicain : cochez la case pour continuer.")
            ]
        raise_if(errors)
        holder = locked.holder or Holder(owner=user, kind=Holder.Kind.ASSOCIATION)
        for field in HOLDER_FIELDS:
            setattr(holder, field, data.get(field) or "")
        holder.referent_name = data["referent_name"]
        holder.referent_phone = data.get("referent_phone") or ""
        if accepted and holder.republican_commitment_accepted_at is None:
            holder.republican_commitment_accepted_at = timezone.now()
        elif not accepted:
            holder.republican_commitment_accepted_at = None
        holder.full_clean()
        holder.save()
        for field in STRUCTURE_FIELDS:
            setattr(cvs, field, data.get(field) or "")
        cvs.full_clean()
        cvs.save()
        locked.holder = holder
        locked.last_step = Application.Step.HOLDER
        locked.save(update_fields=["holder", "last_step", "updated_at"])
        record_audit(
            actor=user,
            action="cvs.save_structure",
            target=locked,
            summary=cvs.get_structure_kind_display(),
            data={"republican_commitment": holder.republican_commitment_accepted_at is not None},
        )
    return locked


def previous_requests_for(user, fund: Fund):
    """The holder's own CVS requests of an earlier year that were programmed: what a renewal may name."""
    return (
        Application.objects.owned_by(user)
        .filter(fund__scheme=Fund.Scheme.CVS, fund__year__lt=fund.year, cvs_request__programming__granted=True)
        .select_related("fund")
        .order_by("-fund__year", "reference")
    )


def save_project(*, user, application: Application, data: dict) -> Application:
    """Title, diagnostic, territorial anchoring, QPV and ambitions, public, multi-year, renewal."""
    with transaction.atomic():
        locked, cvs = _editable(user, application)
        fund = locked.fund
        errors: dict[str, list[str]] = {}
        neighbourhoods = list(data.get("neighbourhoods") or [])
        ambitions = list(data.get("ambitions") or [])
        if not neighbourhoods:
            errors["neighbourhoods"] = [_("Cochez au moins un quartier prioritaire concerné par le projet.")]
        elif fund.neighbourhoods.exists() and fund.neighbourhoods.filter(
            pk__in=[n.pk for n in neighbourhoods]
        ).count() != len(neighbourhoods):
            errors["neighbourhoods"] = [_("Choisissez les quartiers dans la liste de l'appel à projets.")]
        if not ambitions:
            errors["ambitions"] = [_("Cochez au moins une ambition du contrat de ville à laquelle le projet répond.")]
        elif fund.ambitions.exists() and fund.ambitions.filter(pk__in=[a.pk for a in ambitions]).count() != len(
            ambitions
        ):
            errors["ambitions"] = [_("Choisissez les ambitions dans la liste de l'appel à projets.")]
        previous = data.get("previous_request")
        if previous is not None and not previous_requests_for(user, fund).filter(pk=previous.pk).exists():
            errors["previous_request"] = [_("Choisissez une de vos demandes programmées une année précédente.")]
        raise_if(errors)
        locked.title = data["title"]
        locked.description = data.get("description") or ""
        locked.full_clean(exclude=["holder", "theme", "ambition", "neighbourhood", "fund", "created_by"])
        locked.last_step = Application.Step.PROJECT
        locked.save(update_fields=["title", "description", "last_step", "updated_at"])
        for field in ("diagnostic", "territorial_anchoring", "target_public"):
            setattr(cvs, field, data.get(field) or "")
        cvs.multi_year = bool(data.get("multi_year"))
        cvs.previous_request = previous
        cvs.full_clean()
        cvs.save()
        cvs.neighbourhoods.set(neighbourhoods)
        cvs.ambitions.set(ambitions)
        record_audit(actor=user, action="cvs.save_project", target=locked, summary=locked.title)
    return locked


def save_commitments(*, user, application: Application, data: dict) -> Application:
    """Gender equality objectives and means, common-law funding, partnerships, evaluation."""
    with transaction.atomic():
        locked, cvs = _editable(user, application)
        for field in COMMITMENT_FIELDS:
            setattr(cvs, field, data.get(field) or "")
        cvs.full_clean()
        cvs.save()
        locked.last_step = Application.Step.PEOPLE
        locked.save(update_fields=["last_step", "updated_at"])
        record_audit(actor=user, action="cvs.save_commitments", target=locked)
    return locked


def save_cvs_budget(
    *, user, application: Application, expenses: list[dict], resources: list[dict], asks: dict[int, Decimal]
) -> Application:
    """The CERFA budget (charges and other resources by account line) and the amount asked from each funder.

    The lines are replaced at once. A draft's budget may not balance yet (it is saved, and the page says by how
    much); the request is filed only once it balances: charges = other resources + the funding asked.
    """
    with transaction.atomic():
        locked, cvs = _editable(user, application)
        cofunders = {
            link.funder_id: link.funder
            for link in FundCoFunder.objects.filter(fund_id=locked.fund_id).select_related("funder")
        }
        unknown = set(asks) - set(cofunders)
        if unknown:
            raise ValidationError({NON_FIELD_ERRORS: [_("Demandez des financements aux seuls financeurs de l'appel.")]})
        expense_total = sum((line["amount"] for line in expenses), Decimal("0"))
        asked = sum((amount for amount in asks.values() if amount), Decimal("0"))
        locked.budget_lines.all().delete()
        position = 0
        for side, lines in ((BudgetLine.Side.EXPENSE, expenses), (BudgetLine.Side.RESOURCE, resources)):
            for line in lines:
                position += 1
                row = BudgetLine(application=locked, side=side, position=position, **line)
                row.full_clean()
                row.save()
        cvs.funding_asks.all().delete()
        for funder_id, amount in asks.items():
            if amount:
                ask = FundingAsk(request=cvs, funder=cofunders[funder_id], amount_asked=amount)
                ask.full_clean()
                ask.save()
        locked.amount_requested = asked or None
        locked.last_step = Application.Step.BUDGET
        locked.full_clean(exclude=["holder", "theme", "ambition", "neighbourhood", "fund", "created_by"])
        locked.save(update_fields=["amount_requested", "last_step", "updated_at"])
        record_audit(
            actor=user,
            action="cvs.save_budget",
            target=locked,
            summary=format_money(asked),
            data={"asks": {str(k): str(v) for k, v in asks.items() if v}, "expenses": str(expense_total)},
        )
    return locked


def submit_cvs_request(*, user, application: Application, today: datetime.date | None = None) -> Application:
    """File a complete CVS request: the fund's next reference, the `submit` transition, the acknowledgement.

    Refused while a renewal's previous-year annex 3 bilan is not filed (the message links to it).
    """
    if not is_owner(user, application):
        raise refused(_("Seule la personne qui a préparé cette demande peut la déposer."))
    if getattr(user, "email_confirmed_at", None) is None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Confirmez d'abord votre adresse e-mail %(email)s : cliquez sur le lien reçu par e-mail à la "
                        "création de votre compte, ou demandez un nouveau lien depuis « Mon compte »."
                    )
                    % {"email": user.email}
                ]
            }
        )
    with transaction.atomic():
        locked = lock_application(application)
        if locked.status == Status.COMPLETION_REQUESTED:
            return _resubmit(user=user, application=application, locked=locked)
        if not may_take(get_transition("submit"), status=locked.status, role=Role.HOLDER):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Cette demande est déjà déposée (référence %(ref)s).") % {"ref": locked.reference}
                    ]
                }
            )
        if locked.fund.call_closes_on < (today or timezone.localdate()):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("L'appel à projets est clos depuis le %(date)s : la demande ne peut plus être déposée.")
                        % {"date": locked.fund.call_closes_on.strftime("%d/%m/%Y")}
                    ]
                }
            )
        _raise_submission_errors(locked)
        counter = lock_reference_counter(fund_id=locked.fund_id)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        fund = locked.fund
        locked.number = counter.last_number
        locked.reference = f"{fund.reference_prefix}-{fund.year}-{counter.last_number:04d}"
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["number", "reference", "submitted_at", "updated_at"])
        apply_transition(user=user, application=locked, transition="submit", role=Role.HOLDER)
        send_submission_acknowledgement(application_id=locked.pk)
    application.status, application.reference = locked.status, locked.reference
    return locked


def _raise_submission_errors(locked: Application) -> None:
    cvs = CvsRequest.objects.select_related("previous_request").get(application=locked)
    errors = rules.submission_errors(locked, cvs)
    if errors:
        raise ValidationError({NON_FIELD_ERRORS: [m for messages in errors.values() for m in messages]})


def _resubmit(*, user, application: Application, locked: Application) -> Application:
    """File again a request completed after the staff asked for more (the call may be closed by then)."""
    _raise_submission_errors(locked)
    apply_transition(user=user, application=locked, transition="resubmit", role=Role.HOLDER)
    send_staff_notice(application_id=locked.pk, name="resubmitted_staff", comment="")
    application.status = locked.status
    return locked


def ask_for_completion(*, user, application: Application, comment: str) -> Application:
    """The carrier's staff send the request back to its holder for more (what is missing: comment required)."""
    if not permissions.can_decide(user, application):
        raise refused(_("Seule l'équipe qui instruit l'appel à projets demande un complément."))
    with transaction.atomic():
        locked = lock_application(application)
        apply_transition(
            user=user, application=locked, transition="request_completion", role=Role.STAFF, comment=comment
        )
        send_templated(
            name="cvs/emails/completion",
            to=[locked.created_by.email],
            context={
                "application": locked,
                "fund": locked.fund,
                "comment": comment,
                "url": absolute_url(reverse("cvs:step", args=[locked.pk, "structure"])),
            },
            reply_to=[locked.fund.association.contact_email],
            cause="cvs_completion",
            target=locked,
            actor=user,
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
        send_templated(
            name="cvs/emails/eligibility",
            to=[locked.created_by.email],
            context={
                "application": locked,
                "fund": locked.fund,
                "eligible": eligible,
                "comment": comment,
                "url": absolute_url(reverse("cvs:detail", args=[locked.pk])),
            },
            reply_to=[locked.fund.association.contact_email],
            cause="cvs_eligibility",
            target=locked,
            actor=user,
        )
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
        cvs = CvsRequest.objects.get(application=locked)
        asks = {ask.funder_id: ask for ask in cvs.funding_asks.select_related("funder").select_for_update()}
        errors: dict[str, list[str]] = {}
        if granted:
            envelopes = dict(FundCoFunder.objects.filter(fund_id=locked.fund_id).values_list("funder_id", "amount"))
            already = dict(
                FundingAsk.objects.filter(request__application__fund_id=locked.fund_id, amount_programmed__isnull=False)
                .exclude(request=cvs)
                .values("funder_id")
                .annotate(total=Sum("amount_programmed"))
                .values_list("funder_id", "total")
            )
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
        raise_if(errors)
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
        record_audit(
            actor=user,
            action="cvs.programming",
            target=locked,
            summary=_("programmée") if granted else _("non programmée"),
            data={"amounts": {str(k): str(v) for k, v in amounts.items() if v}, "decided_on": decided_on.isoformat()},
        )
        lines = [(ask.funder.name, ask.amount_programmed) for ask in asks.values() if ask.amount_programmed]
        send_templated(
            name="cvs/emails/programming",
            to=unique_addresses([locked.created_by.email, cvs.referent_email]),
            context={
                "application": locked,
                "fund": locked.fund,
                "decision": decision,
                "lines": [(name, format_money(amount)) for name, amount in lines],
                "total": format_money(sum((amount for _n, amount in lines), Decimal("0"))),
                "url": absolute_url(reverse("cvs:detail", args=[locked.pk])),
            },
            reply_to=[locked.fund.association.contact_email],
            cause="cvs_programming",
            target=locked,
            actor=user,
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
