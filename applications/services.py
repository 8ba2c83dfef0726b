"""Every change to a request goes through here.

Each service checks permission (PermissionDenied), validates (ValidationError with French messages
that say how to fix the problem), writes in one transaction after `full_clean()`, records an audit
entry, and sends e-mails only once the transaction has committed.
"""

import datetime
import logging
import os
import uuid
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import conflicts, emails, rules, uploads
from applications.models import (
    Application,
    Attachment,
    BudgetLine,
    CriterionCheck,
    EligibilityCriterion,
    Holder,
    Message,
    ReferenceCounter,
    StaffNote,
    StatusChange,
)
from applications.permissions import can_instruct, can_post_message, is_fund_staff, is_owner
from applications.workflow import HOLDER_EDITABLE, Role, Status, get_transition, may_take
from core.services import record_audit
from funds.models import Fund
from funds.permissions import can_manage_fund
from funds.validators import normalize_identifier

logger = logging.getLogger(__name__)

HOLDER_FIELDS = (
    "kind",
    "name",
    "referent_name",
    "referent_phone",
    "co_holders_count",
    "co_holders_first_names",
    "siret",
    "rna",
    "address",
    "postcode",
    "city",
)

STEP_FIELDS: dict[str, tuple[str, ...]] = {
    Application.Step.HOLDER: ("holder",),
    Application.Step.PROJECT: ("title", "theme", "ambition", "objectives", "description"),
    Application.Step.WHEN_WHERE: ("starts_at", "ends_at", "place", "neighbourhood"),
    Application.Step.PEOPLE: ("expected_public", "expected_women", "expected_men", "residents_mobilised"),
}

MAX_ATTACHMENTS = 20


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _refused(message: str) -> PermissionDenied:
    return PermissionDenied(message)


EDIT_CONFLICT_MESSAGE = _(
    "Cette demande a été modifiée par quelqu'un d'autre pendant que vous la consultiez : "
    "rechargez la page pour voir ses changements, puis recommencez."
)


class EditConflict(ValidationError):
    """The request changed (its `version`) since the user loaded the page they acted from."""

    def __init__(self):
        super().__init__({NON_FIELD_ERRORS: [ValidationError(EDIT_CONFLICT_MESSAGE, code="edit_conflict")]})


def _check_version(locked: Application, expected_version: int | None) -> None:
    """Refuse a change made from a stale page. `locked` is the row locked in the current transaction;
    `expected_version` is the version the user saw (None: a caller that does not track it, no check)."""
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict()


def _lock(application: Application) -> Application:
    """Re-read the request with its row locked until the end of the transaction."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("fund__association", "holder", "created_by")
        .get(pk=application.pk)
    )


def _sync(target: Application, source: Application, fields: tuple[str, ...]) -> None:
    """Copy saved values onto the caller's instance so it does not hold stale data."""
    for field in fields:
        setattr(target, field, getattr(source, field))


# --- Holders --------------------------------------------------------------------------------------


