"""Every change to a bilan goes through here.

Each service checks permission (PermissionDenied), validates (ValidationError with French messages that
say how to fix the problem), writes in one transaction after `full_clean()`, records an audit entry, and
sends e-mails only once the transaction has committed. Status changes of the request go through
`applications.services.apply_transition` (receive_bilan, return_bilan, close).
"""

import logging
import os
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import conflicts
from applications.budget import ExpenseCategory, GrantSource, ResourceCategory
from applications.models import Application, BudgetLine
from applications.services import apply_transition
from applications.workflow import Role, Status
from core.services import record_audit
from core.templatetags.portal_format import format_money
from reports import emails, selectors
from reports.models import (
    COMMUNE_ITEMS,
    CVS_ITEM_ACCOUNTS,
    EFFECTS_WITH_PUBLICS,
    EXCLUSIVE_CHANGES,
    ITEM_REQUIRED_ACCOUNTS,
    MAX_OBJECTIVES,
    MIN_OBJECTIVES,
    PROGRESS_WITH_DATE,
    PUBLIC_FIELDS,
    SHORT_DESCRIPTION_MAX_LINES,
    Bilan,
    BilanAttachment,
    BilanExpense,
    BilanReminder,
    BilanStatus,
    BudgetSide,
    CvsBilan,
    CvsBudgetItem,
    CvsBudgetLine,
    CvsObjective,
    CvsPartner,
    Effect,
    EffectChange,
    EffectObservation,
    ObservedChange,
    ObservedPublic,
    changes_of,
)
from reports.permissions import is_holder, is_reviewer
from reports.uploads import clean_upload

logger = logging.getLogger(__name__)

Errors = dict[str, list[str]]

MAX_EXPENSE_LINES = 40
MAX_ATTACHMENTS = 30
MAX_PARTNERS = 20
MAX_CVS_BUDGET_LINES = 100

PIC_FIELDS = (
    "main_objective",
    "held_from",
    "held_until",
    "proceedings",
    "mobilised_women",
    "mobilised_men",
    "participant_women",
    "participant_men",
    "positive_points",
    "difficulties",
    "results",
    "helpers",
    "help_received",
    "help_sufficient",
    "help_comment",
    "wants_to_renew",
    "other_ideas",
)

CVS_FIELDS = (
    "period_start",
    "period_end",
    "structure",
    "referent_first_name",
    "referent_last_name",
    "referent_function",
    "referent_email",
    "referent_phone",
    "action_created_year",
    "territory",
    "target_public",
    "partnerships",
    "dedicated_staff",
    "material_means",
    "communication_means",
    "planned_cost",
    "short_description",
    "progress_status",
    "progress_since",
    "coordination",
    "achievements",
    "successes",
    "difficulties",
    "positive_impacts",
    "negative_impacts",
    "perspective",
    "perspective_comment",
    "key_figures",
    "swot_strengths",
    "swot_weaknesses",
    "swot_opportunities",
    "swot_threats",
)

# Grant sources of the request's budget → the annex 3 line of the same funder.
GRANT_SOURCE_ITEMS = {
    GrantSource.STATE: CvsBudgetItem.STATE_COMMON,
    GrantSource.REGION: CvsBudgetItem.REGION_COMMON,
    GrantSource.DEPARTMENT: CvsBudgetItem.DEPARTMENT,
    GrantSource.COMMUNE: CvsBudgetItem.COMMUNE_COMMON,
    GrantSource.CAF: CvsBudgetItem.CAF,
    GrantSource.LANDLORD: CvsBudgetItem.LANDLORD,
    GrantSource.EUROPE: CvsBudgetItem.EUROPE,
    GrantSource.OTHER: CvsBudgetItem.OTHER_GRANTS,
}


# --- Helpers ------------------------------------------------------------------------------------------


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _merge(errors: Errors, other: dict) -> Errors:
    for field, messages in other.items():
        errors.setdefault(field, []).extend(messages)
    return errors


def _raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _full_clean(instance, errors: Errors, **kwargs) -> None:
    """full_clean() into `errors`; the check constraints only run when nothing was found before."""
    try:
        instance.full_clean(validate_constraints=not errors, **kwargs)
    except ValidationError as error:
        _merge(errors, error.message_dict)


def _clean_value(value):
    return value.strip() if isinstance(value, str) else value


def _day(value) -> str:
    return date_format(value, "d/m/Y")


def _lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("fund__association", "created_by")
        .get(pk=application.pk)
    )


def _lock_bilan(bilan: Bilan | CvsBilan) -> Bilan | CvsBilan:
    """Re-read a bilan (either kind) with its row locked until the end of the transaction."""
    return (
        type(bilan)
        .objects.select_for_update(of=("self",))
        .select_related("application__fund__association", "application__created_by")
        .get(pk=bilan.pk)
    )


def _sync(target, source, fields: Iterable[str]) -> None:
    for field in fields:
        setattr(target, field, getattr(source, field))


def _check_holder(user, application: Application) -> None:
    if not is_holder(user, application):
        raise PermissionDenied(_("Seule la personne qui a déposé la demande remplit et dépose son bilan."))


