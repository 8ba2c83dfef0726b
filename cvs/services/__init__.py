"""Writes of the CVS path (each a keyword-only service, in one transaction, permission checked, audited),
re-exported: `from cvs import services`. The association's side in `filing`, the instructors' in `instruction`."""

from applications.workflow import CVS_PAYABLE as PAYABLE
from cvs.services.filing import (
    COMMITMENT_FIELDS,
    HOLDER_FIELDS,
    PROJECT_FIELDS,
    STRUCTURE_FIELDS,
    previous_requests_for,
    save_commitments,
    save_cvs_budget,
    save_project,
    save_structure,
    start_cvs_draft,
    submit_cvs_request,
)
from cvs.services.instruction import (
    ask_for_completion,
    decide_eligibility,
    give_opinion,
    record_funder_payment,
    record_programming,
)

__all__ = [
    "COMMITMENT_FIELDS",
    "HOLDER_FIELDS",
    "PAYABLE",
    "PROJECT_FIELDS",
    "STRUCTURE_FIELDS",
    "ask_for_completion",
    "decide_eligibility",
    "give_opinion",
    "previous_requests_for",
    "record_funder_payment",
    "record_programming",
    "save_commitments",
    "save_cvs_budget",
    "save_project",
    "save_structure",
    "start_cvs_draft",
    "submit_cvs_request",
]
