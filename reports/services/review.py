"""Review by the carrier association's staff: accept or return a filed bilan, close the request."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application
from applications.services import apply_transition
from applications.workflow import Role, Status
from core.services import record_audit
from core.templatetags.portal_format import format_money
from core.validation import copy_fields
from reports import selectors
from reports.locks import lock_application, lock_bilan
from reports.models import Bilan, BilanStatus, CvsBilan
from reports.services.checks import check_reviewer
from reports.services.notices import notify
from reports.services.transitions import apply_bilan_transition


def accept_bilan(*, user, bilan: Bilan | CvsBilan) -> Bilan | CvsBilan:
    """Accept a filed bilan (PIC or CVS). The balance may then be paid; with no balance, close the request."""
    check_reviewer(user, bilan.application)
    with transaction.atomic():
        locked = lock_bilan(bilan)
        application = locked.application
        if locked.status != BilanStatus.SUBMITTED or application.status != Status.BILAN_RECEIVED:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Seul un bilan déposé et pas encore étudié peut être accepté (statut du bilan : %(status)s).")
                        % {"status": BilanStatus(locked.status).label}
                    ]
                }
            )
        apply_bilan_transition(user=user, bilan=locked, transition="accept", role=Role.STAFF)
        record_audit(
            actor=user,
            action=f"{locked._meta.model_name}.accept",
            target=locked,
            summary=application.display_reference,
            data={"application": application.pk},
        )
        notify(application_id=application.pk, name="bilan_accepted")
    copy_fields(bilan, locked, ("status", "reviewed_by", "reviewed_at", "updated_at"))
    return locked


def return_bilan(*, user, bilan: Bilan | CvsBilan, comment: str) -> Bilan | CvsBilan:
    """Send a filed bilan back to the holder, saying what to correct; the holder is told by e-mail."""
    check_reviewer(user, bilan.application)
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
        locked = lock_bilan(bilan)
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
        apply_bilan_transition(user=user, bilan=locked, transition="return", role=Role.STAFF, comment=comment)
        record_audit(
            actor=user,
            action=f"{locked._meta.model_name}.return",
            target=locked,
            summary=comment[:200],
            data={"application": locked.application_id, "comment": comment},
        )
        application_id = locked.application_id
        notify(application_id=application_id, name="bilan_returned", comment=comment)
    copy_fields(bilan, locked, ("status", "return_comment", "reviewed_by", "reviewed_at", "updated_at"))
    return locked


def close_after_bilan(*, user, application: Application) -> Application:
    """Close the request once its bilan is accepted and the balance paid (or there is no balance to pay)."""
    check_reviewer(user, application)
    with transaction.atomic():
        locked = lock_application(application)
        if not selectors.bilan_is_accepted(locked):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Acceptez d'abord le bilan de cette demande, puis clôturez-la.")]}
            )
        if locked.status == Status.BILAN_ACCEPTED:
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
    copy_fields(application, locked, ("status", "version", "updated_at"))
    return locked
