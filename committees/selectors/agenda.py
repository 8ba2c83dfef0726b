"""Which requests may go on a session's agenda."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import Application
from applications.workflow import AGENDA_SOURCES
from committees.models import (
    CommitteeSession,
)
from funds.models import Fund


def filing_deadline(*, session: CommitteeSession) -> datetime.datetime:
    """Requests must be filed before this instant: the end of the day N days before the session (Paris time)."""
    days = session.committee.fund.filing_days_before_committee
    last_day = session.date - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min))


def agenda_candidates(*, session: CommitteeSession) -> QuerySet[Application]:
    """Eligible (or deferred) requests of the fund filed on time, not yet on this session's agenda."""
    return (
        Application.objects.filter(
            fund_id=session.committee.fund_id,
            status__in=AGENDA_SOURCES,
            submitted_at__isnull=False,
            submitted_at__lt=filing_deadline(session=session),
        )
        .exclude(agenda_items__session=session)
        .select_related("holder", "created_by")
        .order_by("submitted_at", "pk")
    )


def sessions_for_selection(*, user) -> list[CommitteeSession]:
    """The planned sessions a selection of the inbox can join: those of the funds the user manages (one query),
    with what their choice says (`committees.forms.session_label`); the action reloads the chosen one."""
    return list(
        CommitteeSession.objects.filter(
            status=CommitteeSession.Status.PLANNED, committee__fund__in=Fund.objects.managed_by(user)
        )
        .select_related("committee")
        .only("date", "committee__name")
        .order_by("date", "time", "pk")[:50]
    )
