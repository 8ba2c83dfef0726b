"""A session as its minutes (*procès-verbal*) tell it."""

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from applications.models import Application, StatusChange
from applications.workflow import Status
from committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeSession,
    Decision,
    Recusal,
    Vote,
    VoteCorrection,
)
from committees.selectors.money import EffectiveDecision, FundMoneySummary, effective_decision, fund_money_summary
from committees.selectors.voting import Quorum, VoteCount, session_quorum
from core.money import ZERO
from funds.models import Fund


def sessions_visible_to(*, user) -> QuerySet[CommitteeSession]:
    return CommitteeSession.objects.visible_to(user).select_related("committee__fund__association")


@dataclass(frozen=True)
class ItemDetail:
    item: AgendaItem
    application: Application
    recusals: list[Recusal]
    votes: list[Vote]
    count: VoteCount
    decision: EffectiveDecision | None
    # Votes corrected before the decision (a mis-click), oldest first.
    corrections: list[VoteCorrection] = dataclasses.field(default_factory=list)
    # When the holder withdrew the request while on this agenda (then no decision is needed).
    withdrawn_on: datetime.datetime | None = None

    @property
    def withdrawn(self) -> bool:
        """Withdrawn by its holder while on this agenda: "retirée par le porteur", nothing to decide."""
        return self.decision is None and self.application.status == Status.WITHDRAWN


@dataclass(frozen=True)
class SessionDetail:
    session: CommitteeSession
    committee: Committee
    fund: Fund
    attendances: list[Attendance]
    present: list[CommitteeMember]
    absent: list[CommitteeMember]  # members with a mandate on that day, absent (not excused) or not recorded
    quorum: Quorum
    items: list[ItemDetail]
    granted_in_session: Decimal
    money: FundMoneySummary
    # Members noted absent who had sent their apologies (*excusés*), not among `absent`.
    excused: list[CommitteeMember] = dataclasses.field(default_factory=list)


def withdrawal_dates(items: list[AgendaItem]) -> dict[int, datetime.datetime]:
    """{request id: when its holder withdrew it} for the withdrawn requests among the items (one query)."""
    ids = [item.application_id for item in items if item.application.status == Status.WITHDRAWN]
    if not ids:
        return {}
    changes = StatusChange.objects.filter(application_id__in=ids, transition="withdraw").order_by("created_at", "pk")
    return dict(changes.values_list("application_id", "created_at"))


def _roll_call(
    session: CommitteeSession,
) -> tuple[list[Attendance], list[CommitteeMember], list[CommitteeMember], list[CommitteeMember]]:
    """The attendance sheet (two queries): the rows, then the members present, excused and absent."""
    attendances = list(
        Attendance.objects.filter(session=session).select_related("member").order_by("member__full_name")
    )
    present_ids = {a.member_id for a in attendances if a.present}
    members = list(session.committee.members.active_on(session.date).order_by("full_name"))
    present = [a.member for a in attendances if a.present]
    excused_ids = {a.member_id for a in attendances if not a.present and a.excused}
    excused = [a.member for a in attendances if not a.present and a.excused]
    absent = [m for m in members if m.pk not in present_ids and m.pk not in excused_ids]
    return attendances, present, excused, absent


def _item_details(items: list[AgendaItem]) -> tuple[list[ItemDetail], Decimal]:
    """Each item with its votes, count and decision as amended (prefetched: no query but the withdrawal dates'),
    and the total granted in the session."""
    withdrawn = withdrawal_dates(items)
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
                withdrawn_on=None if decision is not None else withdrawn.get(item.application_id),
                corrections=sorted(
                    (c for vote in votes for c in vote.corrections.all()), key=lambda c: (c.corrected_at, c.pk)
                ),
            )
        )
    return details, granted_in_session


def session_detail(*, session: CommitteeSession) -> SessionDetail:
    """Everything the minutes (*procès-verbal*) need, in a fixed number of queries."""
    session = CommitteeSession.objects.select_related("committee__fund__association", "committee__chair").get(
        pk=session.pk
    )
    committee = session.committee
    attendances, present, excused, absent = _roll_call(session)
    items = list(
        AgendaItem.objects.filter(session=session)
        .select_related("application__holder", "application__created_by", "decision__decided_by")
        .prefetch_related("recusals__member", "votes__member", "votes__corrections", "decision__amendments")
        .order_by("position", "pk")
    )
    details, granted_in_session = _item_details(items)
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
        excused=excused,
    )
