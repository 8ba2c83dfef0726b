"""The staff's list of bilans, with each row's state computed by the database (so it can be counted,
filtered, sorted and paginated there: a page of 50 rows costs the same whatever the association's size)."""

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from applications.models import Application
from funds.models import Fund
from reports.models import BilanReminder, BilanStatus
from reports.selectors.bilans import bilan_due_date, with_grant_date
from reports.selectors.tracking import TRACKING_ORDER, TrackedBilan, TrackingState, _attached_bilan
from reports.workflow import FILED_STATUSES, OWING_STATUSES


def _due_days() -> list[int]:
    """The distinct `bilan_due_days` of the funds (a handful of values, read from the small funds table)."""
    return sorted(set(Fund.objects.values_list("bilan_due_days", flat=True)))


def _overdue(today: datetime.date, due_days: list[int]) -> Q:
    """`bilan_due_date() < today` in SQL (over the `grant_decided_on` annotation): the later of the project's
    last day (Paris) and the granting session's day + the fund's delay < today, i.e. both (when known) came
    before `today - delay`, and at least one is known."""
    q = Q(pk__in=[])
    for days in due_days:
        last_day = today - datetime.timedelta(days=days)
        midnight = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time()))
        q |= (
            Q(fund__bilan_due_days=days)
            & (Q(ends_at__lt=midnight) | Q(ends_at__isnull=True))
            & (Q(grant_decided_on__lt=last_day) | Q(grant_decided_on__isnull=True))
            & ~Q(ends_at__isnull=True, grant_decided_on__isnull=True)
        )
    return q


def _bilan_status() -> Case:
    """The status of the request's bilan of its fund's kind (CVS or micro-project), NULL if none."""
    return Case(
        When(fund__scheme=Fund.Scheme.CVS, then=F("cvs_bilan__status")),
        default=F("bilan__status"),
        output_field=CharField(),
    )


def _state(today: datetime.date, due_days: list[int]) -> Case:
    """`tracking_state()` as a SQL expression (over the `bilan_state` annotation)."""
    return Case(
        When(Q(status__in=OWING_STATUSES) & Q(bilan_state=BilanStatus.RETURNED), then=Value(TrackingState.RETURNED)),
        When(Q(status__in=OWING_STATUSES) & _overdue(today, due_days), then=Value(TrackingState.OVERDUE)),
        When(status__in=OWING_STATUSES, then=Value(TrackingState.UPCOMING)),
        When(bilan_state=BilanStatus.ACCEPTED, then=Value(TrackingState.ACCEPTED)),
        default=Value(TrackingState.TO_REVIEW),
        output_field=CharField(),
    )


def _due_order(due_days: list[int]) -> Case:
    """The due date as a sortable moment (the later of the project's end and the decision + the fund's delay)."""
    decided = Cast("grant_decided_on", DateTimeField())
    later = Greatest(Coalesce("ends_at", decided), Coalesce(decided, "ends_at"), output_field=DateTimeField())
    return Case(
        *[When(fund__bilan_due_days=days, then=later + datetime.timedelta(days=days)) for days in due_days],
        default=later,
    )


def staff_bilan_queryset(*, user, today: datetime.date, fund: Fund | None = None) -> QuerySet[Application]:
    """The requests owing or having filed a bilan in the funds the user's association runs, annotated with
    `tracking` (a `TrackingState`) and sorted: late ones first, then those to study, each by due date."""
    due_days = _due_days()
    applications = with_grant_date(
        Application.objects.managed_by(user).filter(status__in=(*OWING_STATUSES, *FILED_STATUSES))
    )
    if fund is not None:
        applications = applications.filter(fund=fund)
    rank = Case(
        *[When(tracking=value, then=Value(position)) for position, value in enumerate(TRACKING_ORDER)],
        output_field=IntegerField(),
    )
    return (
        applications.annotate(bilan_state=_bilan_status())
        .annotate(tracking=_state(today, due_days))
        .annotate(tracking_rank=rank, due_order=_due_order(due_days))
        .order_by("tracking_rank", F("due_order").asc(nulls_last=True), "ends_at", "pk")
    )


def state_counts(queryset: QuerySet[Application]) -> dict[str, int]:
    """How many rows of `staff_bilan_queryset` are in each state (one aggregate query)."""
    counts = queryset.order_by().aggregate(
        **{value: Count("pk", filter=Q(tracking=value)) for value in TrackingState.values}
    )
    return {value: counts[value] or 0 for value in TrackingState.values}


def tracked(application: Application, *, today: datetime.date) -> TrackedBilan:
    """A row of the list (the application loaded with its fund and bilans), its state read from the annotation."""
    due = bilan_due_date(application)
    state = application.tracking
    days_late = (today - due).days if state == TrackingState.OVERDUE and due is not None else 0
    return TrackedBilan(application, _attached_bilan(application), due, state, days_late)


def with_rows(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """What a row of the list shows, loaded with the page's rows only."""
    return queryset.select_related("fund__association", "holder", "created_by", "bilan", "cvs_bilan")


def with_contact(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """With the latest reminder sent to the holder (`last_reminded_at`, scheduled or by the staff): one subquery."""
    latest = BilanReminder.objects.filter(application=OuterRef("pk")).order_by("-sent_at").values("sent_at")[:1]
    return queryset.annotate(last_reminded_at=Subquery(latest))


def bilans_for_staff(*, user, today: datetime.date, fund: Fund | None = None) -> list[TrackedBilan]:
    """Every row of the staff's list, late ones first (the page shows them 50 at a time: `staff_bilans`)."""
    return [tracked(row, today=today) for row in with_rows(staff_bilan_queryset(user=user, today=today, fund=fund))]
