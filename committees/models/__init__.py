"""The committees' tables: committees and their members (committees.py); sessions, agenda, votes, decisions
and payments (sessions.py); the figures derived from them for each request (figures.py)."""

from committees.models.committees import Committee, CommitteeMember, CommitteeMemberLink, CommitteeMemberQuerySet
from committees.models.figures import RequestFigures
from committees.models.sessions import (
    AgendaItem,
    AgendaItemQuerySet,
    Amendment,
    Attendance,
    CommitteeSession,
    CommitteeSessionQuerySet,
    Decision,
    Payment,
    Recusal,
    Vote,
    VoteCorrection,
)

__all__ = [
    "Committee",
    "CommitteeMemberQuerySet",
    "CommitteeMember",
    "CommitteeMemberLink",
    "CommitteeSessionQuerySet",
    "CommitteeSession",
    "AgendaItemQuerySet",
    "AgendaItem",
    "Attendance",
    "Recusal",
    "Vote",
    "VoteCorrection",
    "Decision",
    "Amendment",
    "Payment",
    "RequestFigures",
]
