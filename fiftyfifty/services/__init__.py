"""Writes of the fifty/fifty path (re-exported: `from fiftyfifty import services`)."""

from fiftyfifty.services.initiatives import declare_initiative, join_builders, leave_builders, review_initiative
from fiftyfifty.services.projects import (
    abandon,
    carry_out,
    draft_convention,
    propose_idea,
    record_meeting,
    record_paper_signatures,
    reopen_study,
    save_commitments,
    sign_in_portal,
)

__all__ = [
    "abandon",
    "carry_out",
    "declare_initiative",
    "draft_convention",
    "join_builders",
    "leave_builders",
    "propose_idea",
    "record_meeting",
    "record_paper_signatures",
    "reopen_study",
    "review_initiative",
    "save_commitments",
    "sign_in_portal",
]
