"""Forms of the request (one per step) and of its instruction. Thin: fields and French labels here, rules in
`applications.rules`. Nothing here saves: views hand `cleaned_data` to `applications.services`."""

from applications.forms.budget import (
    BUDGET_EXTRA_LINES,
    AmountRequestedForm,
    BaseBudgetLineFormSet,
    BudgetForms,
    BudgetLineForm,
    ExpenseFormSet,
    ExpenseLineForm,
    ResourceFormSet,
    ResourceLineForm,
)
from applications.forms.common import MONEY_ERRORS, VersionedForm, VersionForm, money_field
from applications.forms.holder import NEW_HOLDER, HolderChoiceForm, HolderForm
from applications.forms.holder_pages import AttachmentForm, MessageForm, SubmitForm, WithdrawForm
from applications.forms.instruction import (
    MET_CHOICES,
    MET_VALUES,
    CompletionRequestForm,
    CriterionCheckForm,
    DeclareEligibleForm,
    DeclareIneligibleForm,
    StaffNoteForm,
    StartReviewForm,
    met_to_choice,
)
from applications.forms.on_behalf import (
    GridForm,
    HolderAgreementForm,
    InviteHolderForm,
    StartOnBehalfForm,
    TakeOverForm,
)
from applications.forms.steps import PeopleForm, ProjectForm, WhenWhereForm
from applications.forms.worklist import InstructorForm, SelectionForm, SelectionIdsField
from core.forms import add_errors  # kept importable from here (committees.views)

__all__ = [
    "BUDGET_EXTRA_LINES",
    "MET_CHOICES",
    "MET_VALUES",
    "MONEY_ERRORS",
    "NEW_HOLDER",
    "AmountRequestedForm",
    "AttachmentForm",
    "BaseBudgetLineFormSet",
    "BudgetForms",
    "BudgetLineForm",
    "CompletionRequestForm",
    "CriterionCheckForm",
    "DeclareEligibleForm",
    "DeclareIneligibleForm",
    "ExpenseFormSet",
    "ExpenseLineForm",
    "GridForm",
    "HolderAgreementForm",
    "HolderChoiceForm",
    "HolderForm",
    "InstructorForm",
    "SelectionForm",
    "SelectionIdsField",
    "MessageForm",
    "PeopleForm",
    "ProjectForm",
    "ResourceFormSet",
    "ResourceLineForm",
    "InviteHolderForm",
    "StaffNoteForm",
    "StartOnBehalfForm",
    "StartReviewForm",
    "SubmitForm",
    "TakeOverForm",
    "VersionForm",
    "VersionedForm",
    "WhenWhereForm",
    "WithdrawForm",
    "add_errors",
    "met_to_choice",
    "money_field",
]
