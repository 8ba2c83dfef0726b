"""Every change to a request goes through here.

Each service checks permission (PermissionDenied), validates (ValidationError with French messages
that say how to fix the problem), writes in one transaction after `full_clean()`, records an audit
entry, and sends e-mails only once the transaction has committed. One job per module:

- `holders`: the groups and associations a resident files for;
- `drafts`, `budget`, `attachments`: the draft, step by step;
- `submission`: filing, filing again after a completion request, withdrawing;
- `criteria`, `instruction`: the staff's eligibility grid, notes and decisions on eligibility;
- `messages`: the thread between the holder and the staff;
- `transitions`: `apply_transition`, the only way a status changes;
- `notices`: the e-mails, sent after commit.

Callers stay short: `from applications import services; services.save_step(...)`.
"""

from applications.services.attachments import MAX_ATTACHMENTS, add_attachment, delete_attachment
from applications.services.budget import save_budget
from applications.services.criteria import (
    DEFAULT_CRITERIA,
    ensure_default_criteria,
    record_criterion_check,
    unmet_required_criteria,
)
from applications.services.drafts import STEP_FIELDS, save_step, start_draft
from applications.services.guards import EDIT_CONFLICT_MESSAGE, EditConflict
from applications.services.holders import (
    HOLDER_FIELDS,
    StepRefused,
    create_holder,
    save_holder_for_application,
    update_holder,
)
from applications.services.instruction import (
    add_staff_note,
    declare_eligible,
    declare_ineligible,
    request_completion,
    start_review,
)
from applications.services.messages import mark_messages_read, post_message
from applications.services.notices import send_holder_notice, send_staff_notice, send_submission_acknowledgement
from applications.services.submission import resubmit_application, submit_application, withdraw_application
from applications.services.transitions import apply_transition

__all__ = [
    "DEFAULT_CRITERIA",
    "EDIT_CONFLICT_MESSAGE",
    "HOLDER_FIELDS",
    "MAX_ATTACHMENTS",
    "STEP_FIELDS",
    "EditConflict",
    "StepRefused",
    "add_attachment",
    "add_staff_note",
    "apply_transition",
    "create_holder",
    "declare_eligible",
    "declare_ineligible",
    "delete_attachment",
    "ensure_default_criteria",
    "mark_messages_read",
    "post_message",
    "record_criterion_check",
    "request_completion",
    "resubmit_application",
    "save_budget",
    "save_holder_for_application",
    "save_step",
    "send_holder_notice",
    "send_staff_notice",
    "send_submission_acknowledgement",
    "start_draft",
    "start_review",
    "submit_application",
    "unmet_required_criteria",
    "update_holder",
    "withdraw_application",
]