def _check_editable(bilan: Bilan | CvsBilan) -> None:
    if not bilan.is_editable:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Ce bilan est déposé (statut : %(status)s) : il ne peut plus être modifié, sauf si "
                        "l'association porteuse vous le renvoie pour correction."
                    )
                    % {"status": BilanStatus(bilan.status).label}
                ]
            }
        )
    if bilan.application.status not in selectors.OWING_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Le bilan de cette demande ne peut plus être modifié (statut de la demande : %(status)s).")
                    % {"status": Status(bilan.application.status).label}
                ]
            }
        )


def _check_reviewer(user, application: Application) -> None:
    if is_reviewer(user, application):
        conflicts.ensure_not_conflicted(user, application, action=_("étudier son bilan"))
    if not is_reviewer(user, application):
        raise PermissionDenied(
            _("Seule l'équipe de l'association porteuse du fonds « %(fund)s » étudie ses bilans.")
            % {"fund": application.fund.name}
        )


def _check_can_start(*, user, application: Application, cvs: bool) -> None:
    _check_holder(user, application)
    if selectors.uses_cvs_bilan(application) != cvs:
        message = (
            _("Ce fonds demande le bilan du Contrat de ville (annexe 3) : ouvrez-le depuis la page de la demande.")
            if not cvs
            else _(
                "Ce fonds demande le bilan d'un projet d'initiative citoyenne : ouvrez-le depuis la page de la demande."
            )
        )
        raise ValidationError({NON_FIELD_ERRORS: [message]})
    if application.status not in selectors.OWING_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Le bilan se remplit une fois la subvention accordée, jusqu'à son dépôt "
                        "(statut de la demande : %(status)s)."
                    )
                    % {"status": Status(application.status).label}
                ]
            }
        )


def _lines_error(errors: Errors, number: int, message: str) -> None:
    _add(errors, "lines", _("Ligne %(number)s : %(message)s") % {"number": number, "message": message})


def _amount(value, default: Decimal | None = None):
    """An amount as given (full_clean() turns "12.50" into a Decimal, or says in French it is not one)."""
    return default if value is None or (isinstance(value, str) and not value.strip()) else value


# --- The PIC bilan: start and save ---------------------------------------------------------------------


def start_bilan(*, user, application: Application) -> Bilan:
    """Open the bilan of a granted request (PIC, FPH, fifty-fifty), prefilled from the request.

    The objective and dates are copied, and each expense line of the provisional budget becomes a line
    of the bilan with its planned amount. Starting twice returns the bilan already started.
    """
    _check_can_start(user=user, application=application, cvs=False)
    with transaction.atomic():
        locked = _lock_application(application)
        existing = Bilan.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        _check_can_start(user=user, application=locked, cvs=False)
        bilan = Bilan(
            application=locked,
            created_by=user,
            main_objective=locked.objectives,
            held_from=locked.starts_at,
            held_until=locked.ends_at,
        )
        bilan.full_clean()
        bilan.save()
        budget = locked.budget_lines.filter(side=BudgetLine.Side.EXPENSE).order_by("position", "pk")
        expenses = [
            BilanExpense(
                bilan=bilan,
                category=line.category,
                label=line.label,
                planned_amount=line.amount,
                actual_amount=None,
                position=index,
            )
            for index, line in enumerate(budget, start=1)
            if line.category in ExpenseCategory.values
        ]
        for expense in expenses:
            expense.full_clean()
        BilanExpense.objects.bulk_create(expenses)
        record_audit(
            actor=user,
            action="bilan.start",
            target=bilan,
            summary=locked.display_reference,
            data={"application": locked.pk, "expense_lines": len(expenses)},
        )
    return bilan


def save_bilan(*, user, bilan: Bilan, data: dict) -> Bilan:
    """Save some of the bilan's fields (a section's cleaned_data); the bilan stays a draft."""
    _check_holder(user, bilan.application)
    fields = [field for field in PIC_FIELDS if field in data]
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        for field in fields:
            setattr(locked, field, _clean_value(data[field]))
        errors: Errors = {}
        if locked.held_from and locked.held_until and locked.held_until < locked.held_from:
            _add(errors, "held_until", _("La fin de l'action doit venir après son début : corrigez les dates."))
        _full_clean(locked, errors)
        _raise_if(errors)
        locked.save()
        record_audit(actor=user, action="bilan.save", target=locked, data={"fields": fields})
    _sync(bilan, locked, (*fields, "updated_at"))
    return locked


def save_bilan_expenses(*, user, bilan: Bilan, lines: list[dict]) -> list[BilanExpense]:
    """Replace the expense lines: {category, label, planned_amount (0 if new), actual_amount}."""
    _check_holder(user, bilan.application)
    errors: Errors = {}
    if len(lines) > MAX_EXPENSE_LINES:
        _add(
            errors,
            "lines",
            _("Un bilan compte au plus %(max)s lignes de dépense : regroupez des dépenses proches.")
            % {"max": MAX_EXPENSE_LINES},
        )
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        expenses = []
        for number, line in enumerate(lines, start=1):
            expense = BilanExpense(
                bilan=locked,
                category=line.get("category") or "",
                label=_clean_value(line.get("label") or ""),
                planned_amount=_amount(line.get("planned_amount"), Decimal("0")),
                actual_amount=_amount(line.get("actual_amount")),
                position=number,
            )
            if expense.category not in ExpenseCategory.values:
                _lines_error(errors, number, _("choisissez la catégorie de la dépense dans la liste."))
                continue
            if not expense.label:
                _lines_error(errors, number, _("écrivez ce qui a été acheté ou payé."))
                continue
            try:
                expense.full_clean(exclude=["bilan"])
            except ValidationError as error:
                for message in error.messages:
                    _lines_error(errors, number, message)
                continue
            expenses.append(expense)
        _raise_if(errors)
        locked.expenses.all().delete()
        BilanExpense.objects.bulk_create(expenses)
        locked.save(update_fields=["updated_at"])
        record_audit(actor=user, action="bilan.save_expenses", target=locked, data={"lines": len(expenses)})
    return list(locked.expenses.all())


