"""Reads about bilans: due dates, who is late, money, the CVS budget table, the effects statistics.

`from reports import selectors; selectors.bilan_due_date(...)` keeps working: the public names are re-exported.
"""

from reports.selectors.bilans import (  # noqa: F401
    FAR_FROM_PLANNED_DAYS,
    bilan_date_warnings,
    bilan_due_date,
    bilan_is_accepted,
    bilan_model,
    bilan_of,
    uses_cvs_bilan,
)
from reports.selectors.cvs_budget import (  # noqa: F401
    CHARGE_DIRECT_ORDER,
    INDIRECT,
    ITEM_ORDER,
    RESOURCE_DIRECT_ORDER,
    AccountGroup,
    BudgetSection,
    CvsBudgetTable,
    CvsBudgetTotals,
    cvs_budget_table,
    cvs_budget_totals,
)
from reports.selectors.details import (  # noqa: F401
    ObservedEffect,
    cvs_bilan_detail,
    cvs_bilan_for_display,
    fund_funders,
    observed_effects,
    pic_bilan_detail,
    pic_bilan_for_display,
)
from reports.selectors.money import BilanMoney, balance_due, bilan_money, granted_amount  # noqa: F401
from reports.selectors.reminders import ReminderToSend, reminder_kind_for, reminders_to_send  # noqa: F401
from reports.selectors.staff_tracking import (  # noqa: F401
    bilans_for_staff,
    in_state,
    staff_bilan_queryset,
    state_counts,
    state_of,
    tracked,
    with_contact,
    with_rows,
)
from reports.selectors.statistics import effect_statistics  # noqa: F401
from reports.selectors.todo import TodoItem, TodoKind, holder_todo, todo_queryset  # noqa: F401, E402
from reports.selectors.tracking import (  # noqa: F401
    TRACKING_ORDER,
    TrackedBilan,
    TrackingState,
    bilans_for_holder,
    holder_has_bilans,
    holder_has_overdue_bilan,
    overdue_bilan_message,
    tracking_state,
)
