"""Reads of the CVS path: a request's page context, and the fund's follow-up by funder (fixed query count)."""

from decimal import Decimal

from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.workflow import NOT_FILED, Status
from core.money import sum_subquery
from cvs.models import FundingAsk
from cvs.rules import budget_totals
from funds.models import Fund, FundCoFunder

STEPS = (
    ("structure", _("Structure")),
    ("projet", _("Projet")),
    ("engagements", _("Égalité, partenaires, évaluation")),
    ("budget", _("Budget")),
    ("pieces", _("Pièces jointes")),
    ("recapitulatif", _("Récapitulatif")),
)
STEP_SLUGS = tuple(slug for slug, _label in STEPS)


def funding_rows(fund: Fund) -> list[FundCoFunder]:
    """Each funder of the fund with its envelope and the amounts asked, programmed and paid (filed requests)."""
    asks = FundingAsk.objects.filter(request__application__fund=fund, funder=OuterRef("funder")).exclude(
        request__application__status__in=NOT_FILED
    )
    rows = list(
        FundCoFunder.objects.filter(fund=fund)
        .select_related("funder")
        .annotate(
            asked=sum_subquery(asks, "amount_asked", "funder"),
            programmed=sum_subquery(asks.filter(amount_programmed__isnull=False), "amount_programmed", "funder"),
            paid=sum_subquery(asks, "amount_paid", "funder"),
        )
        .order_by("funder__name")
    )
    for row in rows:
        row.left = row.amount - row.programmed
    return rows


def fund_requests(fund: Fund):
    """The fund's filed CVS requests, with their totals asked and programmed (one query)."""
    asks = FundingAsk.objects.filter(request__application=OuterRef("pk"))
    return (
        Application.objects.filter(fund=fund, cvs_request__isnull=False)
        .exclude(status__in=NOT_FILED)
        .select_related("holder")
        .annotate(
            total_asked=sum_subquery(asks, "amount_asked", "request__application"),
            total_programmed=sum_subquery(
                asks.filter(amount_programmed__isnull=False), "amount_programmed", "request__application"
            ),
        )
        .order_by("reference")
    )


def fund_context(fund: Fund) -> dict:
    rows = funding_rows(fund)
    totals = {
        key: sum((getattr(row, key) for row in rows), Decimal("0"))
        for key in ("amount", "asked", "programmed", "paid", "left")
    }
    return {"fund": fund, "funding_rows": rows, "totals": totals, "requests": fund_requests(fund)}


def request_context(application: Application) -> dict:
    cvs = application.cvs_request
    asks = list(cvs.funding_asks.all())
    lines = list(application.budget_lines.all())
    return {
        "application": application,
        "cvs": cvs,
        "asks": asks,
        "opinions": list(cvs.opinions.all()),
        "neighbourhoods": list(cvs.neighbourhoods.all()),
        "ambitions": list(cvs.ambitions.all()),
        "expenses": [line for line in lines if line.side == "expense"],
        "resources": [line for line in lines if line.side == "resource"],
        "totals": budget_totals(application, cvs),
        "programming": getattr(cvs, "programming", None),
        "attachments": list(application.attachments.all()),
        "is_draft": application.status == Status.DRAFT,
    }
