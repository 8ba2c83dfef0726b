"""The requests' tables: holders, requests and budget (requests.py); documents, history, messages and
instruction (documents.py)."""

from applications.models.deferrals import DeferralRevision
from applications.models.documents import (
    Attachment,
    CriterionCheck,
    EligibilityCriterion,
    HolderLink,
    Message,
    MessageRead,
    StaffNote,
    StatusChange,
    attachment_path,
    message_attachment_path,
)
from applications.models.requests import (
    APPLICATION_PROJECT_FIELDS,
    ASSOCIATION_ONLY_FIELDS,
    GROUP_ONLY_FIELDS,
    HOLDER_FIELDS,
    MAX_PEOPLE,
    PAGE_RELATED,
    Application,
    ApplicationQuerySet,
    BudgetLine,
    Holder,
    ReferenceCounter,
)

__all__ = [
    "MAX_PEOPLE",
    "HOLDER_FIELDS",
    "GROUP_ONLY_FIELDS",
    "ASSOCIATION_ONLY_FIELDS",
    "APPLICATION_PROJECT_FIELDS",
    "Holder",
    "ApplicationQuerySet",
    "PAGE_RELATED",
    "Application",
    "ReferenceCounter",
    "BudgetLine",
    "attachment_path",
    "Attachment",
    "StatusChange",
    "Message",
    "message_attachment_path",
    "DeferralRevision",
    "MessageRead",
    "EligibilityCriterion",
    "CriterionCheck",
    "StaffNote",
    "HolderLink",
]