def _fill_holder(*, holder: Holder, data: dict) -> None:
    for field in HOLDER_FIELDS:
        if field in data:
            value = data[field]
            if field in ("siret", "rna"):
                value = normalize_identifier(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(holder, field, "" if value is None and field != "co_holders_count" else value)
    if holder.co_holders_count is None:
        holder.co_holders_count = 0
    if holder.kind == Holder.Kind.ASSOCIATION:
        if "republican_commitment" in data:
            if data["republican_commitment"] is True:
                if holder.republican_commitment_accepted_at is None:
                    holder.republican_commitment_accepted_at = timezone.now()
            else:
                holder.republican_commitment_accepted_at = None
    else:
        holder.republican_commitment_accepted_at = None


def _save_holder(*, holder: Holder) -> None:
    errors = rules.check_holder(holder=holder)
    try:
        holder.full_clean()
    except ValidationError as error:
        rules._merge(errors, error.message_dict)
    _raise_if(errors)
    holder.save()


def create_holder(*, user, data: dict) -> Holder:
    """Register a group of residents or an association the user files requests for."""
    if not user.is_authenticated:
        raise _refused(_("Connectez-vous pour enregistrer un porteur de projet."))
    holder = Holder(owner=user)
    _fill_holder(holder=holder, data=data)
    with transaction.atomic():
        _save_holder(holder=holder)
        record_audit(actor=user, action="holder.create", target=holder, summary=holder.name)
    return holder


def update_holder(*, user, holder: Holder, data: dict) -> Holder:
    if not user.is_authenticated or holder.owner_id != user.pk:
        raise _refused(_("Seule la personne qui a enregistré ce porteur peut le modifier."))
    with transaction.atomic():
        locked = Holder.objects.select_for_update().get(pk=holder.pk)
        _fill_holder(holder=locked, data=data)
        _save_holder(holder=locked)
        record_audit(
            actor=user, action="holder.update", target=locked, summary=locked.name, data={"fields": sorted(data)}
        )
    return locked


# --- Drafts ---------------------------------------------------------------------------------------


def start_draft(*, user, fund: Fund, today: datetime.date | None = None) -> Application:
    """Open a new draft request in a fund whose call is open."""
    if not user.is_authenticated:
        raise _refused(_("Connectez-vous pour préparer une demande."))
    today = today or timezone.localdate()
    _raise_if(rules.check_call_open(fund=fund, today=today))
    application = Application(fund=fund, created_by=user, status=Status.DRAFT)
    with transaction.atomic():
        application.full_clean()
        application.save()
        record_audit(actor=user, action="application.start_draft", target=application, summary=fund.name)
    return application


def _check_editable(*, user, application: Application) -> None:
    if not is_owner(user, application):
        raise _refused(_("Seule la personne qui a déposé cette demande peut la modifier."))
    if application.status not in HOLDER_EDITABLE:
        raise _refused(
            _("Cette demande ne peut plus être modifiée (statut : %(status)s).")
            % {"status": Status(application.status).label}
        )


def _check_step_data(*, user, application: Application, step: str, data: dict) -> dict[str, list[str]]:
    fund = application.fund
    errors: dict[str, list[str]] = {}
    if step == Application.Step.HOLDER:
        holder = data.get("holder")
        if holder is None:
            errors["holder"] = [_("Choisissez ou créez le porteur du projet.")]
        elif holder.owner_id != user.pk:
            errors["holder"] = [_("Choisissez un porteur que vous avez vous-même enregistré.")]
    elif step == Application.Step.PROJECT:
        theme = data.get("theme")
        if theme is not None and not fund.themes.filter(pk=theme.pk).exists():
            errors["theme"] = [_("Cette thématique n'est pas proposée par ce fonds : choisissez-en une dans la liste.")]
        ambition = data.get("ambition")
        if ambition is not None and not fund.ambitions.filter(pk=ambition.pk).exists():
            errors["ambition"] = [_("Cette ambition n'est pas retenue par ce fonds : choisissez-en une dans la liste.")]
    elif step == Application.Step.WHEN_WHERE:
        neighbourhood = data.get("neighbourhood")
        if neighbourhood is not None and not fund.neighbourhoods.filter(pk=neighbourhood.pk).exists():
            errors["neighbourhood"] = [
                _("Ce quartier n'est pas couvert par ce fonds : choisissez-en un dans la liste.")
            ]
        rules._merge(
            errors,
            rules.check_dates(
                fund=fund,
                starts_at=data.get("starts_at", application.starts_at),
                ends_at=data.get("ends_at", application.ends_at),
            ),
        )
    return errors


def save_step(
    *, user, application: Application, step: str, data: dict, expected_version: int | None = None
) -> Application:
    """Save one step of the request form (a form's cleaned_data for that step's fields).

    With `expected_version` (the version shown to the user), refused with EditConflict if it changed meanwhile.
    """
    _check_editable(user=user, application=application)
    if step not in STEP_FIELDS:
        raise ValidationError({NON_FIELD_ERRORS: [_("Cette étape du formulaire n'existe pas.")]})
    fields = [field for field in STEP_FIELDS[step] if field in data]
    with transaction.atomic():
        locked = _lock(application)
        _check_editable(user=user, application=locked)
        _check_version(locked, expected_version)
        errors = _check_step_data(user=user, application=locked, step=step, data=data)
        for field in fields:
            value = data[field]
            if isinstance(value, str):
                value = value.strip()
            setattr(locked, field, value)
        try:
            # The dates' check constraint repeats check_dates() in vaguer words: skip it when that already spoke.
            locked.full_clean(validate_constraints=not errors)
        except ValidationError as error:
            rules._merge(errors, error.message_dict)
        _raise_if(errors)
        locked.version += 1
        locked.last_step = step
        locked.save()
        record_audit(
            actor=user,
            action="application.save_step",
            target=locked,
            summary=step,
            data={"step": step, "fields": fields, "version": locked.version},
        )
    _sync(application, locked, (*fields, "version", "last_step", "updated_at"))
    return locked


def save_budget(
    *,
    user,
    application: Application,
    amount_requested: Decimal | None,
    lines: list[dict],
    expected_version: int | None = None,
) -> Application:
    """Replace the provisional budget (all lines) and the amount asked, all or nothing.

    Whether the budget balances is checked at submission, so a holder can save a budget in progress.
    """
    _check_editable(user=user, application=application)
    errors: dict[str, list[str]] = {}
    if len(lines) > rules.MAX_BUDGET_LINES:
        errors[NON_FIELD_ERRORS] = [
            _("Un budget compte au plus %(max)s lignes : regroupez des dépenses proches.")
            % {"max": rules.MAX_BUDGET_LINES}
        ]
    with transaction.atomic():
        locked = _lock(application)
        _check_editable(user=user, application=locked)
        _check_version(locked, expected_version)
        rules._merge(
            errors, rules.check_amount(fund=locked.fund, user=user, amount=amount_requested, application=locked)
        )
        new_lines: list[BudgetLine] = []
        positions = {BudgetLine.Side.EXPENSE: 0, BudgetLine.Side.RESOURCE: 0}
        for index, data in enumerate(lines, start=1):
            side = data.get("side", "")
            line = BudgetLine(
                application=locked,
                side=side,
                category=data.get("category", ""),
                grant_source=data.get("grant_source") or "",
                label=(data.get("label") or "").strip(),
                amount=data.get("amount"),
                position=positions.get(side, 0),
            )
            if side in positions:
                positions[side] += 1
            line_errors = rules.check_budget_line(
                side=line.side,
                category=line.category,
                grant_source=line.grant_source,
                label=line.label,
                amount=line.amount,
            )
            if not line_errors:
                try:
                    line.full_clean()
                except ValidationError as error:
                    line_errors = error.message_dict
            for messages in line_errors.values():
                for message in messages:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(
                        _("Ligne %(number)s (« %(label)s ») : %(message)s")
                        % {"number": index, "label": line.label or "—", "message": message}
                    )
            new_lines.append(line)
        locked.amount_requested = amount_requested
        if not errors:
            try:
                locked.full_clean()
            except ValidationError as error:
                rules._merge(errors, error.message_dict)
        _raise_if(errors)
        locked.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(new_lines)
        locked.version += 1
        locked.last_step = Application.Step.BUDGET
        locked.save()
        record_audit(
            actor=user,
            action="application.save_budget",
            target=locked,
            summary=str(amount_requested),
            data={"amount_requested": str(amount_requested), "lines": len(new_lines), "version": locked.version},
        )
    _sync(application, locked, ("amount_requested", "version", "last_step", "updated_at"))
    return locked


# --- Attachments ----------------------------------------------------------------------------------


def add_attachment(*, user, application: Application, kind: str, uploaded_file) -> Attachment:
    """Store a checked document under a private path with a random name; keep its original name."""
    _check_editable(user=user, application=application)
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": [_("Choisissez le type de document dans la liste.")]})
    content_type = rules.check_uploaded_file(uploaded_file=uploaded_file)
    original_name = os.path.basename(uploaded_file.name or "")[:255] or _("document")
    uploaded_file = uploads.cleaned_file(uploaded_file=uploaded_file, content_type=content_type)  # no metadata
    with transaction.atomic():
        locked = _lock(application)
        _check_editable(user=user, application=locked)
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                {
                    "file": [
                        _("Une demande compte au plus %(max)s documents : supprimez-en un d'abord.")
                        % {"max": MAX_ATTACHMENTS}
                    ]
                }
            )
        attachment = Attachment(
            application=locked,
            kind=kind,
            original_name=original_name,
            content_type=content_type,
            size=uploaded_file.size,
            uploaded_by=user,
        )
        stored_name = f"{uuid.uuid4().hex}{rules.ALLOWED_CONTENT_TYPES[content_type]}"
        uploaded_file.seek(0)
        attachment.file.save(stored_name, uploaded_file, save=False)
        stored_path = attachment.file.name
        storage = attachment.file.storage
        # The file is written before the row: remove it again if the row cannot be saved.
        try:
            attachment.full_clean()
            attachment.save()
            record_audit(
                actor=user,
                action="application.add_attachment",
                target=locked,
                summary=original_name,
                data={"attachment": attachment.pk, "kind": kind, "size": attachment.size},
            )
        except Exception:
            storage.delete(stored_path)
            raise
    return attachment


