"""Reads about committees, sessions, decisions and money. No writes here: see committees.services.

One module per subject; the names are re-exported here so callers write `selectors.session_detail(...)`.
"""

from committees.selectors.agenda import (
    agenda_candidates,
    filing_deadline,
)
from committees.selectors.money import (
    MONEY_OUTPUT,
    CofunderMoney,
    EffectiveDecision,
    FundMoneySummary,
    advance_amount,
    application_paid,
    effective_amount,
    effective_decision,
    fund_money_summary,
    granted_amount,
    granted_decision,
    granted_total,
    paid_by_application,
    paid_total,
)
from committees.selectors.pages import (
    CommitteePage,
    ItemRow,
    SessionPage,
    committee_page,
    committees_for_user,
    link_holder_choices,
    session_page,
)
from committees.selectors.payments import (
    PaymentsStatement,
    payment_export_rows,
    payments_statement,
)
from committees.selectors.sessions import (
    ItemDetail,
    SessionDetail,
    session_detail,
    sessions_visible_to,
)
from committees.selectors.voting import (
    Quorum,
    VoteCount,
    attendance_by_member,
    committee_members_on,
    eligible_voters,
    session_quorum,
    vote_count,
    votes_by_member,
    votes_grant,
    voting_members,
)

__all__ = [
    "CofunderMoney",
    "CommitteePage",
    "EffectiveDecision",
    "FundMoneySummary",
    "ItemDetail",
    "ItemRow",
    "MONEY_OUTPUT",
    "PaymentsStatement",
    "Quorum",
    "SessionDetail",
    "SessionPage",
    "VoteCount",
    "advance_amount",
    "agenda_candidates",
    "application_paid",
    "attendance_by_member",
    "committee_members_on",
    "committee_page",
    "committees_for_user",
    "effective_amount",
    "effective_decision",
    "eligible_voters",
    "filing_deadline",
    "fund_money_summary",
    "granted_amount",
    "granted_decision",
    "granted_total",
    "link_holder_choices",
    "paid_by_application",
    "paid_total",
    "payment_export_rows",
    "payments_statement",
    "session_detail",
    "session_page",
    "session_quorum",
    "sessions_visible_to",
    "vote_count",
    "votes_by_member",
    "votes_grant",
    "voting_members",
]