def _check_observation(observation: dict, errors: Errors, seen: set[str]) -> None:
    effect = observation.get("effect")
    if effect not in Effect.values:
        _add(errors, "effects", _("Choisissez les effets dans la grille."))
        return
    label = Effect(effect).label
    if effect in seen:
        _add(errors, effect, _("L'effet « %(effect)s » est indiqué deux fois.") % {"effect": label})
    seen.add(effect)
    publics = set(observation.get("publics") or ())
    changes = set(observation.get("changes") or ())
    narrative = (observation.get("narrative") or "").strip()
    if publics - set(ObservedPublic.values):
        _add(errors, effect, _("Choisissez les publics dans la liste."))
    if publics and effect not in EFFECTS_WITH_PUBLICS:
        _add(errors, effect, _("La grille ne demande pas de publics pour l'effet « %(effect)s ».") % {"effect": label})
    allowed = {value for value, _label in changes_of(effect)}
    if changes - allowed:
        _add(errors, effect, _("Cochez des éléments de l'effet « %(effect)s » seulement.") % {"effect": label})
    for group in EXCLUSIVE_CHANGES:
        if len(changes & group) > 1:
            _add(
                errors,
                effect,
                _("« %(effect)s » : cochez une seule de ces réponses : %(choices)s.")
                % {"effect": label, "choices": " / ".join(str(ObservedChange(c).label) for c in sorted(group))},
            )
    if not changes and not narrative:
        _add(
            errors,
            effect,
            _("« %(effect)s » : cochez ce qui a été observé ou décrivez-le, ou décochez cet effet.")
            % {"effect": label},
        )


def set_effects(*, user, bilan: Bilan, observations: list[dict]) -> list[EffectObservation]:
    """Replace the effects grid: one dict per observed effect {effect, publics, changes, narrative}."""
    _check_holder(user, bilan.application)
    errors: Errors = {}
    seen: set[str] = set()
    for observation in observations:
        _check_observation(observation, errors, seen)
    _raise_if(errors)
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        rows = []
        for observation in observations:
            publics = set(observation.get("publics") or ())
            row = EffectObservation(
                bilan=locked,
                effect=observation["effect"],
                narrative=(observation.get("narrative") or "").strip(),
                **{field: public in publics for public, field in PUBLIC_FIELDS.items()},
            )
            row_errors: Errors = {}
            _full_clean(row, row_errors, exclude=["bilan"], validate_unique=False)
            if row_errors:
                _add(errors, row.effect, " ".join(m for ms in row_errors.values() for m in ms))
            rows.append(row)
        _raise_if(errors)
        locked.effects.all().delete()
        EffectObservation.objects.bulk_create(rows)
        ids = dict(locked.effects.values_list("effect", "pk"))
        EffectChange.objects.bulk_create(
            EffectChange(observation_id=ids[observation["effect"]], change=change)
            for observation in observations
            for change in sorted(set(observation.get("changes") or ()))
        )
        locked.save(update_fields=["updated_at"])
        record_audit(
            actor=user, action="bilan.set_effects", target=locked, data={"effects": [o["effect"] for o in observations]}
        )
    return list(locked.effects.all())


# --- The PIC bilan: receipts and photos ------------------------------------------------------------------


def add_bilan_attachment(
    *, user, bilan: Bilan, kind: str, uploaded_file, public_consent: bool = False, description: str = ""
) -> BilanAttachment:
    """Store a receipt or a photo under a private path with a random name; images lose their metadata."""
    _check_holder(user, bilan.application)
    _check_editable(bilan)
    if kind not in BilanAttachment.Kind.values:
        raise ValidationError({"kind": [_("Choisissez s'il s'agit d'un justificatif ou d'une photo.")]})
    if public_consent and kind != BilanAttachment.Kind.PHOTO:
        raise ValidationError(
            {"public_consent": [_("L'accord de publication concerne les photos : décochez-le pour un justificatif.")]}
        )
    clean = clean_upload(uploaded_file=uploaded_file, kind=kind)
    original_name = os.path.basename(uploaded_file.name or "")[:255] or _("document")
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                {
                    "file": [
                        _("Un bilan compte au plus %(max)s pièces : supprimez-en une d'abord.")
                        % {"max": MAX_ATTACHMENTS}
                    ]
                }
            )
        attachment = BilanAttachment(
            bilan=locked,
            kind=kind,
            original_name=original_name,
            content_type=clean.content_type,
            size=len(clean.content),
            description=(description or "").strip(),
            public_consent=bool(public_consent),
            uploaded_by=user,
        )
        attachment.file.save(f"{uuid.uuid4().hex}{clean.extension}", ContentFile(clean.content), save=False)
        storage, stored_path = attachment.file.storage, attachment.file.name
        # The file is written before the row: remove it again if the row cannot be saved.
        try:
            attachment.full_clean()
            attachment.save()
            record_audit(
                actor=user,
                action="bilan.add_attachment",
                target=locked,
                summary=original_name,
                data={"attachment": attachment.pk, "kind": kind, "public_consent": attachment.public_consent},
            )
        except Exception:
            storage.delete(stored_path)
            raise
    return attachment


