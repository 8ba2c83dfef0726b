"""Bilans (final reports) of funded micro-projects, as typed columns the statistics can count.

- `Bilan`: the PIC / FPH / fifty-fifty bilan (seed 000), its spent money (`BilanExpense`), its
  receipts and photos (`BilanAttachment`) and the effects grid (`EffectObservation`, seed 004).
- `CvsBilan`: the annex 3 bilan of the Contrat de ville et des solidarités, with its operational
  objectives, partners and budget table.
- `BilanReminder`: one row per reminder e-mail sent, so none is ever sent twice.
- `AnnualNarrative`: the association's own words in a fund's annual report.

Every model and constant is importable from `reports.models`, as before the package.
"""

from reports.models.annual import NARRATIVE_FIELDS, NARRATIVE_MAX_LENGTH, AnnualNarrative  # noqa: F401
from reports.models.base import (  # noqa: F401
    CERTIFICATION_TEXT,
    MAX_AMOUNT,
    MAX_OBJECTIVES,
    MIN_OBJECTIVES,
    SHORT_DESCRIPTION_MAX_LINES,
    BaseBilan,
    money_field,
    people_field,
)
from reports.models.cvs import (  # noqa: F401
    CVS_APPRAISAL_FIELDS,
    CVS_COORDINATION_FIELDS,
    CVS_FIELDS,
    CVS_IDENTITY_FIELDS,
    CVS_PROGRESS_FIELDS,
    PROGRESS_WITH_DATE,
    CvsBilan,
    CvsObjective,
    CvsPartner,
    Perspective,
    ProgressStatus,
)
from reports.models.cvs_budget import (  # noqa: F401
    COMMUNE_ITEMS,
    CVS_ITEM_ACCOUNTS,
    IN_KIND_ACCOUNTS,
    ITEM_REQUIRED_ACCOUNTS,
    BudgetSide,
    CvsBudgetItem,
    CvsBudgetLine,
)
from reports.models.effects import (  # noqa: F401
    EFFECT_LEVELS,
    EFFECT_QUESTIONS,
    EFFECTS_WITH_PUBLICS,
    EXCLUSIVE_CHANGES,
    PUBLIC_FIELDS,
    Effect,
    EffectChange,
    EffectLevel,
    EffectObservation,
    ObservedChange,
    ObservedPublic,
    changes_of,
)
from reports.models.pic import (  # noqa: F401
    PIC_ACTION_FIELDS,
    PIC_APPRAISAL_FIELDS,
    PIC_FIELDS,
    Bilan,
    BilanAttachment,
    BilanExpense,
    bilan_attachment_path,
)
from reports.models.reminders import MANUAL_REMINDER_GAP, REMINDER_OFFSETS, BilanReminder  # noqa: F401
from reports.workflow import BILAN_EDITABLE, BilanStatus  # noqa: F401
