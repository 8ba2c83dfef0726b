"""Reads about committees, sessions, decisions and money. No writes here: see committees.services.

Amounts granted are *effective* amounts: the decision's amount plus the deltas of its amendments
(a decision is never edited; a correction after the session is an `Amendment`).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.models import Application, Holder
from applications.workflow import Status
from committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeMemberLink,
    CommitteeSession,
    Decision,
    Payment,
    Recusal,
    Vote,
)
from funds.models import Fund, Funder

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_OUTPUT = DecimalField(max_digits=14, decimal_places=2)

# Requests that may be put on an agenda: eligible, or deferred by an earlier session.
AGENDA_SOURCES = (Status.ELIGIBLE, Status.DEFERRED)


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Quorum ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    voting_members: int  # voting members whose mandate covers the session's date
    present_voting: int  # of them, present (membres de droit never count)
    required: int

    @property
    def met(self) -> bool:
        return self.present_voting >= self.required


def voting_members(*, session: CommitteeSession) -> QuerySet[CommitteeMember]:
    return session.committee.members.active_on(session.date).voting()


def session_quorum(*, session: CommitteeSession) -> Quorum:
    committee = session.committee
    members = voting_members(session=session)
    total = members.count()
    present = Attendance.objects.filter(session=session, present=True, member__in=members).count()
    fixed = committee.quorum_kind == Committee.QuorumKind.FIXED
    required = (committee.quorum_fixed or 1) if fixed else total // 2 + 1
    return Quorum(voting_members=total, present_voting=present, required=required)


def eligible_voters(*, item: AgendaItem) -> QuerySet[CommitteeMember]:
    """Voting members present at the session who did not step out of this item's vote."""
    session = item.session
    return (
        voting_members(session=session)
        .filter(attendances__session=session, attendances__present=True)
        .exclude(recusals__item=item)
    )


@dataclass(frozen=True)
class VoteCount:
    votes_for: int
    votes_against: int
    abstentions: int

    @property
    def cast(self) -> int:
        """Votes cast (*suffrages exprimés*): abstentions are not votes cast."""
        return self.votes_for + self.votes_against

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions


def vote_count(*, item: AgendaItem) -> VoteCount:
    counts = Vote.objects.filter(item=item).aggregate(
        votes_for=Count("pk", filter=Q(choice=Vote.Choice.FOR)),
        votes_against=Count("pk", filter=Q(choice=Vote.Choice.AGAINST)),
        abstentions=Count("pk", filter=Q(choice=Vote.Choice.ABSTAIN)),
    )
    return VoteCount(**counts)


def votes_grant(*, committee: Committee, count: VoteCount, eligible: int) -> bool:
    """Whether the votes grant the request under the committee's rule. A tie never grants."""
    if committee.decision_rule == Committee.DecisionRule.ABSOLUTE_MAJORITY:
        return count.votes_for * 2 > eligible
    return count.votes_for > count.votes_against


# --- Agenda ---------------------------------------------------------------------------------------


def filing_deadline(*, session: CommitteeSession) -> datetime.datetime:
    """Requests must be filed before this instant: the end of the day N days before the session (Paris time)."""
    days = session.committee.fund.filing_days_before_committee
    last_day = session.date - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min))


def agenda_candidates(*, session: CommitteeSession) -> QuerySet[Application]:
    """Eligible (or deferred) requests of the fund filed on time, not yet on this session's agenda."""
    return (
        Application.objects.filter(
            fund_id=session.committee.fund_id,
            status__in=AGENDA_SOURCES,
            submitted_at__isnull=False,
            submitted_at__lt=filing_deadline(session=session),
        )
        .exclude(agenda_items__session=session)
        .select_related("holder", "created_by")
        .order_by("submitted_at", "pk")
    )


# --- Money ----------------------------------------------------------------------------------------


