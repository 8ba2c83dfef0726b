"""Every change to a bilan goes through here.

Each service checks permission (PermissionDenied), validates (ValidationError with French messages that
say how to fix the problem), writes in one transaction after `full_clean()`, records an audit entry, and
sends e-mails only once the transaction has committed. A bilan's status changes through
`apply_bilan_transition` (the table is `reports.workflow`); the request's status through
`applications.services.apply_transition`. Locks: `reports.locks` (request before bilan).

`from reports import services; services.submit_bilan(...)` keeps working: the public names are re-exported.
"""

from reports import emails  # noqa: F401  (tests replace services.emails.to_holder)
from reports.services.annual import save_annual_narrative  # noqa: F401
from reports.services.attachments import MAX_ATTACHMENTS, add_bilan_attachment, delete_bilan_attachment  # noqa: F401
from reports.services.cvs_bilans import (  # noqa: F401
    CVS_FIELDS,
    GRANT_SOURCE_ITEMS,
    save_cvs_bilan,
    save_cvs_coordination,
    save_cvs_progress,
    start_cvs_bilan,
)
from reports.services.cvs_submission import CVS_REQUIRED, cvs_submission_errors, submit_cvs_bilan  # noqa: F401
from reports.services.cvs_tables import (  # noqa: F401
    MAX_CVS_BUDGET_LINES,
    MAX_PARTNERS,
    save_cvs_budget,
    save_cvs_objectives,
    save_cvs_partners,
)
from reports.services.effects import set_effects  # noqa: F401
from reports.services.pic_bilans import (  # noqa: F401
    MAX_EXPENSE_LINES,
    PIC_FIELDS,
    PIC_REQUIRED,
    pic_submission_errors,
    save_bilan,
    save_bilan_expenses,
    start_bilan,
    submit_bilan,
)
from reports.services.reminders import remind_holder, send_bilan_reminder  # noqa: F401
from reports.services.review import accept_bilan, close_after_bilan, return_bilan  # noqa: F401
from reports.services.transitions import apply_bilan_transition  # noqa: F401