def delete_attachment(*, user, attachment: Attachment) -> None:
    application = attachment.application
    _check_editable(user=user, application=application)
    with transaction.atomic():
        locked = _lock(application)
        _check_editable(user=user, application=locked)
        attachment = Attachment.objects.select_for_update().get(pk=attachment.pk, application=locked)
        storage, path = attachment.file.storage, attachment.file.name
        record_audit(
            actor=user,
            action="application.delete_attachment",
            target=locked,
            summary=attachment.original_name,
            data={"attachment": attachment.pk, "kind": attachment.kind},
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))


# --- Workflow -------------------------------------------------------------------------------------


def apply_transition(*, user, application: Application, transition: str, role: str, comment: str = "") -> StatusChange:
    """Take one workflow transition: the only way a status changes.

    Locks the request's row, checks the transition is allowed from the current status for `role`,
    requires a comment where the table says so, writes the status, the timeline row and the audit.
    It does NOT check the user's permission on the object: callers do.
    """
    try:
        step = get_transition(transition)
    except KeyError:
        raise ValueError(f"Unknown transition: {transition!r}") from None
    if role not in Role.values:
        raise ValueError(f"Unknown role: {role!r}")
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not may_take(step, status=locked.status, role=role):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Action impossible : « %(action)s » n'est pas possible quand la demande est « %(status)s ».")
                        % {"action": step.label, "status": Status(locked.status).label}
                    ]
                }
            )
        if step.comment_required and not comment:
            raise ValidationError(
                {"comment": [_("Expliquez la raison de cette action : le commentaire est obligatoire.")]}
            )
        from_status = locked.status
        locked.status = step.target
        locked.version += 1
        locked.full_clean(exclude=["holder", "theme", "ambition", "neighbourhood", "fund", "created_by"])
        locked.save(update_fields=["status", "version", "updated_at"])
        change = StatusChange(
            application=locked,
            transition=step.slug,
            from_status=from_status,
            to_status=step.target,
            actor=user if getattr(user, "is_authenticated", False) else None,
            comment=comment,
        )
        change.full_clean()
        change.save()
        record_audit(
            actor=user,
            action=f"application.{step.slug}",
            target=locked,
            summary=f"{from_status} → {step.target}",
            data={"from": from_status, "to": step.target, "role": role, "comment": comment},
        )
    application.status = locked.status
    application.version = locked.version
    application.updated_at = locked.updated_at
    return change


