"""The holder's "À faire" list: what the resident must do now, each thing with the page that does it.

It lives here, in the highest business app, because it reads requests (completion asked, messages) and bilans
(due or late). One query whatever the number of requests: the requests that need something, annotated with
their unread messages and their grant date, with their fund and bilans.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, Q
from django.urls import reverse

from applications.models import Application
from applications.selectors import resume_url
from applications.workflow import Status
from core.fixed_query import PrebuiltQuery
from reports.models import BilanStatus
from reports.selectors.bilans import bilan_due_date, with_grant_date
from reports.selectors.tracking import _attached_bilan
from reports.workflow import OWING_STATUSES


class TodoKind:
    COMPLETION = "completion"
    BILAN = "bilan"
    BILAN_LATE = "bilan_late"
    BILAN_RETURNED = "bilan_returned"
    MESSAGE = "message"


@dataclass(frozen=True)
class TodoItem:
    kind: str
    application: Application
    url: str
    due_date: datetime.date | None = None
    unread: int = 0

    @property
    def is_urgent(self) -> bool:
        return self.kind in (TodoKind.BILAN_LATE, TodoKind.BILAN_RETURNED, TodoKind.COMPLETION)


def _unread_messages() -> Count:
    """Messages written by someone else than the holder after the holder last opened the request's page (the
    `read` join of `todo_queryset`: at most one row a request, `message_read_once_per_user`)."""
    return Count(
        "messages",
        filter=~Q(messages__author_id=F("created_by_id"))
        & (Q(read__read_at__isnull=True) | Q(messages__created_at__gt=F("read__read_at"))),
        distinct=True,
    )


# What the block reads of a request, its fund and its bilan: the rest of their wide rows (a CVS bilan has
# forty columns) is neither sent by the database nor grouped on.
TODO_COLUMNS = (
    "status",
    "title",
    "reference",
    "ends_at",
    "last_step",
    "created_by_id",
    "fund__scheme",
    "fund__bilan_due_days",
    "bilan__status",
    "cvs_bilan__status",
)


def _requests_asking_something():
    """Every holder's requests that ask something of them: the constant part of `todo_queryset`. The holder's last
    reading is a join rather than a subquery: the ORM builds it once instead of three times (select, filter,
    having)."""
    read = FilteredRelation("message_reads", condition=Q(message_reads__user_id=F("created_by_id")))
    return (
        with_grant_date(Application.objects.all())
        .alias(read=read)
        .annotate(unread=_unread_messages())
        .filter(Q(status__in=(Status.COMPLETION_REQUESTED, *OWING_STATUSES)) | Q(unread__gt=0))
        .select_related("fund", "bilan", "cvs_bilan")
        .only(*TODO_COLUMNS)
        .order_by("pk")
    )


# Built by the ORM once per process (about 1 ms saved on every "Mon espace" and "Mes demandes"): each call
# adds the holder to a clone. The holder's filter is on the request's own column, so it lands in the WHERE
# clause whatever its place in the chain (the same SQL as filtering first).
REQUESTS_ASKING_SOMETHING = PrebuiltQuery(_requests_asking_something)


def todo_queryset(*, user):
    """The user's requests that ask something of them (one query once evaluated)."""
    return REQUESTS_ASKING_SOMETHING.queryset().filter(created_by=user)


def holder_todo(*, user, today: datetime.date) -> list[TodoItem]:
    """What the holder must do, most urgent first: late or returned bilans and completions, then bilans due
    (soonest first), then unread messages. Empty for an anonymous visitor or when nothing is to do."""
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[TodoItem] = []
    for application in todo_queryset(user=user):
        if application.status == Status.COMPLETION_REQUESTED:
            items.append(TodoItem(TodoKind.COMPLETION, application, resume_url(application)))
        elif application.status in OWING_STATUSES:
            due = bilan_due_date(application)
            bilan = _attached_bilan(application)
            if bilan is not None and bilan.status == BilanStatus.RETURNED:
                kind = TodoKind.BILAN_RETURNED
            elif due is not None and due < today:
                kind = TodoKind.BILAN_LATE
            else:
                kind = TodoKind.BILAN
            items.append(TodoItem(kind, application, reverse("reports:bilan", kwargs={"pk": application.pk}), due))
        if application.unread:
            url = reverse("applications:application_detail", kwargs={"pk": application.pk}) + "#messages"
            items.append(TodoItem(TodoKind.MESSAGE, application, url, unread=application.unread))
    order = [TodoKind.BILAN_LATE, TodoKind.BILAN_RETURNED, TodoKind.COMPLETION, TodoKind.BILAN, TodoKind.MESSAGE]
    items.sort(key=lambda item: (order.index(item.kind), item.due_date or datetime.date.max, item.application.pk))
    return items
