"""The one function that changes a request's status (and records why), and the workflow's own refusal."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.locks import lock_application
from applications.models import Application, StatusChange
from applications.workflow import Role, Status, Transition, get_transition, may_take
from core.services import record_audit


def impossible(step: Transition, status: str) -> ValidationError:
    """The workflow's refusal, in the words the pages show."""
    return ValidationError(
        {
            NON_FIELD_ERRORS: [
                _("Action impossible : « %(action)s » n'est pas possible quand la demande est « %(status)s ».")
                % {"action": step.label, "status": Status(status).label}
            ]
        }
    )


def _transition(slug: str, role: str) -> Transition:
    try:
        step = get_transition(slug)
    except KeyError:
        raise ValueError(f"Unknown transition: {slug!r}") from None
    if role not in Role.values:
        raise ValueError(f"Unknown role: {role!r}")
    return step


def _record_change(*, user, locked: Application, step: Transition, role: str, comment: str) -> StatusChange:
    """Write the new status, its timeline row and its audit entry (the request's row is locked)."""
    from_status = locked.status
    locked.status = step.target
    locked.version += 1
    locked.last_activity_at = timezone.now()
    locked.full_clean(exclude=["holder", "theme", "ambition", "neighbourhood", "fund", "created_by", "instructor"])
    locked.save(update_fields=["status", "version", "updated_at", "last_activity_at"])
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
    return change


def apply_transition(*, user, application: Application, transition: str, role: str, comment: str = "") -> StatusChange:
    """Take one workflow transition: the only way a status changes.

    Locks the request's row, checks the transition is allowed from the current status for `role`,
    requires a comment where the table says so, writes the status, the timeline row and the audit.
    It does NOT check the user's permission on the object: callers do.
    """
    step = _transition(transition, role)
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = lock_application(application, related=False)
        if not may_take(step, status=locked.status, role=role):
            raise impossible(step, locked.status)
        if step.comment_required and not comment:
            raise ValidationError(
                {"comment": [_("Expliquez la raison de cette action : le commentaire est obligatoire.")]}
            )
        change = _record_change(user=user, locked=locked, step=step, role=role, comment=comment)
    application.status = locked.status
    application.version = locked.version
    application.updated_at = locked.updated_at
    return change


def check_transition_possible(application: Application, transition: str) -> None:
    """The workflow's own refusal, before any other check (a checklist message would mislead on a closed request)."""
    step = get_transition(transition)
    if not may_take(step, status=application.status, role=Role.STAFF):
        raise impossible(step, application.status)
