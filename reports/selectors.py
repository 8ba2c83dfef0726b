"""Reads about bilans: due dates, who is late, money, the CVS budget table, the effects statistics.

Other apps call `bilan_is_accepted()` (committees: the balance is paid once the bilan is accepted)
and `holder_has_overdue_bilan()` / `overdue_bilan_message()` (applications: funds that block new
requests while a bilan is overdue, see `Fund.block_requests_if_bilan_overdue`).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import ExpenseCategory, ResourceCategory
from applications.models import Application
from applications.workflow import Status
from core.money import ZERO
from core.validation import french_day
from funds.models import Fund
from reports.models import (
    CVS_ITEM_ACCOUNTS,
    EFFECT_LEVELS,
    EFFECT_QUESTIONS,
    IN_KIND_ACCOUNTS,
    PUBLIC_FIELDS,
    REMINDER_OFFSETS,
    Bilan,
    BilanStatus,
    BudgetSide,
    CvsBilan,
    CvsBudgetLine,
    Effect,
    EffectChange,
    EffectLevel,
    EffectObservation,
    ObservedChange,
    ObservedPublic,
)
from reports.workflow import FILED_STATUSES, OWING_STATUSES


def uses_cvs_bilan(application: Application) -> bool:
    """CVS funds use the annex 3 bilan; PIC, FPH and fifty-fifty funds the micro-project bilan."""
    return application.fund.scheme == Fund.Scheme.CVS


def bilan_model(application: Application) -> type[Bilan] | type[CvsBilan]:
    return CvsBilan if uses_cvs_bilan(application) else Bilan


def bilan_of(application: Application) -> Bilan | CvsBilan | None:
    """The application's bilan of the fund's kind, or None if the holder has not started it."""
    return bilan_model(application).objects.filter(application=application).first()


def bilan_due_date(application: Application) -> datetime.date | None:
    """The day the bilan is due: the project's last day (Paris time) + the fund's `bilan_due_days`."""
    if application.ends_at is None:
        return None
    last_day = timezone.localtime(application.ends_at).date()
    return last_day + datetime.timedelta(days=application.fund.bilan_due_days)


def bilan_is_accepted(application: Application) -> bool:
    """True once the association's staff accepted the bilan (PIC or CVS): the balance may then be paid."""
    return (
        Bilan.objects.filter(application_id=application.pk, status=BilanStatus.ACCEPTED).exists()
        or CvsBilan.objects.filter(application_id=application.pk, status=BilanStatus.ACCEPTED).exists()
    )


# --- Who is late --------------------------------------------------------------------------------------


def _overdue_for_holder(*, user, today: datetime.date) -> list[tuple[Application, datetime.date]]:
    if not user.is_authenticated:
        return []
    applications = Application.objects.filter(
        created_by=user, status__in=OWING_STATUSES, ends_at__isnull=False
    ).select_related("fund")
    late = []
    for application in applications:
        due = bilan_due_date(application)
        if due is not None and due < today:
            late.append((application, due))
    return sorted(late, key=lambda pair: pair[1])


def holder_has_overdue_bilan(*, user, today: datetime.date) -> bool:
    """Whether one of the user's granted requests (in any fund) has a bilan past its due date."""
    return bool(_overdue_for_holder(user=user, today=today))


def overdue_bilan_message(*, user, today: datetime.date) -> str:
    """The French message shown when a fund refuses a new request because a bilan is late ("" if none)."""
    late = _overdue_for_holder(user=user, today=today)
    if not late:
        return ""
    application, due = late[0]
    return _(
        "Le bilan de votre projet « %(title)s » (demande %(reference)s) était attendu le %(due)s. Ce fonds "
        "n'accepte pas de nouvelle demande tant qu'un bilan est en retard : déposez d'abord ce bilan depuis "
        "« Mes demandes »."
    ) % {"title": application.title, "reference": application.display_reference, "due": french_day(due)}


class TrackingState(models.TextChoices):
    OVERDUE = "overdue", gettext_lazy("En retard")
    TO_REVIEW = "to_review", gettext_lazy("Reçu, à étudier")
    RETURNED = "returned", gettext_lazy("Renvoyé au porteur")
    UPCOMING = "upcoming", gettext_lazy("Attendu")
    ACCEPTED = "accepted", gettext_lazy("Accepté")


TRACKING_ORDER = [
    TrackingState.OVERDUE,
    TrackingState.TO_REVIEW,
    TrackingState.RETURNED,
    TrackingState.UPCOMING,
    TrackingState.ACCEPTED,
]


