"""The money of the PIC bilan: granted, planned, spent, and the balance left to pay."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from applications.models import Application
from core.money import ZERO
from reports.models import Bilan


@dataclass(frozen=True)
class BilanMoney:
    granted: Decimal
    planned_total: Decimal
    actual_total: Decimal

    @property
    def unspent(self) -> Decimal:
        """What is left of the grant once the actual expenses are paid (never below 0)."""
        return max(self.granted - self.actual_total, ZERO)

    @property
    def overspent(self) -> Decimal:
        """Expenses above the grant, paid by the project's other resources."""
        return max(self.actual_total - self.granted, ZERO)


def granted_amount(application: Application) -> Decimal:
    """The amount the committee granted (with its amendments), 0 if none."""
    # Imported here: committees reads this module (bilan_is_accepted) and this one reads committees.
    from committees.selectors import granted_amount as committee_granted_amount

    return committee_granted_amount(application=application)


def balance_due(application: Application) -> Decimal:
    """What is left to pay of the grant (granted − paid), never below 0."""
    from committees.selectors import application_paid

    return max(granted_amount(application) - application_paid(application=application), ZERO)


def bilan_money(*, bilan: Bilan) -> BilanMoney:
    totals = bilan.expenses.aggregate(planned=Sum("planned_amount"), actual=Sum("actual_amount"))
    return BilanMoney(
        granted=granted_amount(bilan.application),
        planned_total=totals["planned"] or ZERO,
        actual_total=totals["actual"] or ZERO,
    )