def _check_email_confirmed(user) -> None:
    if getattr(user, "email_confirmed_at", None) is None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Confirmez d'abord votre adresse e-mail %(email)s : cliquez sur le lien reçu par e-mail "
                        "à la création de votre compte, ou demandez un nouveau lien depuis « Mon compte »."
                    )
                    % {"email": user.email}
                ]
            }
        )


def _record_showcase_consent(*, user, application: Application) -> None:
    """The holder's answer to the public showcase question is kept in the audit trail (personal data rules)."""
    record_audit(
        actor=user,
        action="application.showcase_consent",
        target=application,
        summary="oui" if application.showcase_consent else "non",
        data={"showcase_consent": application.showcase_consent},
    )


def submit_application(
    *, user, application: Application, today: datetime.date | None = None, showcase_consent: bool | None = None
) -> Application:
    """File a complete draft: give it the fund's next reference (gap-free), then acknowledge by e-mail.

    The fund's counter row is locked until commit, so two simultaneous submissions get consecutive numbers.
    `showcase_consent` (the summary step's checkbox) is saved with the submission; None keeps the saved answer.
    """
    if not is_owner(user, application):
        raise _refused(_("Seule la personne qui a préparé cette demande peut la déposer."))
    _check_email_confirmed(user)
    today = today or timezone.localdate()
    submit = get_transition("submit")
    with transaction.atomic():
        locked = _lock(application)
        if not may_take(submit, status=locked.status, role=Role.HOLDER):
            if locked.reference:
                message = _("Cette demande a déjà été déposée (référence %(ref)s).") % {"ref": locked.reference}
            else:
                message = _("Cette demande ne peut plus être déposée (statut : %(status)s).") % {
                    "status": Status(locked.status).label
                }
            raise ValidationError({NON_FIELD_ERRORS: [message]})
        _raise_if(rules.validate_for_submission(application=locked, today=today))
        ReferenceCounter.objects.get_or_create(fund_id=locked.fund_id)
        counter = ReferenceCounter.objects.select_for_update().get(fund_id=locked.fund_id)
        counter.last_number += 1
        counter.full_clean()
        counter.save(update_fields=["last_number"])
        fund = locked.fund
        locked.number = counter.last_number
        locked.reference = f"{fund.reference_prefix}-{fund.year}-{counter.last_number:04d}"
        locked.submitted_at = timezone.now()
        consent_changed = showcase_consent is not None and showcase_consent != locked.showcase_consent
        if consent_changed:
            locked.showcase_consent = showcase_consent
        locked.full_clean()
        locked.save(update_fields=["number", "reference", "submitted_at", "showcase_consent", "updated_at"])
        apply_transition(user=user, application=locked, transition="submit", role=Role.HOLDER)
        if consent_changed:
            _record_showcase_consent(user=user, application=locked)
        transaction.on_commit(lambda: send_submission_acknowledgement(application_id=locked.pk), robust=True)
    _sync(
        application,
        locked,
        ("number", "reference", "submitted_at", "showcase_consent", "status", "version", "updated_at"),
    )
    return locked


