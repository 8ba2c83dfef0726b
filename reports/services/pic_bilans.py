"""The micro-project bilan (PIC, FPH, fifty-fifty): start, save, expenses, submission."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import ExpenseCategory
from applications.models import Application, BudgetLine
from core.services import record_audit
from core.templatetags.portal_format import format_money
from core.validation import Errors, add_error, copy_fields, full_clean_into, raise_if
from reports.locks import lock_application, lock_bilan
from reports.models import PIC_FIELDS, Bilan, BilanAttachment, BilanExpense
from reports.services.checks import amount_or, check_can_start, check_editable, check_holder, clean_value, lines_error
from reports.services.transitions import file_bilan

MAX_EXPENSE_LINES = 40


def start_bilan(*, user, application: Application) -> Bilan:
    """Open the bilan of a granted request (PIC, FPH, fifty-fifty), prefilled from the request.

    The objective and dates are copied, and each expense line of the provisional budget becomes a line
    of the bilan with its planned amount. Starting twice returns the bilan already started.
    """
    check_can_start(user=user, application=application, cvs=False)
    with transaction.atomic():
        locked = lock_application(application)
        existing = Bilan.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        check_can_start(user=user, application=locked, cvs=False)
        bilan = Bilan(
            application=locked,
            created_by=user,
            main_objective=locked.objectives,
            held_from=locked.starts_at,
            held_until=locked.ends_at,
        )
        bilan.full_clean()
        bilan.save()
        budget = locked.budget_lines.filter(side=BudgetLine.Side.EXPENSE).order_by("position", "pk")
        expenses = [
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
        for expense in expenses:
            expense.full_clean()
        BilanExpense.objects.bulk_create(expenses)
        record_audit(
            actor=user,
            action="bilan.start",
            target=bilan,
            summary=locked.display_reference,
            data={"application": locked.pk, "expense_lines": len(expenses)},
        )
    return bilan


def save_bilan(*, user, bilan: Bilan, data: dict) -> Bilan:
    """Save some of the bilan's fields (a section's cleaned_data); the bilan stays a draft."""
    check_holder(user, bilan.application)
    fields = [field for field in PIC_FIELDS if field in data]
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        for field in fields:
            setattr(locked, field, clean_value(data[field]))
        errors: Errors = {}
        if locked.held_from and locked.held_until and locked.held_until < locked.held_from:
            add_error(errors, "held_until", _("La fin de l'action doit venir après son début : corrigez les dates."))
        full_clean_into(locked, errors)
        raise_if(errors)
        locked.save()
        record_audit(actor=user, action="bilan.save", target=locked, data={"fields": fields})
    copy_fields(bilan, locked, (*fields, "updated_at"))
    return locked


def save_bilan_expenses(*, user, bilan: Bilan, lines: list[dict]) -> list[BilanExpense]:
    """Replace the expense lines: {category, label, planned_amount (0 if new), actual_amount}."""
    check_holder(user, bilan.application)
    errors: Errors = {}
    if len(lines) > MAX_EXPENSE_LINES:
        add_error(
            errors,
            "lines",
            _("Un bilan compte au plus %(max)s lignes de dépense : regroupez des dépenses proches.")
            % {"max": MAX_EXPENSE_LINES},
        )
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        expenses = []
        for number, line in enumerate(lines, start=1):
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
                continue
            if not expense.label:
                lines_error(errors, number, _("écrivez ce qui a été acheté ou payé."))
                continue
            try:
                expense.full_clean(exclude=["bilan"])
            except ValidationError as error:
                for message in error.messages:
                    lines_error(errors, number, message)
                continue
            expenses.append(expense)
        raise_if(errors)
        locked.expenses.all().delete()
        BilanExpense.objects.bulk_create(expenses)
        locked.save(update_fields=["updated_at"])
        record_audit(actor=user, action="bilan.save_expenses", target=locked, data={"lines": len(expenses)})
    return list(locked.expenses.all())


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
    check_holder(user, bilan.application)
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        raise_if(pic_submission_errors(bilan=locked))
        file_bilan(user=user, bilan=locked)
    copy_fields(bilan, locked, ("status", "submitted_at", "updated_at"))
    return locked
