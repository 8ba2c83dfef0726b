"""Attribution committee sessions: agenda, convocations, attendance, votes, decisions, payments, members.

Each service checks permission (PermissionDenied), validates (ValidationError with French messages that
say how to fix the problem), writes in one transaction after `full_clean()`, records an audit entry and
sends e-mails only once the transaction has committed. Every status change of a request goes through
`applications.services.apply_transition`. Rows are locked through `committees.locks`, in its order.

One module per job; the names are re-exported here so callers write `services.decide(...)`.
"""

from committees.services.agenda import add_agenda_item, add_agenda_items, build_agenda, remove_agenda_item
from committees.services.amendments import amend_decision
from committees.services.attendance import record_attendance, record_attendances
from committees.services.committee_settings import update_committee_settings
from committees.services.decisions import DECISION_TRANSITIONS, decide
from committees.services.members import add_member, add_member_link, update_member
from committees.services.payments import record_payment
from committees.services.sessions import (
    ConvocationReport,
    close_session,
    create_session,
    open_session,
    send_convocations,
)
from committees.services.votes import correct_vote, declare_recusal, record_vote, record_votes, start_vote

__all__ = [
    "DECISION_TRANSITIONS",
    "ConvocationReport",
    "add_agenda_item",
    "add_agenda_items",
    "add_member",
    "add_member_link",
    "amend_decision",
    "build_agenda",
    "close_session",
    "correct_vote",
    "create_session",
    "decide",
    "declare_recusal",
    "open_session",
    "record_attendance",
    "record_attendances",
    "record_payment",
    "record_vote",
    "record_votes",
    "remove_agenda_item",
    "send_convocations",
    "start_vote",
    "update_committee_settings",
    "update_member",
]
