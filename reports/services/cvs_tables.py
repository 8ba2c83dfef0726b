"""The CVS bilan's tables: operational objectives, partners and the budget."""

from decimal import Decimal

from django.utils.translation import gettext as _

from applications.budget import ExpenseCategory, ResourceCategory
from core.validation import Errors, add_error, raise_if
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
from reports.services.checks import amount_or, check_holder, clean_value, lines_error
from reports.services.frames import add_row_messages, replace_rows, row_messages

MAX_PARTNERS = 20


MAX_CVS_BUDGET_LINES = 100


def too_many_objectives(count: int) -> str:
    return _(
        "Indiquez %(max)s objectifs opérationnels au plus (vous en avez saisi %(count)s) : gardez les principaux "
        "ou regroupez-les."
    ) % {"max": MAX_OBJECTIVES, "count": count}


def save_cvs_objectives(*, user, bilan: CvsBilan, objectives: list[dict]) -> list[CvsObjective]:
    """Replace the operational objectives: {objective, indicators, result, comments}, at most 5."""
    check_holder(user, bilan.application)
    errors: Errors = {}
    if len(objectives) > MAX_OBJECTIVES:
        add_error(errors, "objectives", too_many_objectives(len(objectives)))
    raise_if(errors)

    def build(locked: CvsBilan, errors: Errors) -> list[CvsObjective]:
        rows = []
        for number, data in enumerate(objectives, start=1):
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
                continue
            label = _("Objectif %(number)s : %(message)s")
            add_row_messages(errors, "objectives", label, number=number, row=row, validate_unique=False)
            rows.append(row)
        return rows

    return replace_rows(
        user=user,
        bilan=bilan,
        errors=errors,
        model=CvsObjective,
        related="objectives",
        build=build,
        action="cvsbilan.save_objectives",
        count_key="objectives",
    )


def save_cvs_partners(*, user, bilan: CvsBilan, partners: list[dict]) -> list[CvsPartner]:
    """Replace the partners table: {actor, is_new_partner, role, when_associated, satisfied, room_for_progress}."""
    check_holder(user, bilan.application)
    errors: Errors = {}
    if len(partners) > MAX_PARTNERS:
        add_error(
            errors,
            "partners",
            _("Indiquez %(max)s partenaires au plus : gardez les principaux.") % {"max": MAX_PARTNERS},
        )
    raise_if(errors)

    def build(locked: CvsBilan, errors: Errors) -> list[CvsPartner]:
        rows = []
        for number, data in enumerate(partners, start=1):
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
                continue
            add_row_messages(errors, "partners", _("Partenaire %(number)s : %(message)s"), number=number, row=row)
            rows.append(row)
        return rows

    return replace_rows(
        user=user,
        bilan=bilan,
        errors=errors,
        model=CvsPartner,
        related="partners",
        build=build,
        action="cvsbilan.save_partners",
        count_key="partners",
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
    check_holder(user, bilan.application)
    errors: Errors = {}
    if len(lines) > MAX_CVS_BUDGET_LINES:
        add_error(
            errors,
            "lines",
            _("Le tableau compte au plus %(max)s lignes : regroupez des postes proches.")
            % {"max": MAX_CVS_BUDGET_LINES},
        )
    raise_if(errors)

    def build(locked: CvsBilan, errors: Errors) -> list[CvsBudgetLine]:
        rows = []
        for number, data in enumerate(lines, start=1):
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
                continue
            for message in row_messages(row):
                lines_error(errors, number, message)
            rows.append(row)
        return rows

    return replace_rows(
        user=user,
        bilan=bilan,
        errors=errors,
        model=CvsBudgetLine,
        related="budget_lines",
        build=build,
        action="cvsbilan.save_budget",
        count_key="lines",
    )
