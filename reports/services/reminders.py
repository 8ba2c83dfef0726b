"""Reminders to holders whose bilan is due or late."""

from django.db import IntegrityError, transaction

from applications.models import Application
from core.services import record_audit
from reports import emails
from reports.models import BilanReminder


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