def granted_total(*, fund: Fund) -> Decimal:
    """Effective amount granted in the fund: decisions plus their amendments (two aggregates)."""
    decided = Decision.objects.filter(item__session__committee__fund=fund, outcome=Decision.Outcome.GRANTED).aggregate(
        total=Sum("amount_granted")
    )["total"]
    amended = Amendment.objects.filter(decision__item__session__committee__fund=fund).aggregate(
        total=Sum("amount_delta")
    )["total"]
    return _money((decided or ZERO) + (amended or ZERO))


def paid_total(*, fund: Fund) -> Decimal:
    return _money(Payment.objects.filter(application__fund=fund).aggregate(total=Sum("amount"))["total"])


def granted_decision(*, application: Application) -> Decision | None:
    return (
        Decision.objects.filter(item__application=application, outcome=Decision.Outcome.GRANTED)
        .select_related("item__session")
        .first()
    )


def effective_amount(*, decision: Decision) -> Decimal:
    delta = decision.amendments.aggregate(total=Sum("amount_delta"))["total"]
    return _money(decision.amount_granted + (delta or ZERO))


def granted_amount(*, application: Application) -> Decimal:
    """The effective amount granted to a request, 0 if none."""
    decision = granted_decision(application=application)
    return effective_amount(decision=decision) if decision else ZERO


