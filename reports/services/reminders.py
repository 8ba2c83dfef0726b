"""Reminders to holders whose bilan is due or late."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from core.services import record_audit
from reports import emails
from reports.locks import lock_application
from reports.models import MANUAL_REMINDER_GAP, BilanReminder
from reports.permissions import can_review_bilan
from reports.selectors.bilans import bilan_due_date
from reports.workflow import OWING_STATUSES


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


def on_behalf_message(application: Application) -> str:
    """Why "Relancer" sends nothing for a request staff hold for its holder, and what to do instead (French)."""
    holder = application.holder
    phone = holder.referent_phone if holder is not None else ""
    if phone:
        call = _("appelez %(who)s au %(phone)s") % {"who": holder.referent_name or holder.name, "phone": phone}
    else:
        call = _("contactez le porteur")
    return _(
        "La demande %(ref)s est suivie par l'équipe pour le porteur, qui n'a pas de compte sur le portail : la "
        "relance par e-mail ne lui parviendrait pas. Pour le bilan, %(call)s et remplissez-le avec lui, ou invitez-le "
        "à reprendre la demande avec son compte depuis la page de la demande."
    ) % {"ref": application.display_reference, "call": call}


def _reminder_due_date(locked: Application) -> datetime.date:
    """The due date of the bilan to remind; refused when the bilan is no longer expected or cannot be."""
    if locked.status not in OWING_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Le bilan de la demande %(ref)s n'est plus attendu (statut : %(status)s) : pas de relance.")
                    % {"ref": locked.display_reference, "status": locked.get_status_display()}
                ]
            }
        )
    if locked.is_on_behalf_pending:
        # Still held by the staff for a holder without an account: the e-mail would go to the staff member who
        # filed it, and its link to a bilan page the holder cannot open. Say what to do instead.
        raise ValidationError({NON_FIELD_ERRORS: [on_behalf_message(locked)]})
    due_date = bilan_due_date(locked)
    if due_date is None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "La demande %(ref)s n'a pas de date de fin de projet : la date limite du bilan est "
                        "inconnue. Écrivez au porteur depuis la page de la demande."
                    )
                    % {"ref": locked.display_reference}
                ]
            }
        )
    return due_date


def _refuse_if_reminded_lately(locked: Application, *, now: datetime.datetime) -> None:
    """Refused when the holder got a reminder (scheduled or by the staff) less than `MANUAL_REMINDER_GAP` ago."""
    last = (
        BilanReminder.objects.filter(application=locked, sent_at__gt=now - MANUAL_REMINDER_GAP)
        .order_by("-sent_at")
        .first()
    )
    if last is not None:
        sent = timezone.localtime(last.sent_at)
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Le porteur de la demande %(ref)s a déjà été relancé le %(day)s à %(time)s : attendez "
                        "24 heures avant de le relancer à nouveau, ou écrivez-lui depuis la page de la demande."
                    )
                    % {"ref": locked.display_reference, "day": f"{sent:%d/%m/%Y}", "time": f"{sent:%H:%M}"}
                ]
            }
        )


def remind_holder(*, user, application: Application, today: datetime.date) -> BilanReminder:
    """A staff member's "Relancer": one e-mail to the holder whose bilan is expected, recorded.

    Refused (in French) when the bilan is no longer expected, or when the holder already got a reminder
    (scheduled or by the staff) less than `MANUAL_REMINDER_GAP` ago: a double click sends one e-mail. The
    request's row is locked first, so two clicks at the same moment are counted one after the other.
    """
    if not can_review_bilan(user, application):
        raise PermissionDenied(_("Seule l'équipe de l'association porteuse du fonds peut relancer ce porteur."))
    with transaction.atomic():
        locked = lock_application(application)
        due_date = _reminder_due_date(locked)
        now = timezone.now()
        _refuse_if_reminded_lately(locked, now=now)
        reminder = BilanReminder(
            application=locked,
            kind=BilanReminder.Kind.MANUAL,
            due_date=due_date,
            recipient=locked.created_by.email,
            sent_by=user,
            sent_at=now,
        )
        reminder.full_clean(validate_constraints=False)
        reminder.save()
        record_audit(
            actor=user,
            action="bilan.manual_reminder",
            target=locked,
            summary=_("Relance envoyée à %(email)s") % {"email": reminder.recipient},
            data={"reminder": reminder.pk, "due_date": due_date.isoformat(), "recipient": reminder.recipient},
        )
        emails.to_holder(
            application=locked,
            name="bilan_reminder",
            kind=BilanReminder.Kind.MANUAL,
            due_date=due_date,
            overdue=due_date < today,
            days_late=(today - due_date).days,
        )
    return reminder
