"""The annual report's activity: requests received, eligible, decided, and the list of projects."""

import statistics
from decimal import Decimal

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, StatusChange
from applications.workflow import Status
from committees.models import AgendaItem, Amendment, Decision, Payment
from committees.selectors import MONEY_OUTPUT
from core.money import CENT, ZERO
from funds.models import Fund
from reports.annual.values import Activity, ProjectRow
from reports.workflow import ELIGIBLE_OR_LATER

# Decisions that end the committee's work on a request (a deferral does not).
FINAL_OUTCOMES = (Decision.Outcome.GRANTED, Decision.Outcome.REFUSED)


def filed_requests(fund: Fund) -> QuerySet[Application]:
    return Application.objects.filter(fund=fund, submitted_at__isnull=False)


def was_eligible() -> Q:
    return (
        Q(status__in=ELIGIBLE_OR_LATER)
        | Q(Exists(AgendaItem.objects.filter(application=OuterRef("pk"))))
        | Q(Exists(StatusChange.objects.filter(application=OuterRef("pk"), to_status=Status.ELIGIBLE)))
    )


def sum_of(queryset, field_name: str, group_by: str):
    return Coalesce(
        Subquery(queryset.values(group_by).annotate(total=Sum(field_name)).values("total")[:1]),
        Value(ZERO),
        output_field=MONEY_OUTPUT,
    )


def project_queryset(fund: Fund):
    """The filed requests of the fund in filing order, as plain rows with their effective grant, what was
    paid and the date of their final decision (the annex's and the page's columns)."""
    decisions = Decision.objects.filter(item__application=OuterRef("pk"), outcome=Decision.Outcome.GRANTED)
    amendments = Amendment.objects.filter(
        decision__item__application=OuterRef("pk"), decision__outcome=Decision.Outcome.GRANTED
    )
    payments = Payment.objects.filter(application=OuterRef("pk"))
    final_session = (
        AgendaItem.objects.filter(application=OuterRef("pk"), decision__outcome__in=FINAL_OUTCOMES)
        .order_by("session__date")
        .values("session__date")[:1]
    )
    return (
        filed_requests(fund)
        .annotate(
            decided_amount=sum_of(decisions, "amount_granted", "item__application"),
            amended_amount=sum_of(amendments, "amount_delta", "decision__item__application"),
            paid_amount=sum_of(payments, "amount", "application"),
            decided_on=Subquery(final_session),
        )
        .order_by("number", "pk")
        # Plain rows, no model instances: a thousand projects in a few milliseconds.
        .values(
            "reference",
            "title",
            "status",
            "submitted_at",
            "amount_requested",
            "theme__name",
            "neighbourhood__name",
            "decided_amount",
            "amended_amount",
            "paid_amount",
            "decided_on",
        )
    )


def project_rows(fund: Fund, *, rows=None) -> list[ProjectRow]:
    """Every filed request of the fund as a `ProjectRow`, or only `rows` (a slice of `project_queryset`)."""
    status_labels = {value: str(label) for value, label in Status.choices}
    no_theme, no_neighbourhood = _("Thématique non renseignée"), _("Quartier non renseigné")
    result = []
    for row in project_queryset(fund) if rows is None else rows:
        submitted_on = timezone.localtime(row["submitted_at"]).date()
        decided_on = row["decided_on"]
        result.append(
            ProjectRow(
                reference=row["reference"],
                title=" ".join(row["title"].split()),  # one line each in the PDF's annex
                theme=row["theme__name"] or no_theme,
                neighbourhood=row["neighbourhood__name"] or no_neighbourhood,
                status=row["status"],
                status_label=status_labels.get(row["status"], row["status"]),
                submitted_on=submitted_on,
                amount_requested=row["amount_requested"],
                granted=(row["decided_amount"] + row["amended_amount"]).quantize(CENT),
                paid=row["paid_amount"].quantize(CENT),
                decided_on=decided_on,
                days_to_decision=(decided_on - submitted_on).days if decided_on else None,
            )
        )
    return result


def _decided_requests(fund: Fund) -> list[tuple[bool, bool, bool, int | None]]:
    """Each decided filed request of the fund, in one grouped pass over its agenda items: whether it was ever
    granted, deferred and refused, and the days from its filing (Paris date) to its final decision (None while
    only deferred). The days are counted by the database: no filing time is read into Python."""
    outcome = "decision__outcome"
    days = ExpressionWrapper(
        Min("session__date", filter=Q(**{f"{outcome}__in": FINAL_OUTCOMES}))
        - TruncDate(Min("application__submitted_at")),
        output_field=DurationField(),
    )
    rows = (
        AgendaItem.objects.filter(
            application__fund=fund, application__submitted_at__isnull=False, decision__isnull=False
        )
        .values("application")
        .annotate(
            granted=Count("pk", filter=Q(**{outcome: Decision.Outcome.GRANTED})),
            deferred=Count("pk", filter=Q(**{outcome: Decision.Outcome.DEFERRED})),
            refused=Count("pk", filter=Q(**{outcome: Decision.Outcome.REFUSED})),
            days=days,
        )
        .order_by()
        .values_list("granted", "deferred", "refused", "days")
    )
    return [
        (granted > 0, deferred > 0, refused > 0, None if days is None else days.days)
        for granted, deferred, refused, days in rows
    ]


def days_to_decision(fund: Fund) -> list[int]:
    """Days from filing to the final decision of each decided request."""
    return [days for _granted, _deferred, _refused, days in _decided_requests(fund) if days is not None]


def activity_of(fund: Fund, *, granted_amount: Decimal) -> Activity:
    """The activity's counts (two queries): requests received and eligible, then the decided ones with their
    outcomes and days to decision. The median is taken in Python: it is not a portable SQL aggregate."""
    counts = filed_requests(fund).aggregate(received=Count("pk"), eligible=Count("pk", filter=was_eligible()))
    decided_rows = _decided_requests(fund)
    days = [days for _granted, _deferred, _refused, days in decided_rows if days is not None]
    median = Decimal(str(statistics.median(days))).quantize(Decimal("0.1")) if days else None
    return Activity(
        **counts,
        granted=sum(1 for row in decided_rows if row[0]),
        deferred=sum(1 for row in decided_rows if row[1]),
        refused=sum(1 for row in decided_rows if row[2]),
        granted_amount=granted_amount,
        decided=len(days),
        median_days_to_decision=median,
    )
