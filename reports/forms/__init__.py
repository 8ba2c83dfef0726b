"""Forms of the bilans. Thin: fields and French labels here, rules in `reports.services`.

Nothing here saves: views hand `cleaned_data` (or the lists built by the formset helpers) to the services.
`from reports import forms; forms.PicActionForm` keeps working: the public names are re-exported.
"""

from reports.forms.annual import AnnualNarrativeForm  # noqa: F401
from reports.forms.cvs import (  # noqa: F401
    CvsAppraisalForm,
    CvsCoordinationForm,
    CvsIdentityForm,
    CvsProgressForm,
    ObjectiveForm,
    ObjectiveFormSet,
    PartnerForm,
    PartnerFormSet,
    objective_initial,
    objective_rows,
    partner_initial,
    partner_rows,
)
from reports.forms.cvs_budget import (  # noqa: F401
    CvsBudgetFormSet,
    CvsBudgetLineForm,
    budget_initial,
    budget_line_choices,
    budget_rows,
)
from reports.forms.effects import EffectForm, EffectsGrid  # noqa: F401
from reports.forms.fields import (  # noqa: F401
    DATETIME_FORMAT,
    MONEY_ERRORS,
    YES_NO,
    DateInput,
    DateTimeLocalInput,
    money_field,
    textareas,
    yes_no_field,
    yes_no_initial,
)
from reports.forms.pic import (  # noqa: F401
    BilanAttachmentForm,
    ExpenseFormSet,
    ExpenseLineForm,
    PicActionForm,
    PicAppraisalForm,
    expense_initial,
    expense_lines,
)
from reports.forms.review import ReturnForm, SubmitForm  # noqa: F401
