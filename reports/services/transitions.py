"""The one way a bilan's status changes, and the filing shared by both kinds of bilan."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.services import apply_transition
from applications.workflow import Role
from core.services import record_audit
from core.validation import copy_fields, raise_if
from reports import workflow
from reports.locks import lock_bilan
from reports.models import CERTIFICATION_TEXT, Bilan, BilanStatus, CvsBilan
from reports.services.checks import check_editable, check_holder
from reports.services.notices import notify
from reports.workflow import filing_transition


def apply_bilan_transition(*, user, bilan: Bilan | CvsBilan, transition: str, role: str, comment: str = "") -> None:
    """Take one bilan transition (`reports.workflow`): the only way a bilan's status changes.

    Inside the caller's transaction, on a locked bilan: checks the transition is allowed from the bilan's
    status for `role`, takes the request's transition that goes with it (`applications.services.apply_transition`,
    which records the StatusChange), then writes the bilan's status with who and when. It does NOT check the
    user's permission on the object, nor record the audit: callers do.
    """
    step = workflow.get_transition(transition)
    if not workflow.may_take(step, status=bilan.status, role=role):
        raise ValueError(f"Bilan transition {transition!r} is not possible from {bilan.status!r} for {role!r}.")
    comment = (comment or "").strip()
    if step.comment_required and not comment:
        raise ValidationError({"comment": [_("Expliquez la raison de cette action : le commentaire est obligatoire.")]})
    if step.application_transition:
        apply_transition(
            user=user, application=bilan.application, transition=step.application_transition, role=role, comment=comment
        )
    now = timezone.now()
    bilan.status = step.target
    if step.target == BilanStatus.SUBMITTED:
        bilan.submitted_at = now
        # Filing is ticking the certification box (reports.forms.SubmitForm): keep its words and when.
        with translation.override("fr"):
            bilan.certification_text = str(CERTIFICATION_TEXT)
        bilan.certified_at = now
    else:
        bilan.reviewed_by, bilan.reviewed_at = user, now
    if step.target == BilanStatus.RETURNED:
        bilan.return_comment = comment
    bilan.full_clean()
    bilan.save()


def submit_checked(*, user, bilan: Bilan | CvsBilan, errors_of: Callable[..., dict]) -> Bilan | CvsBilan:
    """File a holder's bilan once nothing in `errors_of(bilan=...)` (the kind's checks) prevents it."""
    check_holder(user, bilan.application)
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        raise_if(errors_of(bilan=locked))
        file_bilan(user=user, bilan=locked)
    copy_fields(bilan, locked, ("status", "submitted_at", "certification_text", "certified_at", "updated_at"))
    return locked


def file_bilan(*, user, bilan: Bilan | CvsBilan) -> None:
    """Inside the caller's transaction: the transition (the request's with it), the audit and the staff's e-mail."""
    application = bilan.application
    transition = filing_transition(bilan.status)
    apply_bilan_transition(user=user, bilan=bilan, transition=transition.slug, role=Role.HOLDER)
    record_audit(
        actor=user,
        action=f"{bilan._meta.model_name}.submit",
        target=bilan,
        summary=application.display_reference,
        data={"application": application.pk, "resubmission": transition.slug == "resubmit"},
    )
    application_id = application.pk
    notify(application_id=application_id, name="bilan_submitted_staff", staff=True)