def delete_bilan_attachment(*, user, attachment: BilanAttachment) -> None:
    bilan = attachment.bilan
    _check_holder(user, bilan.application)
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        attachment = BilanAttachment.objects.select_for_update().get(pk=attachment.pk, bilan=locked)
        storage, path = attachment.file.storage, attachment.file.name
        record_audit(
            actor=user,
            action="bilan.delete_attachment",
            target=locked,
            summary=attachment.original_name,
            data={"attachment": attachment.pk, "kind": attachment.kind},
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))


# --- The PIC bilan: submission ---------------------------------------------------------------------------

PIC_REQUIRED = {
    "main_objective": gettext_lazy("Écrivez l'objectif principal du projet au regard de sa thématique."),
    "held_from": gettext_lazy("Indiquez la date et l'heure de début de l'action."),
    "held_until": gettext_lazy("Indiquez la date et l'heure de fin de l'action."),
    "proceedings": gettext_lazy("Racontez le déroulement de l'action."),
    "mobilised_women": gettext_lazy(
        "Indiquez combien de femmes ont été mobilisées pour mettre en œuvre l'action (0 si aucune)."
    ),
    "mobilised_men": gettext_lazy(
        "Indiquez combien d'hommes ont été mobilisés pour mettre en œuvre l'action (0 si aucun)."
    ),
    "participant_women": gettext_lazy("Indiquez combien de femmes ont participé ou assisté à l'action (0 si aucune)."),
    "participant_men": gettext_lazy("Indiquez combien d'hommes ont participé ou assisté à l'action (0 si aucun)."),
    "positive_points": gettext_lazy("Écrivez au moins un point positif de l'action."),
    "help_sufficient": gettext_lazy("Dites si l'accompagnement reçu était suffisant : oui ou non."),
    "wants_to_renew": gettext_lazy("Dites si vous souhaitez reconduire votre action : oui ou non."),
}


def pic_submission_errors(*, bilan: Bilan) -> Errors:
    """What still prevents the bilan from being filed, by field, in French (empty when it can be filed)."""
    errors: Errors = {}
    for field, message in PIC_REQUIRED.items():
        if getattr(bilan, field) in (None, ""):
            _add(errors, field, str(message))
    expenses = list(bilan.expenses.all())
    if not expenses:
        _add(errors, "expenses", _("Ajoutez au moins une ligne de dépense, avec le montant réellement dépensé."))
    for number, expense in enumerate(expenses, start=1):
        if expense.actual_amount is None:
            _add(
                errors,
                "expenses",
                _("Ligne %(number)s (%(label)s) : indiquez le montant réellement dépensé (0 si rien n'a été dépensé).")
                % {"number": number, "label": expense.label},
            )
    spent = sum((e.actual_amount or Decimal("0") for e in expenses), Decimal("0"))
    if spent > 0 and not bilan.attachments.filter(kind=BilanAttachment.Kind.RECEIPT).exists():
        _add(
            errors,
            "attachments",
            _(
                "Ajoutez au moins un justificatif de dépense (facture, ticket de caisse) : le bilan indique "
                "%(spent)s dépensés."
            )
            % {"spent": format_money(spent)},
        )
    return errors


def submit_bilan(*, user, bilan: Bilan) -> Bilan:
    """File the bilan: the request becomes "bilan reçu" and the association's staff are told by e-mail."""
    _check_holder(user, bilan.application)
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        _raise_if(pic_submission_errors(bilan=locked))
        _file(user=user, bilan=locked)
    _sync(bilan, locked, ("status", "submitted_at", "updated_at"))
    return locked


def _file(*, user, bilan: Bilan | CvsBilan) -> None:
    """Inside the caller's transaction: the transition, the new status, the audit and the staff's e-mail."""
    application = bilan.application
    resubmission = bilan.status == BilanStatus.RETURNED
    apply_transition(user=user, application=application, transition="receive_bilan", role=Role.HOLDER)
    bilan.status = BilanStatus.SUBMITTED
    bilan.submitted_at = timezone.now()
    bilan.full_clean()
    bilan.save()
    record_audit(
        actor=user,
        action=f"{bilan._meta.model_name}.submit",
        target=bilan,
        summary=application.display_reference,
        data={"application": application.pk, "resubmission": resubmission},
    )
    application_id = application.pk
    transaction.on_commit(
        lambda: _notify(application_id=application_id, name="bilan_submitted_staff", staff=True), robust=True
    )


# --- Review by the association's staff ------------------------------------------------------------------


