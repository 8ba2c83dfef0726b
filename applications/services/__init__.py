"""Every change to a request goes through here.

Each service checks permission (PermissionDenied), validates (ValidationError with French messages
that say how to fix the problem), writes in one transaction after `full_clean()`, records an audit
entry, and sends e-mails only once the transaction has committed. One job per module:

- `holders`: the groups and associations a resident files for;
- `drafts`, `budget`, `attachments`: the draft, step by step;
- `submission`: filing, filing again after a completion request, withdrawing;
- `deferrals`: what a request said when the committee deferred it; the holder sending it back;
- `criteria`, `instruction`: the staff's eligibility grid, notes and decisions on eligibility;
- `messages`: the thread between the holder and the staff (and what the staff have not read yet);
- `worklist`: who instructs each request (the inbox's selection);
- `transitions`: `apply_transition`, the only way a status changes;
- `notices`: the e-mails, sent after commit.

Callers stay short: `from applications import services; services.save_step(...)`.
"""

from applications.services.attachments import MAX_ATTACHMENTS, add_attachment, delete_attachment
from applications.services.budget import save_budget
from applications.services.criteria import (
    DEFAULT_CRITERIA,
    ensure_default_criteria,
    grid_field,
    record_criterion_check,
    record_grid,
    unmet_required_criteria,
)
from applications.services.deferrals import correct_deferral_reason, record_deferral, send_back_application
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
from applications.services.messages import mark_messages_read, mark_messages_read_by_staff, post_message
from applications.services.notices import send_holder_notice, send_staff_notice, send_submission_acknowledgement
from applications.services.on_behalf import (
    application_for_token,
    invite_holder_to_take_over,
    on_behalf_label,
    record_holder_agreement,
    start_draft_on_behalf,
    take_over_application,
    takeover_url,
)
from applications.services.submission import resubmit_application, submit_application, withdraw_application
from applications.services.transitions import apply_transition
from applications.services.worklist import MAX_SELECTION, assign_instructor

__all__ = [
    "DEFAULT_CRITERIA",
    "EDIT_CONFLICT_MESSAGE",
    "HOLDER_FIELDS",
    "MAX_ATTACHMENTS",
    "MAX_SELECTION",
    "STEP_FIELDS",
    "EditConflict",
    "StepRefused",
    "add_attachment",
    "add_staff_note",
    "apply_transition",
    "correct_deferral_reason",
    "assign_instructor",
    "create_holder",
    "declare_eligible",
    "declare_ineligible",
    "delete_attachment",
    "application_for_token",
    "ensure_default_criteria",
    "mark_messages_read_by_staff",
    "grid_field",
    "invite_holder_to_take_over",
    "on_behalf_label",
    "record_grid",
    "record_holder_agreement",
    "start_draft_on_behalf",
    "take_over_application",
    "takeover_url",
    "mark_messages_read",
    "post_message",
    "record_criterion_check",
    "record_deferral",
    "request_completion",
    "resubmit_application",
    "save_budget",
    "save_holder_for_application",
    "save_step",
    "send_back_application",
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
