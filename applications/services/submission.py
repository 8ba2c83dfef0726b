"""The holder files the request, files it again after a completion request, or withdraws it."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rules
from applications.locks import lock_application, lock_reference_counter
from applications.models import Application
from applications.permissions import is_owner
from applications.services.guards import refused
from applications.services.notices import send_staff_notice, send_submission_acknowledgement
from applications.services.on_behalf import on_behalf_label
from applications.services.transitions import apply_transition
from applications.workflow import Role, Status, get_transition, may_take
from core.services import record_audit
from core.validation import copy_fields, raise_if


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
        raise refused(_("Seule la personne qui a préparé cette demande peut la déposer."))
    _check_email_confirmed(user)
    today = today or timezone.localdate()
    submit = get_transition("submit")
    with transaction.atomic():
        locked = lock_application(application)
        if not may_take(submit, status=locked.status, role=Role.HOLDER):
            if locked.reference:
                message = _("Cette demande a déjà été déposée (référence %(ref)s).") % {"ref": locked.reference}
            else:
                message = _("Cette demande ne peut plus être déposée (statut : %(status)s).") % {
                    "status": Status(locked.status).label
                }
            raise ValidationError({NON_FIELD_ERRORS: [message]})
        raise_if(rules.validate_for_submission(application=locked, today=today))
        counter = lock_reference_counter(fund_id=locked.fund_id)
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
        if locked.is_on_behalf_pending:
            record_audit(
                actor=user,
                action="application.submit_on_behalf",
                target=locked,
                summary=_("Demande %(ref)s %(label)s") % {"ref": locked.reference, "label": on_behalf_label(locked)},
                data={"filed_on_behalf_by": user.pk, "holder": locked.holder_id},
            )
        send_submission_acknowledgement(application_id=locked.pk)
    copy_fields(
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
        raise refused(_("Seule la personne qui a déposé cette demande peut la redéposer."))
    with transaction.atomic():
        locked = lock_application(application)
        if not may_take(get_transition("resubmit"), status=locked.status, role=Role.HOLDER):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Cette demande ne peut être redéposée qu'après une demande de complément.")]}
            )
        raise_if(rules.validate_for_submission(application=locked, today=timezone.localdate()))
        if showcase_consent is not None and showcase_consent != locked.showcase_consent:
            locked.showcase_consent = showcase_consent
            locked.save(update_fields=["showcase_consent", "updated_at"])
            _record_showcase_consent(user=user, application=locked)
        apply_transition(user=user, application=locked, transition="resubmit", role=Role.HOLDER, comment=comment)
        send_staff_notice(application_id=locked.pk, name="resubmitted_staff", comment=comment)
    copy_fields(application, locked, ("showcase_consent", "status", "version", "updated_at"))
    return locked


def withdraw_application(*, user, application: Application, comment: str = "") -> Application:
    """The holder withdraws the request, at any time before a decision."""
    if not is_owner(user, application):
        raise refused(_("Seule la personne qui a déposé cette demande peut la retirer."))
    with transaction.atomic():
        locked = lock_application(application)
        was_filed = locked.status != Status.DRAFT
        apply_transition(user=user, application=locked, transition="withdraw", role=Role.HOLDER, comment=comment)
        if was_filed:
            send_staff_notice(application_id=locked.pk, name="withdrawn_staff", comment=comment)
    copy_fields(application, locked, ("status", "version", "updated_at"))
    return locked