def accept_bilan(*, user, bilan: Bilan | CvsBilan) -> Bilan | CvsBilan:
    """Accept a filed bilan (PIC or CVS). The balance may then be paid; with no balance, close the request."""
    _check_reviewer(user, bilan.application)
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        application = _lock_application(locked.application)
        if locked.status != BilanStatus.SUBMITTED or application.status != Status.BILAN_RECEIVED:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Seul un bilan déposé et pas encore étudié peut être accepté (statut du bilan : %(status)s).")
                        % {"status": BilanStatus(locked.status).label}
                    ]
                }
            )
        locked.status = BilanStatus.ACCEPTED
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.full_clean()
        locked.save()
        record_audit(
            actor=user,
            action=f"{locked._meta.model_name}.accept",
            target=locked,
            summary=application.display_reference,
            data={"application": application.pk},
        )
        transaction.on_commit(lambda: _notify(application_id=application.pk, name="bilan_accepted"), robust=True)
    _sync(bilan, locked, ("status", "reviewed_by", "reviewed_at", "updated_at"))
    return locked


def return_bilan(*, user, bilan: Bilan | CvsBilan, comment: str) -> Bilan | CvsBilan:
    """Send a filed bilan back to the holder, saying what to correct; the holder is told by e-mail."""
    _check_reviewer(user, bilan.application)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {
                "comment": [
                    _("Expliquez au porteur ce qu'il doit corriger ou compléter : le commentaire est obligatoire.")
                ]
            }
        )
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        if locked.status != BilanStatus.SUBMITTED:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _(
                            "Seul un bilan déposé et pas encore accepté peut être renvoyé "
                            "(statut du bilan : %(status)s)."
                        )
                        % {"status": BilanStatus(locked.status).label}
                    ]
                }
            )
        apply_transition(
            user=user, application=locked.application, transition="return_bilan", role=Role.STAFF, comment=comment
        )
        locked.status = BilanStatus.RETURNED
        locked.return_comment = comment
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.full_clean()
        locked.save()
        record_audit(
            actor=user,
            action=f"{locked._meta.model_name}.return",
            target=locked,
            summary=comment[:200],
            data={"application": locked.application_id, "comment": comment},
        )
        application_id = locked.application_id
        transaction.on_commit(
            lambda: _notify(application_id=application_id, name="bilan_returned", comment=comment), robust=True
        )
    _sync(bilan, locked, ("status", "return_comment", "reviewed_by", "reviewed_at", "updated_at"))
    return locked


def close_after_bilan(*, user, application: Application) -> Application:
    """Close the request once its bilan is accepted and the balance paid (or there is no balance to pay)."""
    _check_reviewer(user, application)
    with transaction.atomic():
        locked = _lock_application(application)
        if not selectors.bilan_is_accepted(locked):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Acceptez d'abord le bilan de cette demande, puis clôturez-la.")]}
            )
        if locked.status == Status.BILAN_RECEIVED:
            remaining = selectors.balance_due(locked)
            if remaining > 0:
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: [
                            _("Versez d'abord le solde de %(amount)s, puis clôturez la demande.")
                            % {"amount": format_money(remaining)}
                        ]
                    }
                )
        elif locked.status != Status.BALANCE_PAID:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Cette demande ne peut pas être clôturée maintenant (statut : %(status)s).")
                        % {"status": Status(locked.status).label}
                    ]
                }
            )
        apply_transition(
            user=user,
            application=locked,
            transition="close",
            role=Role.STAFF,
            comment=_("Bilan accepté, subvention entièrement versée."),
        )
    application.status = locked.status
    return locked


# --- The CVS bilan (annex 3) -----------------------------------------------------------------------------


def start_cvs_bilan(*, user, application: Application) -> CvsBilan:
    """Open the annex 3 bilan, prefilled from the request: period, structure, referent, planned budget."""
    _check_can_start(user=user, application=application, cvs=True)
    with transaction.atomic():
        locked = _lock_application(application)
        existing = CvsBilan.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        _check_can_start(user=user, application=locked, cvs=True)
        holder = locked.holder
        budget = list(locked.budget_lines.order_by("side", "position", "pk"))
        planned_cost = sum((line.amount for line in budget if line.side == BudgetLine.Side.EXPENSE), Decimal("0"))
        bilan = CvsBilan(
            application=locked,
            created_by=user,
            period_start=timezone.localtime(locked.starts_at).date() if locked.starts_at else None,
            period_end=timezone.localtime(locked.ends_at).date() if locked.ends_at else None,
            structure=holder.name if holder else "",
            referent_first_name=user.first_name,
            referent_last_name=user.last_name,
            referent_email=user.email,
            referent_phone=(holder.referent_phone if holder else "") or getattr(user, "phone", ""),
            target_public=locked.expected_public,
            planned_cost=planned_cost or None,
        )
        bilan.full_clean()
        bilan.save()
        lines = []
        for line in budget:
            if line.side == BudgetLine.Side.EXPENSE:
                side, item = BudgetSide.CHARGE, ""
            else:
                side = BudgetSide.RESOURCE
                item = (
                    GRANT_SOURCE_ITEMS.get(line.grant_source, CvsBudgetItem.OTHER_GRANTS)
                    if line.category == ResourceCategory.GRANTS
                    else ""
                )
            lines.append(
                CvsBudgetLine(
                    bilan=bilan,
                    side=side,
                    account=line.category,
                    item=item,
                    label=line.label,
                    planned_amount=line.amount,
                    position=len(lines) + 1,
                )
            )
        if locked.amount_requested:
            lines.append(
                CvsBudgetLine(
                    bilan=bilan,
                    side=BudgetSide.RESOURCE,
                    account=ResourceCategory.GRANTS,
                    item=CvsBudgetItem.OTHER_GRANTS,
                    label=_("Subvention du fonds « %(fund)s »") % {"fund": locked.fund.name},
                    planned_amount=locked.amount_requested,
                    position=len(lines) + 1,
                )
            )
        for line in lines:
            line.full_clean()
        CvsBudgetLine.objects.bulk_create(lines)
        record_audit(
            actor=user,
            action="cvsbilan.start",
            target=bilan,
            summary=locked.display_reference,
            data={"application": locked.pk, "budget_lines": len(lines)},
        )
    return bilan


