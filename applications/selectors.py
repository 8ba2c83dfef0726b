"""Reads about requests, with their related rows loaded up front (no query in a loop)."""

from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse

from applications.models import (
    Application,
    Attachment,
    BudgetLine,
    CriterionCheck,
    EligibilityCriterion,
    Message,
    StaffNote,
    StatusChange,
)
from applications.workflow import NEXT_STEP_FOR_CVS_HOLDER, NEXT_STEP_FOR_HOLDER, Status
from funds.models import Fund


def applications_for_holder(*, user) -> QuerySet[Application]:
    """The user's own requests, newest first, with what a list shows."""
    return (
        Application.objects.owned_by(user)
        .select_related("fund__association", "theme", "holder", "neighbourhood")
        .order_by("-created_at", "-id")
    )


def application_for_display(*, pk: int) -> Application:
    """One request with everything a detail page or the PDF receipt prints (raises DoesNotExist)."""
    return Application.objects.for_pages().get(pk=pk)


def application_detail(*, application: Application) -> dict:
    """Timeline, attachments, messages and the budget split into expenses and resources, with totals."""
    timeline = list(
        StatusChange.objects.filter(application=application).select_related("actor").order_by("created_at", "id")
    )
    attachments = list(
        Attachment.objects.filter(application=application)
        .select_related("uploaded_by")
        .order_by("kind", "uploaded_at", "id")
    )
    messages = list(
        Message.objects.filter(application=application).select_related("author").order_by("created_at", "id")
    )
    lines = list(BudgetLine.objects.filter(application=application).order_by("side", "position", "id"))
    expenses = [line for line in lines if line.side == BudgetLine.Side.EXPENSE]
    resources = [line for line in lines if line.side == BudgetLine.Side.RESOURCE]
    total_expenses = sum((line.amount for line in expenses), Decimal("0"))
    total_other_resources = sum((line.amount for line in resources), Decimal("0"))
    amount_requested = application.amount_requested or Decimal("0")
    total_resources = total_other_resources + amount_requested
    return {
        "application": application,
        "timeline": timeline,
        "attachments": attachments,
        "messages": messages,
        "expenses": expenses,
        "resources": resources,
        "amount_requested": amount_requested,
        "total_expenses": total_expenses,
        "total_other_resources": total_other_resources,
        "total_resources": total_resources,
        "budget_difference": total_expenses - total_resources,
        "is_balanced": bool(expenses) and total_expenses == total_resources,
        "next_step": next_step_for_holder(application),
    }


def next_step_for_holder(application: Application) -> str:
    """What the holder should do next, in French."""
    status = Status(application.status)
    if application.fund.scheme == Fund.Scheme.CVS and status in NEXT_STEP_FOR_CVS_HOLDER:
        return str(NEXT_STEP_FOR_CVS_HOLDER[status])
    return str(NEXT_STEP_FOR_HOLDER.get(status, ""))


def instruction_detail(*, application: Application) -> dict:
    """The staff's side of a request: the fund's grid with this request's checks, and the private notes.

    Three queries whatever the number of criteria, checks or notes. Never give this to the holder's pages.
    """
    criteria = list(EligibilityCriterion.objects.filter(fund_id=application.fund_id).order_by("position", "id"))
    checks = {
        check.criterion_id: check
        for check in CriterionCheck.objects.filter(application=application).select_related("checked_by")
    }
    notes = list(
        StaffNote.objects.filter(application=application).select_related("author").order_by("-created_at", "-id")
    )
    checklist = [{"criterion": criterion, "check": checks.get(criterion.pk)} for criterion in criteria]
    required = [row for row in checklist if row["criterion"].is_required]
    return {
        "checklist": checklist,
        "required_count": len(required),
        "required_met_count": sum(1 for row in required if row["check"] is not None and row["check"].met is True),
        "notes": notes,
    }


# --- Where a holder takes a draft up again ---------------------------------------------------------------


def resume_step(application: Application) -> str:
    """Where to take a draft up again: the step after the last one saved."""
    steps = list(Application.Step)
    if not application.last_step:
        return Application.Step.HOLDER
    index = steps.index(application.last_step)
    return steps[min(index + 1, len(steps) - 1)]


def step_url(application: Application, step: str) -> str:
    return reverse("applications:application_step", kwargs={"pk": application.pk, "step": step})


def resume_url(application: Application) -> str:
    """The page of the step where a draft is taken up again."""
    return step_url(application, resume_step(application))