@dataclass(frozen=True)
class TrackedBilan:
    application: Application
    bilan: Bilan | CvsBilan | None
    due_date: datetime.date | None
    state: str
    days_late: int

    @property
    def state_label(self) -> str:
        return TrackingState(self.state).label


def _attached_bilan(application: Application) -> Bilan | CvsBilan | None:
    name = "cvs_bilan" if application.fund.scheme == Fund.Scheme.CVS else "bilan"
    return getattr(application, name, None)


def tracking_state(
    *, application: Application, bilan: Bilan | CvsBilan | None, due: datetime.date | None, today: datetime.date
) -> str:
    if application.status in OWING_STATUSES:
        if bilan is not None and bilan.status == BilanStatus.RETURNED:
            return TrackingState.RETURNED
        return TrackingState.OVERDUE if due is not None and due < today else TrackingState.UPCOMING
    if bilan is not None and bilan.status == BilanStatus.ACCEPTED:
        return TrackingState.ACCEPTED
    return TrackingState.TO_REVIEW


def bilans_for_staff(*, user, today: datetime.date, fund: Fund | None = None) -> list[TrackedBilan]:
    """Expected, late, returned, received and accepted bilans of the funds the user's association runs.

    Late ones first, then those to study; one query.
    """
    applications = (
        Application.objects.managed_by(user)
        .filter(status__in=(*OWING_STATUSES, *FILED_STATUSES))
        .select_related("fund__association", "holder", "created_by", "bilan", "cvs_bilan")
        .order_by("ends_at", "pk")
    )
    if fund is not None:
        applications = applications.filter(fund=fund)
    rows = []
    for application in applications:
        bilan = _attached_bilan(application)
        due = bilan_due_date(application)
        state = tracking_state(application=application, bilan=bilan, due=due, today=today)
        days_late = (today - due).days if state == TrackingState.OVERDUE else 0
        rows.append(TrackedBilan(application, bilan, due, state, days_late))
    rows.sort(key=lambda row: (TRACKING_ORDER.index(row.state), row.due_date or datetime.date.max))
    return rows


def _holder_bilan_applications(user) -> QuerySet[Application]:
    """The user's requests that owe, or once filed, a bilan."""
    return Application.objects.filter(created_by=user).filter(
        Q(status__in=(*OWING_STATUSES, *FILED_STATUSES))
        | (Q(status=Status.CLOSED) & (Q(bilan__isnull=False) | Q(cvs_bilan__isnull=False)))
    )


def holder_has_bilans(*, user) -> bool:
    """Whether "Mes bilans" has something to show the user (one query)."""
    return user.is_authenticated and _holder_bilan_applications(user).exists()


def bilans_for_holder(*, user, today: datetime.date) -> list[TrackedBilan]:
    """The user's granted requests and where their bilans stand: late ones first (one query)."""
    if not user.is_authenticated:
        return []
    applications = (
        _holder_bilan_applications(user)
        .select_related("fund__association", "bilan", "cvs_bilan")
        .order_by("ends_at", "pk")
    )
    rows = []
    for application in applications:
        bilan = _attached_bilan(application)
        due = bilan_due_date(application)
        state = tracking_state(application=application, bilan=bilan, due=due, today=today)
        rows.append(TrackedBilan(application, bilan, due, state, (today - due).days if state == "overdue" else 0))
    rows.sort(key=lambda row: (TRACKING_ORDER.index(row.state), row.due_date or datetime.date.max))
    return rows


# --- Reminders ------------------------------------------------------------------------------------------


def reminder_kind_for(*, due_date: datetime.date, today: datetime.date, sent_kinds: set[str]) -> str | None:
    """The one reminder to send today, if any.

    It is the latest reminder whose day has come (a run missed on that day catches up later), unless it,
    or a later one, was already sent. Earlier reminders passed over are never sent afterwards.
    """
    order = list(REMINDER_OFFSETS)
    passed = [kind for kind in order if due_date + datetime.timedelta(days=REMINDER_OFFSETS[kind]) <= today]
    if not passed:
        return None
    latest = passed[-1]
    if any(kind in sent_kinds for kind in order[order.index(latest) :]):
        return None
    return latest


@dataclass(frozen=True)
class ReminderToSend:
    application: Application
    kind: str
    due_date: datetime.date