def resubmit_application(
    *, user, application: Application, comment: str = "", showcase_consent: bool | None = None
) -> Application:
    """File again a request completed after the association asked for more (the call may be closed by then)."""
    if not is_owner(user, application):
        raise _refused(_("Seule la personne qui a déposé cette demande peut la redéposer."))
    with transaction.atomic():
        locked = _lock(application)
        if not may_take(get_transition("resubmit"), status=locked.status, role=Role.HOLDER):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Cette demande ne peut être redéposée qu'après une demande de complément.")]}
            )
        _raise_if(rules.validate_for_submission(application=locked, today=timezone.localdate()))
        if showcase_consent is not None and showcase_consent != locked.showcase_consent:
            locked.showcase_consent = showcase_consent
            locked.save(update_fields=["showcase_consent", "updated_at"])
            _record_showcase_consent(user=user, application=locked)
        apply_transition(user=user, application=locked, transition="resubmit", role=Role.HOLDER, comment=comment)
        transaction.on_commit(
            lambda: send_staff_notice(application_id=locked.pk, name="resubmitted_staff", comment=comment), robust=True
        )
    _sync(application, locked, ("showcase_consent", "status", "version", "updated_at"))
    return locked


def withdraw_application(*, user, application: Application, comment: str = "") -> Application:
    """The holder withdraws the request, at any time before a decision."""
    if not is_owner(user, application):
        raise _refused(_("Seule la personne qui a déposé cette demande peut la retirer."))
    with transaction.atomic():
        locked = _lock(application)
        was_filed = locked.status != Status.DRAFT
        apply_transition(user=user, application=locked, transition="withdraw", role=Role.HOLDER, comment=comment)
        if was_filed:
            transaction.on_commit(
                lambda: send_staff_notice(application_id=locked.pk, name="withdrawn_staff", comment=comment),
                robust=True,
            )
    _sync(application, locked, ("status", "version", "updated_at"))
    return locked


def request_completion(
    *, user, application: Application, message: str, expected_version: int | None = None
) -> Application:
    """Staff send the request back to the holder, saying what is missing (the holder edits and resubmits)."""
    _check_instructs(
        user, application, _("Seule l'équipe de l'association porteuse du fonds peut demander un complément.")
    )
    with transaction.atomic():
        locked = _lock(application)
        _check_version(locked, expected_version)
        change = apply_transition(
            user=user, application=locked, transition="request_completion", role=Role.STAFF, comment=message
        )
        transaction.on_commit(
            lambda: send_holder_notice(application_id=locked.pk, name="completion_requested", comment=change.comment),
            robust=True,
        )
    _sync(application, locked, ("status", "version", "updated_at"))
    return locked


# --- Instruction: eligibility grid, private notes, eligibility --------------------------------------