def _count_lines(text: str) -> int:
    return len(text.rstrip().splitlines()) if text else 0


def save_cvs_bilan(*, user, bilan: CvsBilan, data: dict) -> CvsBilan:
    """Save some of the annex 3 fields (a section's cleaned_data); the bilan stays a draft."""
    _check_holder(user, bilan.application)
    fields = [field for field in CVS_FIELDS if field in data]
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        for field in fields:
            value = _clean_value(data[field])
            setattr(locked, field, "" if value is None and field in ("progress_status", "perspective") else value)
        if locked.progress_status not in PROGRESS_WITH_DATE:
            locked.progress_since = None
        errors: Errors = {}
        if locked.period_start and locked.period_end and locked.period_end < locked.period_start:
            _add(errors, "period_end", _("La fin de la période doit venir après son début : corrigez les dates."))
        lines = _count_lines(locked.short_description)
        if lines > SHORT_DESCRIPTION_MAX_LINES:
            _add(
                errors,
                "short_description",
                _(
                    "Le descriptif synthétique tient en %(max)s lignes au plus ; il en compte %(count)s : "
                    "raccourcissez-le."
                )
                % {"max": SHORT_DESCRIPTION_MAX_LINES, "count": lines},
            )
        _full_clean(locked, errors)
        _raise_if(errors)
        locked.save()
        record_audit(actor=user, action="cvsbilan.save", target=locked, data={"fields": fields})
    _sync(bilan, locked, (*fields, "progress_since", "updated_at"))
    return locked


def _too_many_objectives(count: int) -> str:
    return _(
        "Indiquez %(max)s objectifs opérationnels au plus (vous en avez saisi %(count)s) : gardez les principaux "
        "ou regroupez-les."
    ) % {"max": MAX_OBJECTIVES, "count": count}


def save_cvs_objectives(*, user, bilan: CvsBilan, objectives: list[dict]) -> list[CvsObjective]:
    """Replace the operational objectives: {objective, indicators, result, comments}, at most 5."""
    _check_holder(user, bilan.application)
    errors: Errors = {}
    if len(objectives) > MAX_OBJECTIVES:
        _add(errors, "objectives", _too_many_objectives(len(objectives)))
    _raise_if(errors)
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        rows = []
        for number, data in enumerate(objectives, start=1):
            row = CvsObjective(
                bilan=locked,
                position=number,
                objective=_clean_value(data.get("objective") or ""),
                indicators=_clean_value(data.get("indicators") or ""),
                result=_clean_value(data.get("result") or ""),
                comments=_clean_value(data.get("comments") or ""),
            )
            if not (row.objective and row.indicators and row.result):
                _add(
                    errors,
                    "objectives",
                    _("Objectif %(number)s : écrivez l'objectif, ses indicateurs de suivi et son résultat.")
                    % {"number": number},
                )
                continue
            row_errors: Errors = {}
            _full_clean(row, row_errors, exclude=["bilan"], validate_unique=False)
            for messages in row_errors.values():
                for message in messages:
                    _add(
                        errors,
                        "objectives",
                        _("Objectif %(number)s : %(message)s") % {"number": number, "message": message},
                    )
            rows.append(row)
        _raise_if(errors)
        locked.objectives.all().delete()
        CvsObjective.objects.bulk_create(rows)
        locked.save(update_fields=["updated_at"])
        record_audit(actor=user, action="cvsbilan.save_objectives", target=locked, data={"objectives": len(rows)})
    return list(locked.objectives.all())