def advance_amount(*, fund: Fund, granted: Decimal) -> Decimal:
    """The advance: the fund's share (e.g. 80 %) of the amount granted, rounded to the cent."""
    return (granted * fund.advance_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def application_paid(*, application: Application) -> Decimal:
    return _money(Payment.objects.filter(application=application).aggregate(total=Sum("amount"))["total"])


@dataclass(frozen=True)
class CofunderMoney:
    funder: Funder
    contribution: Decimal  # the co-funder's part of the envelope
    share_percent: Decimal
    granted: Decimal
    paid: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class FundMoneySummary:
    fund: Fund
    envelope: Decimal
    granted: Decimal
    paid: Decimal
    remaining: Decimal  # envelope not yet granted
    to_pay: Decimal  # granted not yet paid
    by_cofunder: list[CofunderMoney] = field(default_factory=list)


def _split(total: Decimal, weights: list[Decimal], envelope: Decimal) -> list[Decimal]:
    """total * weight / envelope for each weight, in cents; when the weights make the whole envelope,
    the rounding difference goes to the last (smallest) share so the parts add up to the total."""
    if not envelope:
        return [ZERO for _ in weights]
    parts = [(total * weight / envelope).quantize(CENT, rounding=ROUND_HALF_UP) for weight in weights]
    if parts and sum(weights) == envelope:
        parts[-1] += total - sum(parts)
    return parts


def fund_money_summary(*, fund: Fund) -> FundMoneySummary:
    """Envelope, granted, paid and remaining for a fund, and the same split by co-funder share."""
    envelope = _money(fund.envelope)
    granted = granted_total(fund=fund)
    paid = paid_total(fund=fund)
    remaining = envelope - granted
    cofunders = list(fund.cofunders.select_related("funder").order_by("-amount", "funder__name"))
    weights = [cofunder.amount for cofunder in cofunders]
    by_cofunder = [
        CofunderMoney(
            funder=cofunder.funder,
            contribution=_money(cofunder.amount),
            share_percent=(cofunder.amount * 100 / envelope).quantize(CENT, rounding=ROUND_HALF_UP)
            if envelope
            else ZERO,
            granted=share_granted,
            paid=share_paid,
            remaining=share_remaining,
        )
        for cofunder, share_granted, share_paid, share_remaining in zip(
            cofunders,
            _split(granted, weights, envelope),
            _split(paid, weights, envelope),
            _split(remaining, weights, envelope),
            strict=True,
        )
    ]
    return FundMoneySummary(
        fund=fund,
        envelope=envelope,
        granted=granted,
        paid=paid,
        remaining=remaining,
        to_pay=granted - paid,
        by_cofunder=by_cofunder,
    )


@dataclass(frozen=True)
class PaymentsStatement:
    fund: Fund
    lines: list[Application]  # granted requests, annotated: granted, paid_advance, paid_balance, paid, to_pay
    payments: list[Payment]
    total_granted: Decimal
    total_advance: Decimal
    total_balance: Decimal
    total_paid: Decimal
    total_to_pay: Decimal


def _sum_subquery(queryset, field_name: str, group_by: str):
    return Coalesce(
        Subquery(queryset.values(group_by).annotate(total=Sum(field_name)).values("total")[:1]),
        Value(ZERO),
        output_field=MONEY_OUTPUT,
    )


def payments_statement(*, fund: Fund) -> PaymentsStatement:
    """The statement of payments of a fund: per granted request (one annotated query) and every payment."""
    decisions = Decision.objects.filter(item__application=OuterRef("pk"), outcome=Decision.Outcome.GRANTED)
    amendments = Amendment.objects.filter(decision__item__application=OuterRef("pk"))
    payments = Payment.objects.filter(application=OuterRef("pk"))
    lines = list(
        Application.objects.filter(fund=fund, agenda_items__decision__outcome=Decision.Outcome.GRANTED)
        .select_related("holder")
        .annotate(
            decided=_sum_subquery(decisions, "amount_granted", "item__application"),
            amended=_sum_subquery(amendments, "amount_delta", "decision__item__application"),
            paid_advance=_sum_subquery(payments.filter(kind=Payment.Kind.ADVANCE), "amount", "application"),
            paid_balance=_sum_subquery(payments.filter(kind=Payment.Kind.BALANCE), "amount", "application"),
        )
        .order_by("number", "pk")
    )
    for line in lines:
        line.granted = _money(line.decided + line.amended)
        line.paid = _money(line.paid_advance + line.paid_balance)
        line.to_pay = line.granted - line.paid
    all_payments = list(
        Payment.objects.filter(application__fund=fund)
        .select_related("application__holder", "recorded_by")
        .order_by("paid_on", "pk")
    )
    totals = Payment.objects.filter(application__fund=fund).aggregate(
        advance=Sum("amount", filter=Q(kind=Payment.Kind.ADVANCE)),
        balance=Sum("amount", filter=Q(kind=Payment.Kind.BALANCE)),
    )
    total_granted = granted_total(fund=fund)
    total_advance = _money(totals["advance"])
    total_balance = _money(totals["balance"])
    total_paid = total_advance + total_balance
    return PaymentsStatement(
        fund=fund,
        lines=lines,
        payments=all_payments,
        total_granted=total_granted,
        total_advance=total_advance,
        total_balance=total_balance,
        total_paid=total_paid,
        total_to_pay=total_granted - total_paid,
    )


# --- Sessions and minutes -------------------------------------------------------------------------


def sessions_visible_to(*, user) -> QuerySet[CommitteeSession]:
    return CommitteeSession.objects.visible_to(user).select_related("committee__fund__association")


@dataclass(frozen=True)
class EffectiveDecision:
    decision: Decision
    amount: Decimal
    conditions: str
    reason: str
    amendments: list[Amendment]

    @property
    def outcome(self) -> str:
        return self.decision.outcome

    @property
    def amended(self) -> bool:
        return bool(self.amendments)


def effective_decision(*, decision: Decision, amendments: list[Amendment] | None = None) -> EffectiveDecision:
    """The decision as it stands after its amendments, applied in order."""
    if amendments is None:
        amendments = list(decision.amendments.order_by("created_at", "pk"))
    amount = decision.amount_granted
    conditions = decision.conditions
    reason = decision.reason
    for amendment in amendments:
        amount += amendment.amount_delta
        changes = amendment.changes or {}
        if "conditions" in changes:
            conditions = changes["conditions"]["after"]
        if "reason" in changes:
            reason = changes["reason"]["after"]
    return EffectiveDecision(
        decision=decision, amount=_money(amount), conditions=conditions, reason=reason, amendments=amendments
    )


@dataclass(frozen=True)
class ItemDetail:
    item: AgendaItem
    application: Application
    recusals: list[Recusal]
    votes: list[Vote]
    count: VoteCount
    decision: EffectiveDecision | None


@dataclass(frozen=True)
class SessionDetail:
    session: CommitteeSession
    committee: Committee
    fund: Fund
    attendances: list[Attendance]
    present: list[CommitteeMember]
    absent: list[CommitteeMember]  # members with a mandate on that day, absent or not recorded
    quorum: Quorum
    items: list[ItemDetail]
    granted_in_session: Decimal
    money: FundMoneySummary


def session_detail(*, session: CommitteeSession) -> SessionDetail:
    """Everything the minutes (*procès-verbal*) need, in a fixed number of queries."""
    session = CommitteeSession.objects.select_related("committee__fund__association").get(pk=session.pk)
    committee = session.committee
    attendances = list(
        Attendance.objects.filter(session=session).select_related("member").order_by("member__full_name")
    )
    present_ids = {a.member_id for a in attendances if a.present}
    members = list(committee.members.active_on(session.date).order_by("full_name"))
    present = [a.member for a in attendances if a.present]
    absent = [m for m in members if m.pk not in present_ids]
    items = (
        AgendaItem.objects.filter(session=session)
        .select_related("application__holder", "application__created_by", "decision__decided_by")
        .prefetch_related("recusals__member", "votes__member", "decision__amendments")
        .order_by("position", "pk")
    )
    details = []
    granted_in_session = ZERO
    for item in items:
        votes = list(item.votes.all())
        count = VoteCount(
            votes_for=sum(1 for v in votes if v.choice == Vote.Choice.FOR),
            votes_against=sum(1 for v in votes if v.choice == Vote.Choice.AGAINST),
            abstentions=sum(1 for v in votes if v.choice == Vote.Choice.ABSTAIN),
        )
        decision = getattr(item, "decision", None)  # reverse one-to-one: None when not decided yet
        effective = None
        if decision is not None:
            amendments = sorted(decision.amendments.all(), key=lambda a: (a.created_at, a.pk))
            effective = effective_decision(decision=decision, amendments=amendments)
            if decision.outcome == Decision.Outcome.GRANTED:
                granted_in_session += effective.amount
        details.append(
            ItemDetail(
                item=item,
                application=item.application,
                recusals=list(item.recusals.all()),
                votes=votes,
                count=count,
                decision=effective,
            )
        )
    return SessionDetail(
        session=session,
        committee=committee,
        fund=committee.fund,
        attendances=attendances,
        present=present,
        absent=absent,
        quorum=session_quorum(session=session),
        items=details,
        granted_in_session=granted_in_session,
        money=fund_money_summary(fund=committee.fund),
    )


# --- Web pages ------------------------------------------------------------------------------------


def committees_for_user(*, user) -> QuerySet[Committee]:
    """Committees of the funds a user's association runs, and those the user sits on (all for the administrator)."""
    if not user.is_authenticated:
        return Committee.objects.none()
    committees = Committee.objects.all()
    if not user.is_superuser:
        sitting = CommitteeMember.objects.filter(user=user).active_on(timezone.localdate())  # mandate covers today
        committees = committees.filter(Q(fund__association__staff_links__user=user) | Q(members__in=sitting))
    return (
        Committee.objects.filter(pk__in=committees.values("pk"))
        .select_related("fund__association")
        .annotate(sessions_count=Count("sessions", distinct=True))
        .order_by("-fund__year", "fund__name", "name")
    )


@dataclass(frozen=True)
class CommitteePage:
    committee: Committee
    members: list[CommitteeMember]  # every member, past mandates included, each with `links` prefetched
    sessions: list[CommitteeSession]  # newest first, annotated with `items_count`


def committee_page(*, committee: Committee) -> CommitteePage:
    members = list(
        committee.members.select_related("user")
        .prefetch_related(
            Prefetch("links", queryset=CommitteeMemberLink.objects.select_related("holder").order_by("pk"))
        )
        .order_by("full_name", "pk")
    )
    sessions = list(committee.sessions.annotate(items_count=Count("items")).order_by("-date", "-time"))
    return CommitteePage(committee=committee, members=members, sessions=sessions)


def link_holder_choices(*, committee: Committee) -> QuerySet[Holder]:
    """Holders a member may be linked to: those with a filed request in the committee's fund."""
    return (
        Holder.objects.filter(applications__fund_id=committee.fund_id, applications__submitted_at__isnull=False)
        .distinct()
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class ItemRow:
    """One agenda line of the session page, with who may still vote or step out."""

    detail: ItemDetail
    voters: list[CommitteeMember]  # voting members present, with a mandate that day, not recused
    recusable: list[CommitteeMember]  # voting members with a mandate that day, not recused, no vote yet

    @property
    def item(self) -> AgendaItem:
        return self.detail.item

    @property
    def votes_by_member(self) -> dict[int, Vote]:
        return {vote.member_id: vote for vote in self.detail.votes}


@dataclass(frozen=True)
class SessionPage:
    detail: SessionDetail
    members: list[CommitteeMember]  # mandate covers the session's date, by name
    attendance: dict[int, Attendance]  # by member id
    rows: list[ItemRow]
    candidates: list[Application]  # requests that may still be put on the agenda

    @property
    def decided_count(self) -> int:
        return sum(1 for row in self.rows if row.detail.decision is not None)


def session_page(*, session: CommitteeSession, with_candidates: bool = False) -> SessionPage:
    """Everything the session page shows, in a number of queries that does not grow with the agenda."""
    detail = session_detail(session=session)
    session = detail.session
    members = list(committee_members_on(session=session))
    attendance = {attendance.member_id: attendance for attendance in detail.attendances}
    voting = [member for member in members if member.has_vote]
    present_voting = [member for member in voting if member.pk in attendance and attendance[member.pk].present]
    rows = []
    for item_detail in detail.items:
        recused = {recusal.member_id for recusal in item_detail.recusals}
        voted = {vote.member_id for vote in item_detail.votes}
        rows.append(
            ItemRow(
                detail=item_detail,
                voters=[member for member in present_voting if member.pk not in recused],
                recusable=[member for member in voting if member.pk not in recused and member.pk not in voted],
            )
        )
    candidates = []
    if with_candidates and not session.is_closed:
        candidates = list(agenda_candidates(session=session))
    return SessionPage(detail=detail, members=members, attendance=attendance, rows=rows, candidates=candidates)


def committee_members_on(*, session: CommitteeSession) -> QuerySet[CommitteeMember]:
    """Members whose mandate covers the session's date, by name."""
    return session.committee.members.active_on(session.date).select_related("user").order_by("full_name", "pk")


def payment_export_rows(*, statement: PaymentsStatement) -> list[dict]:
    """The statement as flat rows: one per payment, and one per granted request not paid at all yet.

    Values are typed (text, Decimal, date, or None); the export writes them.
    """
    by_application: dict[int, list[Payment]] = {}
    for payment in statement.payments:
        by_application.setdefault(payment.application_id, []).append(payment)
    rows = []
    for line in statement.lines:
        base = {
            "reference": line.reference,
            "title": line.title,
            "holder": line.holder.name if line.holder else None,
            "amount_granted": line.granted,
        }
        payments = by_application.get(line.pk) or [None]
        for payment in payments:
            rows.append(
                {
                    **base,
                    "kind": payment.kind if payment else None,
                    "paid_on": payment.paid_on if payment else None,
                    "amount": payment.amount if payment else None,
                    "method": payment.method if payment else None,
                    "payment_reference": payment.reference if payment else None,
                    "recorded_by": str(payment.recorded_by) if payment else None,
                }
            )
    return rows


def attendance_by_member(*, session: CommitteeSession) -> dict[int, Attendance]:
    return {attendance.member_id: attendance for attendance in Attendance.objects.filter(session=session)}


def votes_by_member(*, item: AgendaItem) -> dict[int, Vote]:
    return {vote.member_id: vote for vote in Vote.objects.filter(item=item)}
