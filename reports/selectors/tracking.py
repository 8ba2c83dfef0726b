"""Who is late, and where each bilan stands, for the staff's list and the holder's."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from applications.workflow import Status
from core.validation import french_day
from funds.models import Fund
from reports.models import Bilan, BilanStatus, CvsBilan
from reports.selectors.bilans import bilan_due_date, with_grant_date
from reports.workflow import FILED_STATUSES, OWING_STATUSES


def _overdue_for_holder(*, user, today: datetime.date) -> list[tuple[Application, datetime.date]]:
    if not user.is_authenticated:
        return []
    applications = with_grant_date(
        Application.objects.filter(created_by=user, status__in=OWING_STATUSES).select_related("fund")
    )
    late = []
    for application in applications:
        due = bilan_due_date(application)
        if due is not None and due < today:
            late.append((application, due))
    return sorted(late, key=lambda pair: pair[1])


def holder_has_overdue_bilan(*, user, today: datetime.date) -> bool:
    """Whether one of the user's granted requests (in any fund) has a bilan past its due date."""
    return bool(_overdue_for_holder(user=user, today=today))


def overdue_bilan_message(*, user, today: datetime.date) -> str:
    """The French message shown when a fund refuses a new request because a bilan is late ("" if none)."""
    late = _overdue_for_holder(user=user, today=today)
    if not late:
        return ""
    application, due = late[0]
    return _(
        "Le bilan de votre projet « %(title)s » (demande %(reference)s) était attendu le %(due)s. Ce fonds "
        "n'accepte pas de nouvelle demande tant qu'un bilan est en retard : déposez d'abord ce bilan depuis "
        "« Mes demandes »."
    ) % {"title": application.title, "reference": application.display_reference, "due": french_day(due)}


class TrackingState(models.TextChoices):
    OVERDUE = "overdue", gettext_lazy("En retard")
    TO_REVIEW = "to_review", gettext_lazy("Reçu, à étudier")
    RETURNED = "returned", gettext_lazy("Renvoyé au porteur")
    UPCOMING = "upcoming", gettext_lazy("Attendu")
    ACCEPTED = "accepted", gettext_lazy("Accepté")


TRACKING_ORDER = [
    TrackingState.OVERDUE,
    TrackingState.TO_REVIEW,
    TrackingState.RETURNED,
    TrackingState.UPCOMING,
    TrackingState.ACCEPTED,
]


@dataclass(frozen=True)
class TrackedBilan:
    application: Application
    bilan: Bilan | CvsBilan | None
    due_date: datetime.date | None
    state: str
    days_late: int

    @property
    def state_label(self) -> str:
        return TrackingState(self.state).label


def _attached_bilan(application: Application) -> Bilan | CvsBilan | None:
    name = "cvs_bilan" if application.fund.scheme == Fund.Scheme.CVS else "bilan"
    return getattr(application, name, None)


def tracking_state(
    *, application: Application, bilan: Bilan | CvsBilan | None, due: datetime.date | None, today: datetime.date
) -> str:
    if application.status in OWING_STATUSES:
        if bilan is not None and bilan.status == BilanStatus.RETURNED:
            return TrackingState.RETURNED
        return TrackingState.OVERDUE if due is not None and due < today else TrackingState.UPCOMING
    if bilan is not None and bilan.status == BilanStatus.ACCEPTED:
        return TrackingState.ACCEPTED
    return TrackingState.TO_REVIEW


def _holder_bilan_applications(user) -> QuerySet[Application]:
    """The user's requests that owe, or once filed, a bilan."""
    return Application.objects.filter(created_by=user).filter(
        Q(status__in=(*OWING_STATUSES, *FILED_STATUSES))
        | (Q(status=Status.CLOSED) & (Q(bilan__isnull=False) | Q(cvs_bilan__isnull=False)))
    )


def holder_has_bilans(*, user, todo: list | None = None) -> bool:
    """Whether "Mes bilans" has something to show the user: a bilan in the user's `todo` list (`holder_todo`,
    when the page has it) answers without a query, else one query."""
    if todo and any(item.application.status in OWING_STATUSES for item in todo):
        return True  # an owed bilan is one of "Mes bilans"
    return user.is_authenticated and _holder_bilan_applications(user).exists()


def bilans_for_holder(*, user, today: datetime.date) -> list[TrackedBilan]:
    """The user's granted requests and where their bilans stand: late ones first (one query)."""
    if not user.is_authenticated:
        return []
    applications = with_grant_date(
        _holder_bilan_applications(user)
        .select_related("fund__association", "bilan", "cvs_bilan")
        .order_by("ends_at", "pk")
    )
    rows = []
    for application in applications:
        bilan = _attached_bilan(application)
        due = bilan_due_date(application)
        state = tracking_state(application=application, bilan=bilan, due=due, today=today)
        rows.append(TrackedBilan(application, bilan, due, state, (today - due).days if state == "overdue" else 0))
    rows.sort(key=lambda row: (TRACKING_ORDER.index(row.state), row.due_date or datetime.date.max))
    return rows
