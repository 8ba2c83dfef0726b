"""The draft's provisional budget: the amount asked and every budget line, replaced all or nothing."""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications import rules
from applications.locks import lock_application
from applications.models import Application, BudgetLine
from applications.services.guards import check_editable, check_version
from core.services import record_audit
from core.validation import Errors, copy_fields, merge_errors, raise_if


def _line_errors(line: BudgetLine) -> dict:
    """The rules' words first; the model's own validation only when the rules found nothing."""
    errors = rules.check_budget_line(
        side=line.side, category=line.category, grant_source=line.grant_source, label=line.label, amount=line.amount
    )
    if not errors:
        try:
            line.full_clean()
        except ValidationError as error:
            errors = error.message_dict
    return errors


def _build_lines(*, application: Application, lines: list[dict], errors: Errors) -> list[BudgetLine]:
    """The new lines, numbered by side; each refused line adds « Ligne n (« label ») : … » to `errors`."""
    new_lines: list[BudgetLine] = []
    positions = {BudgetLine.Side.EXPENSE: 0, BudgetLine.Side.RESOURCE: 0}
    for index, data in enumerate(lines, start=1):
        side = data.get("side", "")
        line = BudgetLine(
            application=application,
            side=side,
            category=data.get("category", ""),
            grant_source=data.get("grant_source") or "",
            label=(data.get("label") or "").strip(),
            amount=data.get("amount"),
            position=positions.get(side, 0),
        )
        if side in positions:
            positions[side] += 1
        for messages in _line_errors(line).values():
            for message in messages:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    _("Ligne %(number)s (« %(label)s ») : %(message)s")
                    % {"number": index, "label": line.label or "—", "message": message}
                )
        new_lines.append(line)
    return new_lines


def _too_many_lines(lines: list[dict]) -> Errors:
    if len(lines) <= rules.MAX_BUDGET_LINES:
        return {}
    return {
        NON_FIELD_ERRORS: [
            _("Un budget compte au plus %(max)s lignes : regroupez des dépenses proches.")
            % {"max": rules.MAX_BUDGET_LINES}
        ]
    }


def save_budget(
    *,
    user,
    application: Application,
    amount_requested: Decimal | None,
    lines: list[dict],
    expected_version: int | None = None,
) -> Application:
    """Replace the provisional budget (all lines) and the amount asked, all or nothing.

    Whether the budget balances is checked at submission, so a holder can save a budget in progress.
    """
    check_editable(user=user, application=application)
    errors = _too_many_lines(lines)
    with transaction.atomic():
        locked = lock_application(application)
        check_editable(user=user, application=locked)
        check_version(locked, expected_version)
        merge_errors(
            errors, rules.check_amount(fund=locked.fund, user=user, amount=amount_requested, application=locked)
        )
        new_lines = _build_lines(application=locked, lines=lines, errors=errors)
        locked.amount_requested = amount_requested
        if not errors:
            try:
                locked.full_clean()
            except ValidationError as error:
                merge_errors(errors, error.message_dict)
        raise_if(errors)
        locked.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(new_lines)
        locked.version += 1
        locked.last_step = Application.Step.BUDGET
        locked.save()
        record_audit(
            actor=user,
            action="application.save_budget",
            target=locked,
            summary=str(amount_requested),
            data={"amount_requested": str(amount_requested), "lines": len(new_lines), "version": locked.version},
        )
    copy_fields(application, locked, ("amount_requested", "version", "last_step", "updated_at"))
    return locked