def reminders_to_send(*, today: datetime.date) -> list[ReminderToSend]:
    """Reminders due today for requests whose bilan is still expected (two queries)."""
    earliest_offset = min(REMINDER_OFFSETS.values())  # -7: the first reminder comes before the due date
    # Due dates are at least the project's last day, so the last day is at most today + 7.
    horizon = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1 - earliest_offset), datetime.time.min)
    )
    applications = (
        Application.objects.filter(status__in=OWING_STATUSES, ends_at__isnull=False, ends_at__lt=horizon)
        .select_related("fund__association", "created_by")
        .prefetch_related("bilan_reminders")
        .order_by("pk")
    )
    to_send = []
    for application in applications:
        due = bilan_due_date(application)
        sent = {reminder.kind for reminder in application.bilan_reminders.all()}
        kind = reminder_kind_for(due_date=due, today=today, sent_kinds=sent)
        if kind is not None:
            to_send.append(ReminderToSend(application, kind, due))
    return to_send


# --- Money of the PIC bilan -------------------------------------------------------------------------------


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


# --- The CVS budget table ---------------------------------------------------------------------------------


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


# --- Details for pages and PDFs -------------------------------------------------------------------------


def pic_bilan_for_display(*, pk: int) -> Bilan:
    return Bilan.objects.select_related(
        "application__fund__association", "application__holder", "application__theme", "application__created_by"
    ).get(pk=pk)


def cvs_bilan_for_display(*, pk: int) -> CvsBilan:
    return CvsBilan.objects.select_related(
        "application__fund__association", "application__holder", "application__ambition", "application__created_by"
    ).get(pk=pk)


def fund_funders(*, fund: Fund) -> list[str]:
    """The co-funders' names, the largest contribution first."""
    return list(fund.cofunders.order_by("-amount", "funder__name").values_list("funder__name", flat=True))


@dataclass(frozen=True)
class ObservedEffect:
    observation: EffectObservation
    level_label: str
    question: str
    publics: list[str]
    changes: list[str]


def observed_effects(*, bilan: Bilan) -> list[ObservedEffect]:
    """The bilan's observed effects in the grid's order, with the labels of their publics and items (two queries)."""
    order = list(Effect.values)
    observations = sorted(bilan.effects.prefetch_related("changes"), key=lambda o: order.index(o.effect))
    change_order = list(ObservedChange.values)
    result = []
    for observation in observations:
        changes = sorted(observation.changes.all(), key=lambda c: change_order.index(c.change))
        result.append(
            ObservedEffect(
                observation=observation,
                level_label=str(EffectLevel(EFFECT_LEVELS[observation.effect]).label),
                question=str(EFFECT_QUESTIONS[observation.effect]) if changes else "",
                publics=[str(ObservedPublic(value).label) for value in observation.publics()],
                changes=[str(change.get_change_display()) for change in changes],
            )
        )
    return result


def pic_bilan_detail(*, bilan: Bilan) -> dict:
    """Everything the bilan page and PDF show, in few queries."""
    application = bilan.application
    attachments = list(bilan.attachments.all())
    return {
        "bilan": bilan,
        "application": application,
        "fund": application.fund,
        "association": application.fund.association,
        "funders": fund_funders(fund=application.fund),
        "expenses": list(bilan.expenses.all()),
        "money": bilan_money(bilan=bilan),
        "effects": observed_effects(bilan=bilan),
        "receipts": [a for a in attachments if a.kind == a.Kind.RECEIPT],
        "photos": [a for a in attachments if a.kind == a.Kind.PHOTO],
        "due_date": bilan_due_date(application),
    }


def cvs_bilan_detail(*, bilan: CvsBilan) -> dict:
    application = bilan.application
    return {
        "bilan": bilan,
        "application": application,
        "fund": application.fund,
        "association": application.fund.association,
        "funders": fund_funders(fund=application.fund),
        "objectives": list(bilan.objectives.all()),
        "partners": list(bilan.partners.all()),
        "budget": cvs_budget_table(bilan=bilan),
        "due_date": bilan_due_date(application),
    }


# --- Statistics -----------------------------------------------------------------------------------------


def effect_statistics(*, bilans: QuerySet[Bilan]) -> dict:
    """How often each effect, each public and each grid item was observed in these bilans (two queries).

    Returns {"effects": {effect: {"observed": n, "neighbours": n, ...}}, "changes": {change: n}}.
    """
    public_counts = {
        public: Count("id", filter=Q(**{field_name: True})) for public, field_name in PUBLIC_FIELDS.items()
    }
    rows = (
        EffectObservation.objects.filter(bilan__in=bilans)
        .values("effect")
        .annotate(observed=Count("id"), **public_counts)
        .order_by("effect")
    )
    changes = (
        EffectChange.objects.filter(observation__bilan__in=bilans)
        .values("change")
        .annotate(count=Count("id"))
        .order_by("change")
    )
    return {
        "effects": {row.pop("effect"): row for row in rows},
        "changes": {row["change"]: row["count"] for row in changes},
    }
