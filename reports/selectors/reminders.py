"""Which reminder each late or nearly due bilan gets today."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from applications.models import Application
from reports.models import REMINDER_OFFSETS
from reports.selectors.bilans import bilan_due_date, with_grant_date
from reports.workflow import OWING_STATUSES


def reminder_kind_for(*, due_date: datetime.date, today: datetime.date, sent_kinds: set[str]) -> str | None:
    """The one reminder to send today, if any.

    It is the latest reminder whose day has come (a run missed on that day catches up later), unless it,
    or a later one, was already sent. Earlier reminders passed over are never sent afterwards.
    """
    order = list(REMINDER_OFFSETS)
    passed = [kind for kind in order if due_date + datetime.timedelta(days=REMINDER_OFFSETS[kind]) <= today]
    if not passed:
        return None
    latest = passed[-1]
    if any(kind in sent_kinds for kind in order[order.index(latest) :]):
        return None
    return latest


@dataclass(frozen=True)
class ReminderToSend:
    application: Application
    kind: str
    due_date: datetime.date


def reminders_to_send(*, today: datetime.date) -> list[ReminderToSend]:
    """Reminders due today for requests whose bilan is still expected (two queries)."""
    earliest_offset = min(REMINDER_OFFSETS.values())  # -7: the first reminder comes before the due date
    # Due dates are at least the project's last day and the decision's, so both are at most today + 7.
    horizon = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1 - earliest_offset), datetime.time.min)
    )
    applications = (
        with_grant_date(Application.objects.filter(status__in=OWING_STATUSES))
        # A request staff filed for a holder without an account, not taken over yet: its `created_by` is the staff
        # member, so an e-mail "votre bilan" would reach the wrong person. Staff see it in their late list instead.
        .exclude(filed_on_behalf_by__isnull=False, taken_over_at__isnull=True)
        .filter(Q(ends_at__isnull=False) | Q(grant_decided_on__isnull=False))
        .filter(Q(ends_at__lt=horizon) | Q(ends_at__isnull=True))
        .filter(Q(grant_decided_on__lt=horizon.date()) | Q(grant_decided_on__isnull=True))
        .select_related("fund__association", "created_by")
        .prefetch_related("bilan_reminders")
        .order_by("pk")
    )
    to_send = []
    for application in applications:
        due = bilan_due_date(application)
        sent = {reminder.kind for reminder in application.bilan_reminders.all()}
        kind = reminder_kind_for(due_date=due, today=today, sent_kinds=sent)
        if kind is not None:
            to_send.append(ReminderToSend(application, kind, due))
    return to_send