# The default eligibility grid, offered to a fund that has none (the association edits it in the admin).
DEFAULT_CRITERIA: tuple[tuple[str, str], ...] = (
    (
        "Le projet se déroule dans un quartier prioritaire",
        "Le lieu et le public du projet relèvent d'un quartier prioritaire (QPV) couvert par le fonds.",
    ),
    (
        "Le porteur est un collectif d'habitant·es ou une association de proximité",
        "Un groupe d'habitant·es du quartier, ou une petite association locale (SIRET ou RNA vérifié).",
    ),
    (
        "Les dépenses sont des dépenses de fonctionnement",
        "Pas d'investissement ni de matériel durable : achats, locations, prestations liés au projet.",
    ),
    (
        "Le budget est équilibré",
        "Le total des dépenses est égal au total des ressources, subvention demandée comprise.",
    ),
    (
        "Les pièces obligatoires sont jointes",
        "RIB au nom du porteur, devis, statuts pour une association : lisibles et à jour.",
    ),
)

# While the request is being instructed, its grid can be filled in; after the decision on eligibility it is kept as is.
CHECKLIST_STATUSES = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW, Status.COMPLETION_REQUESTED, Status.RESUBMITTED})


def _check_instructs(user, application: Application, message: str) -> None:
    """Only the fund's association staff (or the administrator) instruct, and never their own request."""
    if is_owner(user, application) and is_fund_staff(user, application):
        raise _refused(_("Vous avez déposé cette demande : une autre personne de l'équipe doit l'instruire."))
    if is_fund_staff(user, application):
        conflicts.ensure_not_conflicted(user, application, action=_("l'instruire"))
    if not can_instruct(user, application):
        raise _refused(message)


def ensure_default_criteria(*, fund: Fund, user=None) -> list[EligibilityCriterion]:
    """The fund's eligibility grid; a fund that has none gets DEFAULT_CRITERIA. Idempotent.

    With `user`, only the staff of the fund's carrier association (or the administrator) may do it;
    without, it is a system call (start of an instruction, demo data). Locks the fund's row so two
    first instructions at once create one grid, not two.
    """
    if user is not None and not can_manage_fund(user, fund):
        raise _refused(_("Seule l'équipe de l'association porteuse du fonds peut créer sa grille de recevabilité."))
    with transaction.atomic():
        Fund.objects.select_for_update().filter(pk=fund.pk).exists()
        criteria = list(EligibilityCriterion.objects.filter(fund_id=fund.pk).order_by("position", "id"))
        if criteria:
            return criteria
        new = [
            EligibilityCriterion(fund_id=fund.pk, label=label, help_text=help_text, position=position, is_required=True)
            for position, (label, help_text) in enumerate(DEFAULT_CRITERIA, start=1)
        ]
        for criterion in new:
            criterion.full_clean()
        EligibilityCriterion.objects.bulk_create(new)
        record_audit(
            actor=user,
            action="fund.default_criteria",
            target=fund,
            summary=fund.name,
            data={"criteria": len(new)},
        )
    return list(EligibilityCriterion.objects.filter(fund_id=fund.pk).order_by("position", "id"))


def start_review(*, user, application: Application, expected_version: int | None = None) -> Application:
    """Staff start instructing a filed (or resubmitted) request; the fund gets the default grid if it has none."""
    _check_instructs(
        user, application, _("Seule l'équipe de l'association porteuse du fonds peut instruire cette demande.")
    )
    # The grid is committed on its own (before the request's row is locked): it stays even if the review cannot start.
    ensure_default_criteria(fund=application.fund, user=user)
    with transaction.atomic():
        locked = _lock(application)
        _check_version(locked, expected_version)
        apply_transition(user=user, application=locked, transition="start_review", role=Role.STAFF)
    _sync(application, locked, ("status", "version", "updated_at"))
    return locked


