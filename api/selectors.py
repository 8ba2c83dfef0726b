"""What a token's owner may read through the API: the portal's own visibility rules, as querysets.

- requests: `Application.objects.visible_to` (their own, their association's funds', their co-funded funds'
  filed requests), never someone else's draft;
- decisions: of those requests; a decision in a session still open only for the fund's association staff;
- payments: of those requests;
- bilans: of those requests; someone else's bilan only once filed (reports.permissions.can_view_bilan);
- funds: published funds (public on the portal), plus those the owner reads in the back office or filed in;
- annual figures: `reports.permissions.readable_funds` (association staff, co-funders' staff, administrator).

Every queryset loads what the serializers print in a fixed number of queries, whatever the number of rows.
"""

from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from applications.models import Application
from applications.workflow import Status
from committees.models import Amendment, CommitteeSession, Decision, Payment
from core.money import sum_subquery
from funds.models import AssociationStaff, Fund, FundCoFunder
from reports.models import Bilan, BilanExpense, BilanStatus, EffectObservation

_MONEY = DecimalField(max_digits=12, decimal_places=2)


def requests_for(user) -> QuerySet[Application]:
    return Application.objects.visible_to(user).exclude(Q(status=Status.DRAFT) & ~Q(created_by=user))


def personal_data_funds(user) -> set[int] | None:
    """Associations whose requests' personal data (referent, phone, address, place) the user reads.

    None means every association (the administrator). One query.
    """
    if user.is_superuser:
        return None
    return set(AssociationStaff.objects.filter(user=user).values_list("association_id", flat=True))


def funds_for(user) -> QuerySet[Fund]:
    readable = (
        Q(is_published=True)
        | Q(pk__in=Fund.objects.visible_to(user).values("pk"))
        | Q(pk__in=Application.objects.owned_by(user).values("fund"))
    )
    return (
        Fund.objects.filter(readable)
        .select_related("association")
        .prefetch_related(
            "themes",
            "neighbourhoods",
            Prefetch("cofunders", queryset=FundCoFunder.objects.select_related("funder")),
        )
        .order_by("-year", "name", "pk")
    )


def request_list_for(user) -> QuerySet[Application]:
    return requests_for(user).select_related("fund", "holder", "theme", "neighbourhood").order_by("-created_at", "-pk")


def decisions_for(user) -> QuerySet[Decision]:
    amendments = Amendment.objects.filter(decision=OuterRef("pk"))
    staff_of_fund = Q(item__application__fund__in=Fund.objects.managed_by(user).values("pk"))
    return (
        Decision.objects.filter(item__application__in=requests_for(user).values("pk"))
        .filter(Q(item__session__status=CommitteeSession.Status.CLOSED) | staff_of_fund)
        .select_related("item__session", "item__application__fund")
        .annotate(
            amount_effective=ExpressionWrapper(
                F("amount_granted") + sum_subquery(amendments, "amount_delta", "decision"), output_field=_MONEY
            )
        )
        .order_by("-decided_at", "-pk")
    )


def payments_for(user) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(application__in=requests_for(user).values("pk"))
        .select_related("application__fund")
        .order_by("-paid_on", "-pk")
    )


def bilans_for(user) -> QuerySet[Bilan]:
    filed = ~Q(status=BilanStatus.DRAFT, submitted_at__isnull=True)
    expenses = BilanExpense.objects.filter(bilan=OuterRef("pk"))
    return (
        Bilan.objects.filter(application__in=requests_for(user).values("pk"))
        .filter(Q(application__created_by=user) | filed)
        .select_related("application__fund")
        .annotate(
            planned_expenses=sum_subquery(expenses, "planned_amount", "bilan"),
            actual_expenses=sum_subquery(expenses, "actual_amount", "bilan"),
        )
        .prefetch_related(Prefetch("effects", queryset=EffectObservation.objects.prefetch_related("changes")))
        .order_by("-created_at", "-pk")
    )


def modified_since_q(value) -> Q:
    """A decision taken, or amended, since `value`."""
    return Q(decided_at__gte=value) | Exists(Amendment.objects.filter(decision=OuterRef("pk"), created_at__gte=value))