def save_cvs_partners(*, user, bilan: CvsBilan, partners: list[dict]) -> list[CvsPartner]:
    """Replace the partners table: {actor, is_new_partner, role, when_associated, satisfied, room_for_progress}."""
    _check_holder(user, bilan.application)
    errors: Errors = {}
    if len(partners) > MAX_PARTNERS:
        _add(
            errors,
            "partners",
            _("Indiquez %(max)s partenaires au plus : gardez les principaux.") % {"max": MAX_PARTNERS},
        )
    _raise_if(errors)
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        rows = []
        for number, data in enumerate(partners, start=1):
            row = CvsPartner(
                bilan=locked,
                position=number,
                actor=_clean_value(data.get("actor") or ""),
                is_new_partner=bool(data.get("is_new_partner")),
                role=_clean_value(data.get("role") or ""),
                when_associated=_clean_value(data.get("when_associated") or ""),
                satisfied=data.get("satisfied"),
                room_for_progress=_clean_value(data.get("room_for_progress") or ""),
            )
            if not row.actor or not row.role:
                _add(
                    errors,
                    "partners",
                    _("Partenaire %(number)s : indiquez qui est ce partenaire et son rôle dans le projet.")
                    % {"number": number},
                )
                continue
            row_errors: Errors = {}
            _full_clean(row, row_errors, exclude=["bilan"])
            for messages in row_errors.values():
                for message in messages:
                    _add(
                        errors,
                        "partners",
                        _("Partenaire %(number)s : %(message)s") % {"number": number, "message": message},
                    )
            rows.append(row)
        _raise_if(errors)
        locked.partners.all().delete()
        CvsPartner.objects.bulk_create(rows)
        locked.save(update_fields=["updated_at"])
        record_audit(actor=user, action="cvsbilan.save_partners", target=locked, data={"partners": len(rows)})
    return list(locked.partners.all())


def _check_budget_line(line: CvsBudgetLine, number: int, errors: Errors) -> bool:
    """Whether the line's side, account and sub-line agree; adds French errors otherwise."""
    side_accounts = {
        BudgetSide.CHARGE: ExpenseCategory.values,
        BudgetSide.RESOURCE: ResourceCategory.values,
    }
    if line.side not in side_accounts:
        _lines_error(errors, number, _("indiquez s'il s'agit d'une charge ou d'un produit."))
        return False
    if line.account not in side_accounts[line.side]:
        _lines_error(errors, number, _("choisissez le compte dans la liste."))
        return False
    if line.item and CVS_ITEM_ACCOUNTS.get(line.item) != (line.side, line.account):
        _lines_error(errors, number, _("ce poste n'appartient pas au compte choisi : choisissez-le à nouveau."))
        return False
    return True


def save_cvs_budget(*, user, bilan: CvsBilan, lines: list[dict]) -> list[CvsBudgetLine]:
    """Replace the budget table: {side, account, item, commune_name, label, planned_amount, realised_amount}.

    Whether it balances is checked at submission, so a budget in progress can be saved.
    """
    _check_holder(user, bilan.application)
    errors: Errors = {}
    if len(lines) > MAX_CVS_BUDGET_LINES:
        _add(
            errors,
            "lines",
            _("Le tableau compte au plus %(max)s lignes : regroupez des postes proches.")
            % {"max": MAX_CVS_BUDGET_LINES},
        )
    _raise_if(errors)
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        rows = []
        for number, data in enumerate(lines, start=1):
            item = data.get("item") or ""
            row = CvsBudgetLine(
                bilan=locked,
                side=data.get("side") or "",
                account=data.get("account") or "",
                item=item,
                commune_name=_clean_value(data.get("commune_name") or "") if item in COMMUNE_ITEMS else "",
                label=_clean_value(data.get("label") or ""),
                planned_amount=_amount(data.get("planned_amount"), Decimal("0")),
                realised_amount=_amount(data.get("realised_amount"), Decimal("0")),
                position=number,
            )
            if not _check_budget_line(row, number, errors):
                continue
            row_errors: Errors = {}
            _full_clean(row, row_errors, exclude=["bilan"])
            for messages in row_errors.values():
                for message in messages:
                    _lines_error(errors, number, message)
            rows.append(row)
        _raise_if(errors)
        locked.budget_lines.all().delete()
        CvsBudgetLine.objects.bulk_create(rows)
        locked.save(update_fields=["updated_at"])
        record_audit(actor=user, action="cvsbilan.save_budget", target=locked, data={"lines": len(rows)})
    return list(locked.budget_lines.all())


CVS_REQUIRED = {
    "period_start": gettext_lazy("Indiquez le début de la période couverte par le bilan."),
    "period_end": gettext_lazy("Indiquez la fin de la période couverte par le bilan."),
    "structure": gettext_lazy("Indiquez la structure porteuse et son statut."),
    "referent_first_name": gettext_lazy("Indiquez le prénom de la personne référente."),
    "referent_last_name": gettext_lazy("Indiquez le nom de la personne référente."),
    "short_description": gettext_lazy("Résumez le projet en 10 lignes au plus dans le descriptif synthétique."),
    "progress_status": gettext_lazy("Indiquez l'état d'avancement du projet."),
    "perspective": gettext_lazy("Indiquez les perspectives : maintien, évolution, suppression ou essaimage."),
    "key_figures": gettext_lazy(
        "Les chiffres clés sont obligatoires : nombre de personnes touchées en QPV, répartition femmes-hommes, "
        "tranches d'âge, nombre de séances... avec la date, la source et l'unité."
    ),
}


