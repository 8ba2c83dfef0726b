"""The CVS bilan's budget table (annex 3): totals, accounts, sections, in the annex's order."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from applications.budget import ExpenseCategory, ResourceCategory
from core.money import ZERO
from reports.models import CVS_ITEM_ACCOUNTS, IN_KIND_ACCOUNTS, BudgetSide, CvsBilan, CvsBudgetLine


@dataclass(frozen=True)
class CvsBudgetTotals:
    planned_charges: Decimal = ZERO  # I + II: direct and indirect charges
    planned_resources: Decimal = ZERO
    planned_charges_in_kind: Decimal = ZERO  # 86
    planned_resources_in_kind: Decimal = ZERO  # 87
    realised_charges: Decimal = ZERO
    realised_resources: Decimal = ZERO
    realised_charges_in_kind: Decimal = ZERO
    realised_resources_in_kind: Decimal = ZERO

    @property
    def planned_charges_total(self) -> Decimal:
        return self.planned_charges + self.planned_charges_in_kind

    @property
    def planned_resources_total(self) -> Decimal:
        return self.planned_resources + self.planned_resources_in_kind

    @property
    def realised_charges_total(self) -> Decimal:
        return self.realised_charges + self.realised_charges_in_kind

    @property
    def realised_resources_total(self) -> Decimal:
        return self.realised_resources + self.realised_resources_in_kind

    @property
    def planned_balanced(self) -> bool:
        return (
            self.planned_charges == self.planned_resources
            and self.planned_charges_in_kind == self.planned_resources_in_kind
        )

    @property
    def realised_balanced(self) -> bool:
        return (
            self.realised_charges == self.realised_resources
            and self.realised_charges_in_kind == self.realised_resources_in_kind
        )


def _in_kind_q() -> Q:
    q = Q(pk__in=[])
    for side, account in IN_KIND_ACCOUNTS:
        q |= Q(side=side, account=account)
    return q


def cvs_budget_totals(*, bilan: CvsBilan) -> CvsBudgetTotals:
    """Totals of the annex 3 table, planned and realised, with contributions in kind apart (one query)."""
    in_kind = _in_kind_q()
    sums = {}
    for column in ("planned", "realised"):
        for side, name in ((BudgetSide.CHARGE, "charges"), (BudgetSide.RESOURCE, "resources")):
            sums[f"{column}_{name}"] = Sum(f"{column}_amount", filter=Q(side=side) & ~in_kind)
            sums[f"{column}_{name}_in_kind"] = Sum(f"{column}_amount", filter=Q(side=side) & in_kind)
    totals = CvsBudgetLine.objects.filter(bilan=bilan).aggregate(**sums)
    return CvsBudgetTotals(**{key: value or ZERO for key, value in totals.items()})


@dataclass
class AccountGroup:
    side: str
    account: str
    label: str
    planned: Decimal = ZERO
    realised: Decimal = ZERO
    lines: list[CvsBudgetLine] = field(default_factory=list)


@dataclass
class BudgetSection:
    """Part I (direct) or II (indirect) of one side of the table, with its subtotal."""

    groups: list[AccountGroup]

    @property
    def planned(self) -> Decimal:
        return sum((group.planned for group in self.groups), ZERO)

    @property
    def realised(self) -> Decimal:
        return sum((group.realised for group in self.groups), ZERO)


@dataclass
class CvsBudgetTable:
    charges_direct: BudgetSection  # I. 60 to 68
    charges_indirect: AccountGroup  # II.
    charges_in_kind: AccountGroup  # 86
    resources_direct: BudgetSection  # I. 70 to 78
    resources_indirect: AccountGroup  # II.
    resources_in_kind: AccountGroup  # 87
    totals: CvsBudgetTotals


INDIRECT = ExpenseCategory.INDIRECT.value  # the same code on both sides


CHARGE_DIRECT_ORDER = [c.value for c in ExpenseCategory if c not in (ExpenseCategory.IN_KIND, ExpenseCategory.INDIRECT)]


RESOURCE_DIRECT_ORDER = [
    c.value for c in ResourceCategory if c not in (ResourceCategory.IN_KIND, ResourceCategory.INDIRECT)
]


ITEM_ORDER = list(CVS_ITEM_ACCOUNTS)


def _line_order(line: CvsBudgetLine) -> tuple[int, int, int]:
    return (ITEM_ORDER.index(line.item) if line.item else -1, line.position, line.pk or 0)


def cvs_budget_table(*, bilan: CvsBilan) -> CvsBudgetTable:
    """The annex 3 budget table: every account with its lines and subtotals, in the annex's order (two queries)."""
    groups: dict[tuple[str, str], AccountGroup] = {}
    for category in ExpenseCategory:
        groups[(BudgetSide.CHARGE, category.value)] = AccountGroup(BudgetSide.CHARGE, category.value, category.label)
    for category in ResourceCategory:
        groups[(BudgetSide.RESOURCE, category.value)] = AccountGroup(
            BudgetSide.RESOURCE, category.value, category.label
        )
    for line in sorted(CvsBudgetLine.objects.filter(bilan=bilan), key=_line_order):
        group = groups[(line.side, line.account)]
        group.lines.append(line)
        group.planned += line.planned_amount
        group.realised += line.realised_amount
    charge, resource = BudgetSide.CHARGE, BudgetSide.RESOURCE
    return CvsBudgetTable(
        charges_direct=BudgetSection([groups[(charge, account)] for account in CHARGE_DIRECT_ORDER]),
        charges_indirect=groups[(charge, INDIRECT)],
        charges_in_kind=groups[(charge, ExpenseCategory.IN_KIND.value)],
        resources_direct=BudgetSection([groups[(resource, account)] for account in RESOURCE_DIRECT_ORDER]),
        resources_indirect=groups[(resource, INDIRECT)],
        resources_in_kind=groups[(resource, ResourceCategory.IN_KIND.value)],
        totals=cvs_budget_totals(bilan=bilan),
    )
