"""The CVS bilan's tables: operational objectives, partners and the budget."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import ExpenseCategory, ResourceCategory
from core.validation import Errors, add_error
from reports.models import (
    COMMUNE_ITEMS,
    CVS_ITEM_ACCOUNTS,
    MAX_OBJECTIVES,
    BudgetSide,
    CvsBilan,
    CvsBudgetLine,
    CvsObjective,
    CvsPartner,
)
from reports.services.checks import amount_or, clean_value, lines_error
from reports.services.frames import add_row_messages, replace_rows, row_messages

MAX_PARTNERS = 20


MAX_CVS_BUDGET_LINES = 100


TOO_MANY_OBJECTIVES = gettext_lazy(
    "Indiquez %(max)s objectifs opérationnels au plus (vous en avez saisi %(count)s) : gardez les principaux "
    "ou regroupez-les."
)


def too_many_objectives(count: int) -> str:
    return TOO_MANY_OBJECTIVES % {"max": MAX_OBJECTIVES, "count": count}


def save_cvs_objectives(*, user, bilan: CvsBilan, objectives: list[dict]) -> list[CvsObjective]:
    """Replace the operational objectives: {objective, indicators, result, comments}, at most 5."""

    def make_row(locked: CvsBilan, number: int, data: dict, errors: Errors) -> CvsObjective | None:
        row = CvsObjective(
            bilan=locked,
            position=number,
            objective=clean_value(data.get("objective") or ""),
            indicators=clean_value(data.get("indicators") or ""),
            result=clean_value(data.get("result") or ""),
            comments=clean_value(data.get("comments") or ""),
        )
        if not (row.objective and row.indicators and row.result):
            add_error(
                errors,
                "objectives",
                _("Objectif %(number)s : écrivez l'objectif, ses indicateurs de suivi et son résultat.")
                % {"number": number},
            )
            return None
        label = _("Objectif %(number)s : %(message)s")
        add_row_messages(errors, "objectives", label, number=number, row=row, validate_unique=False)
        return row

    return replace_rows(
        user=user,
        bilan=bilan,
        rows=objectives,
        most=MAX_OBJECTIVES,
        too_many=TOO_MANY_OBJECTIVES,
        field="objectives",
        make_row=make_row,
        model=CvsObjective,
        related="objectives",
        action="cvsbilan.save_objectives",
    )


def save_cvs_partners(*, user, bilan: CvsBilan, partners: list[dict]) -> list[CvsPartner]:
    """Replace the partners table: {actor, is_new_partner, role, when_associated, satisfied, room_for_progress}."""

    def make_row(locked: CvsBilan, number: int, data: dict, errors: Errors) -> CvsPartner | None:
        row = CvsPartner(
            bilan=locked,
            position=number,
            actor=clean_value(data.get("actor") or ""),
            is_new_partner=bool(data.get("is_new_partner")),
            role=clean_value(data.get("role") or ""),
            when_associated=clean_value(data.get("when_associated") or ""),
            satisfied=data.get("satisfied"),
            room_for_progress=clean_value(data.get("room_for_progress") or ""),
        )
        if not row.actor or not row.role:
            add_error(
                errors,
                "partners",
                _("Partenaire %(number)s : indiquez qui est ce partenaire et son rôle dans le projet.")
                % {"number": number},
            )
            return None
        add_row_messages(errors, "partners", _("Partenaire %(number)s : %(message)s"), number=number, row=row)
        return row

    return replace_rows(
        user=user,
        bilan=bilan,
        rows=partners,
        most=MAX_PARTNERS,
        too_many=_("Indiquez %(max)s partenaires au plus : gardez les principaux."),
        field="partners",
        make_row=make_row,
        model=CvsPartner,
        related="partners",
        action="cvsbilan.save_partners",
    )


def check_budget_line(line: CvsBudgetLine, number: int, errors: Errors) -> bool:
    """Whether the line's side, account and sub-line agree; adds French errors otherwise."""
    side_accounts = {
        BudgetSide.CHARGE: ExpenseCategory.values,
        BudgetSide.RESOURCE: ResourceCategory.values,
    }
    if line.side not in side_accounts:
        lines_error(errors, number, _("indiquez s'il s'agit d'une charge ou d'un produit."))
        return False
    if line.account not in side_accounts[line.side]:
        lines_error(errors, number, _("choisissez le compte dans la liste."))
        return False
    if line.item and CVS_ITEM_ACCOUNTS.get(line.item) != (line.side, line.account):
        lines_error(errors, number, _("ce poste n'appartient pas au compte choisi : choisissez-le à nouveau."))
        return False
    return True


def save_cvs_budget(*, user, bilan: CvsBilan, lines: list[dict]) -> list[CvsBudgetLine]:
    """Replace the budget table: {side, account, item, commune_name, label, planned_amount, realised_amount}.

    Whether it balances is checked at submission, so a budget in progress can be saved.
    """

    def make_row(locked: CvsBilan, number: int, data: dict, errors: Errors) -> CvsBudgetLine | None:
        item = data.get("item") or ""
        row = CvsBudgetLine(
            bilan=locked,
            side=data.get("side") or "",
            account=data.get("account") or "",
            item=item,
            commune_name=clean_value(data.get("commune_name") or "") if item in COMMUNE_ITEMS else "",
            label=clean_value(data.get("label") or ""),
            planned_amount=amount_or(data.get("planned_amount"), Decimal("0")),
            realised_amount=amount_or(data.get("realised_amount"), Decimal("0")),
            position=number,
        )
        if not check_budget_line(row, number, errors):
            return None
        for message in row_messages(row):
            lines_error(errors, number, message)
        return row

    return replace_rows(
        user=user,
        bilan=bilan,
        rows=lines,
        most=MAX_CVS_BUDGET_LINES,
        too_many=_("Le tableau compte au plus %(max)s lignes : regroupez des postes proches."),
        field="lines",
        make_row=make_row,
        model=CvsBudgetLine,
        related="budget_lines",
        action="cvsbilan.save_budget",
    )