def record_criterion_check(
    *,
    user,
    application: Application,
    criterion: EligibilityCriterion,
    met: bool | None,
    comment: str = "",
    expected_version: int | None = None,
) -> CriterionCheck:
    """Staff say whether one criterion of the fund's grid is met (True), not met (False) or not checked yet (None)."""
    _check_instructs(user, application, _("Seule l'équipe de l'association porteuse du fonds peut remplir sa grille."))
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if criterion.fund_id != application.fund_id:
        errors["criterion"] = [
            _("Ce critère n'est pas dans la grille du fonds de cette demande : choisissez un critère de la liste.")
        ]
    if met not in (True, False, None):
        errors["met"] = [_("Indiquez si le critère est rempli : « Oui », « Non » ou « Pas encore vérifié ».")]
    elif met is False and not comment:
        errors["comment"] = [
            _("Expliquez en une phrase pourquoi le critère n'est pas rempli : l'équipe s'en servira pour décider.")
        ]
    _raise_if(errors)
    with transaction.atomic():
        locked = _lock(application)
        _check_version(locked, expected_version)
        if locked.status not in CHECKLIST_STATUSES:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _(
                            "La grille ne peut plus être modifiée : la demande est « %(status)s ». "
                            "Elle se remplit pendant l'instruction, avant de déclarer la demande recevable ou non."
                        )
                        % {"status": Status(locked.status).label}
                    ]
                }
            )
        check = CriterionCheck.objects.select_for_update().filter(application=locked, criterion=criterion).first()
        if check is None:
            check = CriterionCheck(application=locked, criterion=criterion)
        check.met = met
        check.comment = comment
        check.checked_by = user
        check.checked_at = timezone.now()
        check.full_clean()
        check.save()
        # The grid is part of the request: whoever acts from an older page must see this check first.
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        record_audit(
            actor=user,
            action="application.record_criterion_check",
            target=locked,
            summary=criterion.label[:200],
            data={"criterion": criterion.pk, "met": met},
        )
    _sync(application, locked, ("version", "updated_at"))
    return check


def add_staff_note(*, user, application: Application, body: str) -> StaffNote:
    """A private note of the association's staff: never shown to the holder (pages, PDF, e-mails)."""
    _check_instructs(
        user, application, _("Seule l'équipe de l'association porteuse du fonds peut écrire une note interne.")
    )
    note = StaffNote(application=application, author=user, body=(body or "").strip())
    errors: dict[str, list[str]] = {}
    if application.status == Status.DRAFT:
        errors[NON_FIELD_ERRORS] = [_("Cette demande n'est pas encore déposée : attendez son dépôt pour l'annoter.")]
    if not note.body:
        errors["body"] = [_("Écrivez la note avant de l'enregistrer.")]
    else:
        try:
            note.full_clean()
        except ValidationError as error:
            rules._merge(errors, error.message_dict)
    _raise_if(errors)
    with transaction.atomic():
        note.save()
        record_audit(actor=user, action="application.add_staff_note", target=application, data={"note": note.pk})
    return note


def unmet_required_criteria(*, application: Application) -> dict[str, list[str]]:
    """Why the request cannot be declared eligible yet: each required criterion not checked « Oui »."""
    criteria = list(
        EligibilityCriterion.objects.filter(fund_id=application.fund_id, is_required=True).order_by("position", "id")
    )
    met = dict(
        CriterionCheck.objects.filter(application=application, criterion__in=criteria).values_list(
            "criterion_id", "met"
        )
    )
    messages = []
    for criterion in criteria:
        if met.get(criterion.pk) is False:
            messages.append(
                _(
                    "Le critère obligatoire « %(label)s » n'est pas rempli : la demande ne peut pas être déclarée "
                    "recevable. Demandez un complément au porteur, ou déclarez-la non recevable."
                )
                % {"label": criterion.label}
            )
        elif met.get(criterion.pk) is None:
            messages.append(
                _(
                    "Le critère obligatoire « %(label)s » n'est pas encore vérifié : vérifiez-le dans la grille "
                    "de recevabilité (réponse « Oui »), puis déclarez la demande recevable."
                )
                % {"label": criterion.label}
            )
    return {"criteria": messages} if messages else {}


def _check_transition_possible(application: Application, transition: str) -> None:
    """The workflow's own refusal, before any other check (a checklist message would mislead on a closed request)."""
    step = get_transition(transition)
    if not may_take(step, status=application.status, role=Role.STAFF):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Action impossible : « %(action)s » n'est pas possible quand la demande est « %(status)s ».")
                    % {"action": step.label, "status": Status(application.status).label}
                ]
            }
        )


