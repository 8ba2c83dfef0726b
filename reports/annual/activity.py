"""The annual report's activity: requests received, eligible, decided, and the list of projects.

What the committees decided for each request, and what was paid, is read from its figures
(`committees.models.RequestFigures`, kept up to date with every decision, amendment and payment): one row per
decided or paid request, found through the fund's index, instead of its agenda items, decisions, sessions,
amendments and payments joined again for every figure.
"""

from decimal import Decimal

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, StatusChange
from applications.workflow import Status
from committees.models import AgendaItem, RequestFigures
from core.money import CENT, ZERO
from funds.models import Fund
from reports.annual.values import Activity, ProjectRow
from reports.workflow import ELIGIBLE_OR_LATER


def filed_requests(fund: Fund) -> QuerySet[Application]:
    return Application.objects.filter(fund=fund, submitted_at__isnull=False)


def filed_figures(fund: Fund) -> QuerySet[RequestFigures]:
    """The figures of the fund's filed requests that have a decision or a payment (one table, its fund index)."""
    return RequestFigures.objects.filter(fund=fund, filed_on__isnull=False)


def was_eligible() -> Q:
    return (
        Q(status__in=ELIGIBLE_OR_LATER)
        | Q(Exists(AgendaItem.objects.filter(application=OuterRef("pk"))))
        | Q(Exists(StatusChange.objects.filter(application=OuterRef("pk"), to_status=Status.ELIGIBLE)))
    )


def project_queryset(fund: Fund):
    """The filed requests of the fund in filing order, as plain rows with their effective grant, what was
    paid and the date of their final decision (the annex's and the page's columns)."""
    return (
        filed_requests(fund)
        # The figures joined on the fund too: for a whole fund, PostgreSQL reads them through the fund's index
        # instead of hashing those of the region.
        .annotate(fund_figures=FilteredRelation("figures", condition=Q(figures__fund=fund)))
        .annotate(
            granted_amount=Coalesce(F("fund_figures__granted_amount"), Value(ZERO)),
            paid_amount=Coalesce(F("fund_figures__paid_amount"), Value(ZERO)),
            decided_on=F("fund_figures__decided_on"),
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
            "granted_amount",
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
                granted=row["granted_amount"].quantize(CENT),
                paid=row["paid_amount"].quantize(CENT),
                decided_on=decided_on,
                days_to_decision=(decided_on - submitted_on).days if decided_on else None,
            )
        )
    return result


def median_days_to_decision(fund: Fund, *, decided: int) -> Decimal | None:
    """The median of the days from filing (the Paris date) to the final decision of the `decided` requests: the
    database counts the days and sorts them, Python reads the one or two middle values."""
    if not decided:
        return None
    days = ExpressionWrapper(F("decided_on") - F("filed_on"), output_field=DurationField())
    ordered = filed_figures(fund).filter(decided_on__isnull=False).annotate(days=days).order_by("days")
    low, high = (decided - 1) // 2, decided // 2
    middle = [value.days for value in ordered.values_list("days", flat=True)[low : high + 1]]
    return (Decimal(sum(middle)) / len(middle)).quantize(Decimal("0.1"))


def activity_of(fund: Fund, *, granted_amount: Decimal) -> Activity:
    """The activity's counts in three queries: the requests received and eligible, the decided ones by outcome
    (from their figures, through the figures' own fund index: joined from the requests, PostgreSQL would hash
    every request's figures of the region), and the median days to decision."""
    counts = filed_requests(fund).aggregate(received=Count("pk"), eligible=Count("pk", filter=was_eligible()))
    outcomes = filed_figures(fund).aggregate(
        granted=Count("pk", filter=Q(granted=True)),
        deferred=Count("pk", filter=Q(deferred=True)),
        refused=Count("pk", filter=Q(refused=True)),
        decided=Count("pk", filter=Q(decided_on__isnull=False)),
    )
    return Activity(
        **counts,
        **outcomes,
        granted_amount=granted_amount,
        median_days_to_decision=median_days_to_decision(fund, decided=outcomes["decided"]),
    )
