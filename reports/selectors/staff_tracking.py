"""The staff's list of bilans, with each row's state computed by the database (so it can be counted,
filtered, sorted and paginated there: a page of 50 rows costs the same whatever the association's size)."""

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
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
    return sorted(Fund.objects.order_by().values_list("bilan_due_days", flat=True).distinct())


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


def _rank(today: datetime.date, due_days: list[int]) -> Case:
    """`tracking_state()` as a SQL expression (over the `bilan_state` annotation), given as the state's position in
    `TRACKING_ORDER`, so that the same expression sorts, filters and counts the rows: the database computes it
    once per row (a label computed from it again would repeat the granting session's subquery in every test)."""
    position = {state: Value(index) for index, state in enumerate(TRACKING_ORDER)}
    return Case(
        When(Q(status__in=OWING_STATUSES) & Q(bilan_state=BilanStatus.RETURNED), then=position[TrackingState.RETURNED]),
        When(Q(status__in=OWING_STATUSES) & _overdue(today, due_days), then=position[TrackingState.OVERDUE]),
        When(status__in=OWING_STATUSES, then=position[TrackingState.UPCOMING]),
        When(bilan_state=BilanStatus.ACCEPTED, then=position[TrackingState.ACCEPTED]),
        default=position[TrackingState.TO_REVIEW],
        output_field=IntegerField(),
    )


def _due_order(due_days: list[int]) -> CombinedExpression:
    """The due date as a sortable moment (the later of the project's end and the decision + the fund's delay).
    The delay is chosen by a CASE over the funds' few delays and added once: the granting session's subquery
    appears twice in the expression, not twice per delay."""
    decided = Cast("grant_decided_on", DateTimeField())
    later = Greatest(Coalesce("ends_at", decided), Coalesce(decided, "ends_at"), output_field=DateTimeField())
    delay = Case(
        *[When(fund__bilan_due_days=days, then=Value(datetime.timedelta(days=days))) for days in due_days],
        default=Value(datetime.timedelta(0)),
        output_field=DurationField(),
    )
    return CombinedExpression(later, "+", delay, output_field=DateTimeField())


def staff_bilan_queryset(*, user, today: datetime.date, fund: Fund | None = None) -> QuerySet[Application]:
    """The requests owing or having filed a bilan in the funds the user's association runs, annotated with
    `tracking_rank` (the position of their `TrackingState` in `TRACKING_ORDER`: `state_of`) and sorted: late
    ones first, then those to study, each by due date."""
    due_days = _due_days()
    applications = with_grant_date(
        Application.objects.managed_by(user).filter(status__in=(*OWING_STATUSES, *FILED_STATUSES))
    )
    if fund is not None:
        applications = applications.filter(fund=fund)
    return (
        applications.annotate(bilan_state=_bilan_status())
        .annotate(tracking_rank=_rank(today, due_days), due_order=_due_order(due_days))
        .order_by("tracking_rank", F("due_order").asc(nulls_last=True), "ends_at", "pk")
    )


def state_of(application: Application) -> TrackingState:
    """The state of a row of `staff_bilan_queryset`, read from its annotation."""
    return TRACKING_ORDER[application.tracking_rank]


def in_state(queryset: QuerySet[Application], state: str) -> QuerySet[Application]:
    """The rows of `staff_bilan_queryset` in `state` (a `TrackingState` value)."""
    return queryset.filter(tracking_rank=TRACKING_ORDER.index(TrackingState(state)))


def state_counts(queryset: QuerySet[Application]) -> dict[str, int]:
    """How many rows of `staff_bilan_queryset` are in each state (one query, grouped by the state's rank)."""
    counts = dict.fromkeys(TrackingState.values, 0)
    for rank, count in (
        queryset.order_by().values_list("tracking_rank").annotate(n=Count("pk")).values_list("tracking_rank", "n")
    ):
        counts[TRACKING_ORDER[rank].value] = count
    return counts


def tracked(application: Application, *, today: datetime.date) -> TrackedBilan:
    """A row of the list (the application loaded with its fund and bilans), its state read from the annotation."""
    due = bilan_due_date(application)
    state = state_of(application)
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
