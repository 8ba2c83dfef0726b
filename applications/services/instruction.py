"""Instruction by the carrier association's staff: start, ask for a completion, private notes, eligibility."""

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.locks import lock_application
from applications.models import Application, StaffNote
from applications.services.criteria import ensure_default_criteria, unmet_required_criteria
from applications.services.guards import check_instructs, check_version
from applications.services.notices import send_holder_notice
from applications.services.transitions import apply_transition, check_transition_possible
from applications.workflow import Role, Status
from core.services import record_audit
from core.validation import Errors, copy_fields, merge_errors, raise_if


def _take(
    *,
    user,
    application: Application,
    transition: str,
    expected_version: int | None,
    comment: str = "",
    notice: str = "",
    before: Callable[[Application], None] | None = None,
) -> Application:
    """Lock the request, refuse a stale page, run `before` (more refusals), take `transition` as staff and, once
    committed, e-mail the holder the template `notice` with the recorded comment."""
    with transaction.atomic():
        locked = lock_application(application)
        check_version(locked, expected_version)
        if before is not None:
            before(locked)
        change = apply_transition(
            user=user, application=locked, transition=transition, role=Role.STAFF, comment=comment
        )
        if notice:
            send_holder_notice(application_id=locked.pk, name=notice, comment=change.comment)
    copy_fields(application, locked, ("status", "version", "updated_at"))
    return locked


def request_completion(
    *, user, application: Application, message: str, expected_version: int | None = None
) -> Application:
    """Staff send the request back to the holder, saying what is missing (the holder edits and resubmits)."""
    check_instructs(
        user, application, _("Seule l'équipe de l'association porteuse du fonds peut demander un complément.")
    )
    return _take(
        user=user,
        application=application,
        transition="request_completion",
        expected_version=expected_version,
        comment=message,
        notice="completion_requested",
    )


def start_review(*, user, application: Application, expected_version: int | None = None) -> Application:
    """Staff start instructing a filed (or resubmitted) request; the fund gets the default grid if it has none."""
    check_instructs(
        user, application, _("Seule l'équipe de l'association porteuse du fonds peut instruire cette demande.")
    )
    # The grid is committed on its own (before the request's row is locked): it stays even if the review cannot start.
    ensure_default_criteria(fund=application.fund, user=user)
    return _take(user=user, application=application, transition="start_review", expected_version=expected_version)


def add_staff_note(*, user, application: Application, body: str) -> StaffNote:
    """A private note of the association's staff: never shown to the holder (pages, PDF, e-mails)."""
    check_instructs(
        user, application, _("Seule l'équipe de l'association porteuse du fonds peut écrire une note interne.")
    )
    note = StaffNote(application=application, author=user, body=(body or "").strip())
    errors: Errors = {}
    if application.status == Status.DRAFT:
        errors[NON_FIELD_ERRORS] = [_("Cette demande n'est pas encore déposée : attendez son dépôt pour l'annoter.")]
    if not note.body:
        errors["body"] = [_("Écrivez la note avant de l'enregistrer.")]
    else:
        try:
            note.full_clean()
        except ValidationError as error:
            merge_errors(errors, error.message_dict)
    raise_if(errors)
    with transaction.atomic():
        note.save()
        record_audit(actor=user, action="application.add_staff_note", target=application, data={"note": note.pk})
    return note


def declare_eligible(
    *, user, application: Application, comment: str = "", expected_version: int | None = None
) -> Application:
    """The request is complete and eligible: it may go on a committee's agenda. Refused while a required
    criterion of the fund's grid is not met. The holder is told by e-mail (the comment is theirs to read)."""
    check_instructs(
        user, application, _("Seule l'équipe de l'association porteuse du fonds peut déclarer une demande recevable.")
    )
    # A fund without a grid gets the default one, committed on its own: the refusal below names its criteria,
    # which staff then find on the page.
    ensure_default_criteria(fund=application.fund, user=user)

    def before(locked: Application) -> None:
        check_transition_possible(locked, "declare_eligible")
        raise_if(unmet_required_criteria(application=locked))

    return _take(
        user=user,
        application=application,
        transition="declare_eligible",
        expected_version=expected_version,
        comment=comment,
        notice="declared_eligible",
        before=before,
    )


def declare_ineligible(
    *, user, application: Application, reason: str, expected_version: int | None = None
) -> Application:
    """The request cannot be funded: the reason is required, recorded in the timeline and e-mailed to the holder."""
    check_instructs(
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
    return _take(
        user=user,
        application=application,
        transition="declare_ineligible",
        expected_version=expected_version,
        comment=reason,
        notice="declared_ineligible",
        before=lambda locked: check_transition_possible(locked, "declare_ineligible"),
    )