def _budget_errors(bilan: CvsBilan) -> list[str]:
    messages: list[str] = []
    lines = list(bilan.budget_lines.all())
    if not lines:
        return [_("Remplissez le tableau budgétaire : les charges et les produits, prévus et réalisés.")]
    for number, line in enumerate(lines, start=1):
        if (line.side, line.account) in ITEM_REQUIRED_ACCOUNTS and not line.item:
            messages.append(
                _("Ligne %(number)s : précisez qui donne cette subvention (État, Région, commune, CAF...).")
                % {"number": number}
            )
        if line.item in COMMUNE_ITEMS and not line.commune_name:
            messages.append(
                _("Ligne %(number)s : indiquez le nom de la commune qui donne cette subvention.") % {"number": number}
            )
    totals = selectors.cvs_budget_totals(bilan=bilan)
    for column, charges, resources, charges_kind, resources_kind in (
        (
            _("prévisionnel"),
            totals.planned_charges,
            totals.planned_resources,
            totals.planned_charges_in_kind,
            totals.planned_resources_in_kind,
        ),
        (
            _("réalisé"),
            totals.realised_charges,
            totals.realised_resources,
            totals.realised_charges_in_kind,
            totals.realised_resources_in_kind,
        ),
    ):
        if charges != resources:
            messages.append(
                _(
                    "Le budget %(column)s n'est pas équilibré : total des charges %(charges)s, total des produits "
                    "%(resources)s (écart de %(difference)s). Ajustez les montants pour que les deux totaux "
                    "soient égaux."
                )
                % {
                    "column": column,
                    "charges": format_money(charges),
                    "resources": format_money(resources),
                    "difference": format_money(abs(charges - resources)),
                }
            )
        if charges_kind != resources_kind:
            messages.append(
                _(
                    "Budget %(column)s : les contributions volontaires en nature figurent des deux côtés pour le même "
                    "montant ; emplois (86) %(charges)s, contributions (87) %(resources)s."
                )
                % {"column": column, "charges": format_money(charges_kind), "resources": format_money(resources_kind)}
            )
    return messages


def cvs_submission_errors(*, bilan: CvsBilan) -> Errors:
    """What still prevents the annex 3 bilan from being filed, by field, in French."""
    errors: Errors = {}
    for field, message in CVS_REQUIRED.items():
        if getattr(bilan, field) in (None, ""):
            _add(errors, field, str(message))
    if not bilan.referent_email and not bilan.referent_phone:
        _add(errors, "referent_email", _("Indiquez l'e-mail ou le téléphone de la personne référente."))
    if bilan.progress_status in PROGRESS_WITH_DATE and bilan.progress_since is None:
        _add(
            errors,
            "progress_since",
            _("Indiquez depuis quand le projet est %(status)s.")
            % {"status": _("en cours") if bilan.progress_status == "in_progress" else _("clôturé")},
        )
    lines = _count_lines(bilan.short_description)
    if lines > SHORT_DESCRIPTION_MAX_LINES:
        _add(
            errors,
            "short_description",
            _("Le descriptif synthétique tient en %(max)s lignes au plus ; il en compte %(count)s : raccourcissez-le.")
            % {"max": SHORT_DESCRIPTION_MAX_LINES, "count": lines},
        )
    objectives = bilan.objectives.count()
    if objectives < MIN_OBJECTIVES:
        _add(
            errors,
            "objectives",
            _(
                "Indiquez au moins %(min)s objectifs opérationnels quantifiés (vous en avez %(count)s) : un verbe "
                "d'action à l'infinitif, une indication chiffrée, de temps et d'unité."
            )
            % {"min": MIN_OBJECTIVES, "count": objectives},
        )
    elif objectives > MAX_OBJECTIVES:
        _add(errors, "objectives", _too_many_objectives(objectives))
    for message in _budget_errors(bilan):
        _add(errors, "budget", message)
    return errors


def submit_cvs_bilan(*, user, bilan: CvsBilan) -> CvsBilan:
    """File the annex 3 bilan: 2 to 5 objectives, key figures, a balanced budget (planned and realised)."""
    _check_holder(user, bilan.application)
    with transaction.atomic():
        locked = _lock_bilan(bilan)
        _check_editable(locked)
        _raise_if(cvs_submission_errors(bilan=locked))
        _file(user=user, bilan=locked)
    _sync(bilan, locked, ("status", "submitted_at", "updated_at"))
    return locked


# --- Reminders --------------------------------------------------------------------------------------------


def send_bilan_reminder(*, application: Application, kind: str, due_date, today) -> bool:
    """Record and send one reminder; False if it was already sent (even by a run at the same time).

    The row and the e-mail share one transaction: if the e-mail cannot be sent, no row stays and the
    next run tries again; if another run inserted the row first, the unique constraint stops this one.
    """
    reminder = BilanReminder(
        application=application, kind=kind, due_date=due_date, recipient=application.created_by.email
    )
    try:
        with transaction.atomic():
            reminder.full_clean(validate_unique=False, validate_constraints=False)
            reminder.save()
            record_audit(
                actor=None,
                action="bilan.reminder",
                target=application,
                summary=BilanReminder.Kind(kind).label,
                data={"kind": kind, "due_date": due_date.isoformat()},
            )
            emails.to_holder(
                application=application,
                name="bilan_reminder",
                kind=kind,
                due_date=due_date,
                overdue=due_date < today,
                days_late=(today - due_date).days,
            )
    except IntegrityError:
        return False
    return True


# --- E-mails (after commit) --------------------------------------------------------------------------------


def _notify(*, application_id: int, name: str, staff: bool = False, comment: str = "") -> None:
    application = emails.load(application_id)
    if staff:
        emails.to_staff(application=application, name=name, comment=comment)
    else:
        emails.to_holder(
            application=application, name=name, comment=comment, due_date=selectors.bilan_due_date(application)
        )
