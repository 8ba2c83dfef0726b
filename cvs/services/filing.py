"""Writes of the CVS path, the association's side: the draft, its steps, filing (and filing again)."""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.locks import lock_application, lock_reference_counter
from applications.models import Application, BudgetLine, Holder
from applications.permissions import is_owner
from applications.services import apply_transition, send_staff_notice, send_submission_acknowledgement, start_draft
from applications.services.guards import refused
from applications.workflow import Role, Status, get_transition, may_take
from core.services import record_audit
from core.templatetags.portal_format import format_money
from core.validation import raise_if
from cvs import permissions, rules
from cvs.models import (
    REPUBLICAN_COMMITMENT_REQUIRED,
    SIRET_REQUIRED,
    CvsRequest,
    FundingAsk,
)
from funds.models import Fund, FundCoFunder

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