def declare_eligible(
    *, user, application: Application, comment: str = "", expected_version: int | None = None
) -> Application:
    """The request is complete and eligible: it may go on a committee's agenda. Refused while a required
    criterion of the fund's grid is not met. The holder is told by e-mail (the comment is theirs to read)."""
    _check_instructs(
        user, application, _("Seule l'équipe de l'association porteuse du fonds peut déclarer une demande recevable.")
    )
    # A fund without a grid gets the default one, committed on its own: the refusal below names its criteria,
    # which staff then find on the page.
    ensure_default_criteria(fund=application.fund, user=user)
    with transaction.atomic():
        locked = _lock(application)
        _check_version(locked, expected_version)
        _check_transition_possible(locked, "declare_eligible")
        _raise_if(unmet_required_criteria(application=locked))
        change = apply_transition(
            user=user, application=locked, transition="declare_eligible", role=Role.STAFF, comment=comment
        )
        transaction.on_commit(
            lambda: send_holder_notice(application_id=locked.pk, name="declared_eligible", comment=change.comment),
            robust=True,
        )
    _sync(application, locked, ("status", "version", "updated_at"))
    return locked


def declare_ineligible(
    *, user, application: Application, reason: str, expected_version: int | None = None
) -> Application:
    """The request cannot be funded: the reason is required, recorded in the timeline and e-mailed to the holder."""
    _check_instructs(
        user,
        application,
        _("Seule l'équipe de l'association porteuse du fonds peut déclarer une demande non recevable."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": [
                    _(
                        "Écrivez le motif de non-recevabilité : il est envoyé au porteur par e-mail, "
                        "avec des mots simples (par exemple « Les dépenses prévues sont des investissements »)."
                    )
                ]
            }
        )
    with transaction.atomic():
        locked = _lock(application)
        _check_version(locked, expected_version)
        _check_transition_possible(locked, "declare_ineligible")
        change = apply_transition(
            user=user, application=locked, transition="declare_ineligible", role=Role.STAFF, comment=reason
        )
        transaction.on_commit(
            lambda: send_holder_notice(application_id=locked.pk, name="declared_ineligible", comment=change.comment),
            robust=True,
        )
    _sync(application, locked, ("status", "version", "updated_at"))
    return locked


# --- Messages -------------------------------------------------------------------------------------


def post_message(*, user, application: Application, body: str) -> Message:
    """A message between the holder and the association's staff; the other side is told by e-mail."""
    if not can_post_message(user, application):
        raise _refused(_("Vous ne pouvez pas écrire au sujet de cette demande."))
    message = Message(application=application, author=user, body=(body or "").strip())
    errors: dict[str, list[str]] = {}
    if not message.body:
        errors["body"] = [_("Écrivez votre message avant de l'envoyer.")]
    else:
        try:
            message.full_clean()
        except ValidationError as error:
            errors = error.message_dict
    _raise_if(errors)
    from_holder = is_owner(user, application)
    with transaction.atomic():
        message.save()
        record_audit(
            actor=user,
            action="application.post_message",
            target=application,
            summary=message.body[:100],
            data={"message": message.pk, "from_holder": from_holder},
        )
        if from_holder:
            transaction.on_commit(
                lambda: send_staff_notice(application_id=application.pk, name="message_to_staff", message=message),
                robust=True,
            )
        else:
            transaction.on_commit(
                lambda: send_holder_notice(application_id=application.pk, name="message_to_holder", message=message),
                robust=True,
            )
    return message


# --- E-mails (run after commit) -------------------------------------------------------------------


def send_submission_acknowledgement(*, application_id: int) -> None:
    """To the holder: the reference, a link to the request and the PDF receipt."""
    from applications.pdf import render_receipt_pdf

    application = emails.load(application_id)
    pdf = render_receipt_pdf(application=application)
    emails.send_templated(
        name="submitted",
        to=[application.created_by.email],
        context=emails.base_context(application),
        attachments=[(f"recepisse-{application.reference}.pdf", pdf, "application/pdf")],
        reply_to=[application.fund.association.contact_email],
    )


def send_holder_notice(*, application_id: int, name: str, comment: str = "", message: Message | None = None) -> None:
    application = emails.load(application_id)
    emails.send_templated(
        name=name,
        to=[application.created_by.email],
        context={**emails.base_context(application), "comment": comment, "message": message},
        reply_to=[application.fund.association.contact_email],
    )


def send_staff_notice(*, application_id: int, name: str, comment: str = "", message: Message | None = None) -> None:
    application = emails.load(application_id)
    emails.send_templated(
        name=name,
        to=emails.association_recipients(application),
        context={
            **emails.base_context(application),
            "url": emails.staff_application_url(application),
            "thread_url": emails.application_url(application) + "#messages",
            "comment": comment,
            "message": message,
        },
    )
