"""The public showcase (carried-out projects and validated initiatives), the yearly "temps fort" page, and the
figures the town counts. Aggregates in the database, restricted to what is shown."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.pagination import paginate_by_ids
from fiftyfifty.models import Builder, Commitment, Convention, Initiative, Meeting, Project
from funds.models import Fund

PER_PAGE = 12


def showcase(*, page: int | str = 1) -> dict:
    projects = Project.objects.showcased().select_related("fund__association").order_by("-carried_out_on", "-pk")
    initiatives = Initiative.objects.showcased().select_related("fund__association").order_by("-happened_on", "-pk")
    return {
        "projects": paginate_by_ids(projects, per_page=PER_PAGE, number=page),
        "initiatives": list(initiatives[:PER_PAGE]),
        "years": _years(),
        "open_funds": list(
            Fund.objects.filter(scheme=Fund.Scheme.FIFTY_FIFTY, is_published=True, year__gte=timezone.localdate().year)
            .select_related("association")
            .order_by("association__name", "-year")[:10]
        ),
    }


def _years() -> list[int]:
    """Years with something to show (for the "temps fort" links): from the funds' years, a small table."""
    return sorted(
        set(Fund.objects.filter(scheme=Fund.Scheme.FIFTY_FIFTY, is_published=True).values_list("year", flat=True)),
        reverse=True,
    )


def highlight(*, year: int) -> dict:
    """The year's projects and initiatives, for a "temps fort" (an event such as Faites in Loos)."""
    projects = list(
        Project.objects.showcased()
        .filter(carried_out_on__year=year)
        .select_related("fund__association")
        .order_by("carried_out_on", "pk")[:200]
    )
    initiatives = list(
        Initiative.objects.showcased()
        .filter(happened_on__year=year)
        .select_related("fund__association")
        .order_by("happened_on", "pk")[:200]
    )
    residents = sum(p.residents_involved for p in projects) + sum(i.residents_involved for i in initiatives)
    return {"year": year, "projects": projects, "initiatives": initiatives, "residents": residents}


def figures(*, user, year: int) -> dict:
    """What the town counts for one year, over the fifty/fifty funds its staff manage: conventions signed,
    initiatives, the value of the commune's support by kind, residents involved, meetings, bâtisseurs."""
    funds = Fund.objects.managed_by(user).filter(scheme=Fund.Scheme.FIFTY_FIFTY).values("pk")
    conventions = Convention.objects.filter(project__fund__in=funds, signed_on__year=year)
    signed_projects = conventions.values("project")
    support = {
        row["kind"]: row["total"]
        for row in Commitment.objects.filter(project__in=signed_projects, side=Commitment.Side.COMMUNE)
        .values("kind")
        .annotate(total=Sum("value"))
    }
    kinds = [
        {"kind": kind, "label": label, "total": support.get(kind) or Decimal("0")}
        for kind, label in Commitment.Kind.choices
        if kind in Commitment.KINDS_BY_SIDE[Commitment.Side.COMMUNE]
    ]
    done = Project.objects.filter(fund__in=funds, carried_out_on__year=year).aggregate(
        count=Count("pk"), residents=Sum("residents_involved")
    )
    initiatives = Initiative.objects.filter(fund__in=funds, happened_on__year=year).aggregate(
        validated=Count("pk", filter=Q(status="validated")),
        declared=Count("pk", filter=Q(status="declared")),
        residents=Sum("residents_involved", filter=Q(status="validated")),
    )
    associations = Fund.objects.managed_by(user).values("association")
    return {
        "year": year,
        "conventions_signed": conventions.count(),
        "projects_done": done["count"],
        "initiatives_validated": initiatives["validated"],
        "initiatives_to_review": initiatives["declared"],
        "support_by_kind": kinds,
        "support_total": sum((k["total"] for k in kinds), Decimal("0")),
        "residents_involved": (done["residents"] or 0) + (initiatives["residents"] or 0),
        "meetings": Meeting.objects.filter(project__fund__in=funds, held_on__year=year).count(),
        "builders": Builder.objects.filter(association__in=associations).count(),
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
    }
