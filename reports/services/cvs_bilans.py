"""The CVS bilan (annex 3): start it prefilled from the request, save its fields and sections."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.budget import GrantSource, ResourceCategory
from applications.models import Application, BudgetLine
from core.validation import Errors, add_error
from reports.models import (
    CVS_FIELDS,
    PROGRESS_WITH_DATE,
    SHORT_DESCRIPTION_MAX_LINES,
    BudgetSide,
    CvsBilan,
    CvsBudgetItem,
    CvsBudgetLine,
    CvsObjective,
    CvsPartner,
)
from reports.services.checks import clean_value
from reports.services.cvs_tables import save_cvs_objectives, save_cvs_partners
from reports.services.frames import save_fields, start_once

# Grant sources of the request's budget → the annex 3 line of the same funder.
GRANT_SOURCE_ITEMS = {
    GrantSource.STATE: CvsBudgetItem.STATE_COMMON,
    GrantSource.REGION: CvsBudgetItem.REGION_COMMON,
    GrantSource.DEPARTMENT: CvsBudgetItem.DEPARTMENT,
    GrantSource.COMMUNE: CvsBudgetItem.COMMUNE_COMMON,
    GrantSource.CAF: CvsBudgetItem.CAF,
    GrantSource.LANDLORD: CvsBudgetItem.LANDLORD,
    GrantSource.EUROPE: CvsBudgetItem.EUROPE,
    GrantSource.OTHER: CvsBudgetItem.OTHER_GRANTS,
}


def planned_budget_lines(*, bilan: CvsBilan, application: Application, budget: list) -> list[CvsBudgetLine]:
    """The request's provisional budget as annex 3 lines (planned column), then the fund's own grant."""
    lines = []
    for line in budget:
        if line.side == BudgetLine.Side.EXPENSE:
            side, item = BudgetSide.CHARGE, ""
        else:
            side = BudgetSide.RESOURCE
            item = (
                GRANT_SOURCE_ITEMS.get(line.grant_source, CvsBudgetItem.OTHER_GRANTS)
                if line.category == ResourceCategory.GRANTS
                else ""
            )
        lines.append(
            CvsBudgetLine(
                bilan=bilan,
                side=side,
                account=line.category,
                item=item,
                label=line.label,
                planned_amount=line.amount,
                position=len(lines) + 1,
            )
        )
    if application.amount_requested:
        lines.append(
            CvsBudgetLine(
                bilan=bilan,
                side=BudgetSide.RESOURCE,
                account=ResourceCategory.GRANTS,
                item=CvsBudgetItem.OTHER_GRANTS,
                label=_("Subvention du fonds « %(fund)s »") % {"fund": application.fund.name},
                planned_amount=application.amount_requested,
                position=len(lines) + 1,
            )
        )
    return lines


def start_cvs_bilan(*, user, application: Application) -> CvsBilan:
    """Open the annex 3 bilan, prefilled from the request: period, structure, referent, planned budget."""
    budget: list[BudgetLine] = []  # the request's budget, read once the request is locked

    def new_bilan(locked: Application) -> CvsBilan:
        holder = locked.holder
        budget.extend(locked.budget_lines.order_by("side", "position", "pk"))
        planned_cost = sum((line.amount for line in budget if line.side == BudgetLine.Side.EXPENSE), Decimal("0"))
        return CvsBilan(
            application=locked,
            created_by=user,
            period_start=timezone.localtime(locked.starts_at).date() if locked.starts_at else None,
            period_end=timezone.localtime(locked.ends_at).date() if locked.ends_at else None,
            structure=holder.name if holder else "",
            referent_first_name=user.first_name,
            referent_last_name=user.last_name,
            referent_email=user.email,
            referent_phone=(holder.referent_phone if holder else "") or getattr(user, "phone", ""),
            target_public=locked.expected_public,
            planned_cost=planned_cost or None,
        )

    return start_once(
        user=user,
        application=application,
        cvs=True,
        new_bilan=new_bilan,
        new_lines=lambda bilan, locked: planned_budget_lines(bilan=bilan, application=locked, budget=budget),
        line_model=CvsBudgetLine,
        count_key="budget_lines",
    )


def count_lines(text: str) -> int:
    return len(text.rstrip().splitlines()) if text else 0


def save_cvs_bilan(*, user, bilan: CvsBilan, data: dict) -> CvsBilan:
    """Save some of the annex 3 fields (a section's cleaned_data); the bilan stays a draft."""
    fields = [field for field in CVS_FIELDS if field in data]

    def apply(locked: CvsBilan) -> Errors:
        for field in fields:
            value = clean_value(data[field])
            setattr(locked, field, "" if value is None and field in ("progress_status", "perspective") else value)
        if locked.progress_status not in PROGRESS_WITH_DATE:
            locked.progress_since = None
        errors: Errors = {}
        if locked.period_start and locked.period_end and locked.period_end < locked.period_start:
            add_error(errors, "period_end", _("La fin de la période doit venir après son début : corrigez les dates."))
        lines = count_lines(locked.short_description)
        if lines > SHORT_DESCRIPTION_MAX_LINES:
            add_error(
                errors,
                "short_description",
                _(
                    "Le descriptif synthétique tient en %(max)s lignes au plus ; il en compte %(count)s : "
                    "raccourcissez-le."
                )
                % {"max": SHORT_DESCRIPTION_MAX_LINES, "count": lines},
            )
        return errors

    return save_fields(user=user, bilan=bilan, fields=fields, apply=apply, also_copied=("progress_since",))


def save_cvs_progress(*, user, bilan: CvsBilan, data: dict, objectives: list[dict]) -> list[CvsObjective]:
    """The "progress and objectives" section: the objectives and the progress fields, saved together or not at all."""
    with transaction.atomic():
        rows = save_cvs_objectives(user=user, bilan=bilan, objectives=objectives)
        save_cvs_bilan(user=user, bilan=bilan, data=data)
    return rows


def save_cvs_coordination(*, user, bilan: CvsBilan, data: dict, partners: list[dict]) -> list[CvsPartner]:
    """The "coordination and partners" section: the partners and the coordination fields, together or not at all."""
    with transaction.atomic():
        rows = save_cvs_partners(user=user, bilan=bilan, partners=partners)
        save_cvs_bilan(user=user, bilan=bilan, data=data)
    return rows
