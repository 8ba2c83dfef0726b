"""The micro-project bilan (PIC, FPH, fifty-fifty): start, save, expenses, submission."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import ExpenseCategory
from applications.models import Application, BudgetLine
from core.templatetags.portal_format import format_money
from core.validation import Errors, add_error
from reports.models import PIC_FIELDS, Bilan, BilanAttachment, BilanExpense
from reports.selectors.bilans import bilan_date_warnings
from reports.services.checks import amount_or, clean_value, lines_error
from reports.services.frames import replace_rows, save_fields, start_once
from reports.services.transitions import submit_checked

MAX_EXPENSE_LINES = 40


def start_bilan(*, user, application: Application) -> Bilan:
    """Open the bilan of a granted request (PIC, FPH, fifty-fifty), prefilled from the request.

    The objective and dates are copied, and each expense line of the provisional budget becomes a line
    of the bilan with its planned amount. Starting twice returns the bilan already started.
    """

    def new_bilan(locked: Application) -> Bilan:
        return Bilan(
            application=locked,
            created_by=user,
            main_objective=locked.objectives,
            held_from=locked.starts_at,
            held_until=locked.ends_at,
        )

    def new_lines(bilan: Bilan, locked: Application) -> list[BilanExpense]:
        budget = locked.budget_lines.filter(side=BudgetLine.Side.EXPENSE).order_by("position", "pk")
        return [
            BilanExpense(
                bilan=bilan,
                category=line.category,
                label=line.label,
                planned_amount=line.amount,
                actual_amount=None,
                position=index,
            )
            for index, line in enumerate(budget, start=1)
            if line.category in ExpenseCategory.values
        ]

    return start_once(
        user=user,
        application=application,
        cvs=False,
        new_bilan=new_bilan,
        new_lines=new_lines,
        line_model=BilanExpense,
        count_key="expense_lines",
    )


def save_bilan(*, user, bilan: Bilan, data: dict) -> Bilan:
    """Save some of the bilan's fields (a section's cleaned_data); the bilan stays a draft."""
    fields = [field for field in PIC_FIELDS if field in data]

    def apply(locked: Bilan) -> Errors:
        dates_before = (locked.held_from, locked.held_until)
        for field in fields:
            setattr(locked, field, clean_value(data[field]))
        if (locked.held_from, locked.held_until) != dates_before and "dates_confirmed" not in data:
            locked.dates_confirmed = False  # new dates: a confirmation given for the old ones no longer holds
        errors: Errors = {}
        if locked.held_from and locked.held_until and locked.held_until < locked.held_from:
            add_error(errors, "held_until", _("La fin de l'action doit venir après son début : corrigez les dates."))
        return errors

    return save_fields(user=user, bilan=bilan, fields=fields, apply=apply, also_copied=("dates_confirmed",))


def save_bilan_expenses(*, user, bilan: Bilan, lines: list[dict]) -> list[BilanExpense]:
    """Replace the expense lines: {category, label, planned_amount (0 if new), actual_amount}."""

    def make_row(locked: Bilan, number: int, line: dict, errors: Errors) -> BilanExpense | None:
        expense = BilanExpense(
            bilan=locked,
            category=line.get("category") or "",
            label=clean_value(line.get("label") or ""),
            planned_amount=amount_or(line.get("planned_amount"), Decimal("0")),
            actual_amount=amount_or(line.get("actual_amount")),
            position=number,
        )
        if expense.category not in ExpenseCategory.values:
            lines_error(errors, number, _("choisissez la catégorie de la dépense dans la liste."))
            return None
        if not expense.label:
            lines_error(errors, number, _("écrivez ce qui a été acheté ou payé."))
            return None
        try:
            expense.full_clean(exclude=["bilan"])
        except ValidationError as error:
            for message in error.messages:
                lines_error(errors, number, message)
            return None
        return expense

    return replace_rows(
        user=user,
        bilan=bilan,
        rows=lines,
        most=MAX_EXPENSE_LINES,
        too_many=_("Un bilan compte au plus %(max)s lignes de dépense : regroupez des dépenses proches."),
        field="lines",
        make_row=make_row,
        model=BilanExpense,
        related="expenses",
        action="bilan.save_expenses",
    )


PIC_REQUIRED = {
    "main_objective": gettext_lazy("Écrivez l'objectif principal du projet au regard de sa thématique."),
    "held_from": gettext_lazy("Indiquez la date et l'heure de début de l'action."),
    "held_until": gettext_lazy("Indiquez la date et l'heure de fin de l'action."),
    "proceedings": gettext_lazy("Racontez le déroulement de l'action."),
    "mobilised_women": gettext_lazy(
        "Indiquez combien de femmes ont été mobilisées pour mettre en œuvre l'action (0 si aucune)."
    ),
    "mobilised_men": gettext_lazy(
        "Indiquez combien d'hommes ont été mobilisés pour mettre en œuvre l'action (0 si aucun)."
    ),
    "participant_women": gettext_lazy("Indiquez combien de femmes ont participé ou assisté à l'action (0 si aucune)."),
    "participant_men": gettext_lazy("Indiquez combien d'hommes ont participé ou assisté à l'action (0 si aucun)."),
    "positive_points": gettext_lazy("Écrivez au moins un point positif de l'action."),
    "help_sufficient": gettext_lazy("Dites si l'accompagnement reçu était suffisant : oui ou non."),
    "wants_to_renew": gettext_lazy("Dites si vous souhaitez reconduire votre action : oui ou non."),
}


def pic_submission_errors(*, bilan: Bilan) -> Errors:
    """What still prevents the bilan from being filed, by field, in French (empty when it can be filed)."""
    errors: Errors = {}
    for field, message in PIC_REQUIRED.items():
        if getattr(bilan, field) in (None, ""):
            add_error(errors, field, str(message))
    if not bilan.dates_confirmed and bilan_date_warnings(
        held_from=bilan.held_from, held_until=bilan.held_until, application=bilan.application
    ):
        add_error(
            errors,
            "dates_confirmed",
            _(
                "Les dates de réalisation sont inhabituelles : vérifiez-les dans « L'action », puis corrigez-les "
                "ou cochez « Je confirme ces dates »."
            ),
        )
    expenses = list(bilan.expenses.all())
    if not expenses:
        add_error(errors, "expenses", _("Ajoutez au moins une ligne de dépense, avec le montant réellement dépensé."))
    for number, expense in enumerate(expenses, start=1):
        if expense.actual_amount is None:
            add_error(
                errors,
                "expenses",
                _("Ligne %(number)s (%(label)s) : indiquez le montant réellement dépensé (0 si rien n'a été dépensé).")
                % {"number": number, "label": expense.label},
            )
    spent = sum((e.actual_amount or Decimal("0") for e in expenses), Decimal("0"))
    if spent > 0 and not bilan.attachments.filter(kind=BilanAttachment.Kind.RECEIPT).exists():
        add_error(
            errors,
            "attachments",
            _(
                "Ajoutez au moins un justificatif de dépense (facture, ticket de caisse) : le bilan indique "
                "%(spent)s dépensés."
            )
            % {"spent": format_money(spent)},
        )
    return errors


def submit_bilan(*, user, bilan: Bilan) -> Bilan:
    """File the bilan: the request becomes "bilan reçu" and the association's staff are told by e-mail."""
    return submit_checked(user=user, bilan=bilan, errors_of=pic_submission_errors)
