"""Rows are collected unsaved, then written per model with `bulk_create`, parents before children."""

from collections import Counter, defaultdict

from django.db import models

from accounts.models import User
from applications.models import Application, Attachment, BudgetLine, Holder, Message, ReferenceCounter, StatusChange
from committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeSession,
    Decision,
    Payment,
    Recusal,
    Vote,
)
from devdata.loaddata.constants import BATCH_SIZE
from devdata.loaddata.helpers import explicit_timestamps
from funds.models import AssociationStaff, CarrierAssociation, Commune, Fund, FundCoFunder, FunderStaff, Neighbourhood
from reports.models import (
    Bilan,
    BilanAttachment,
    BilanExpense,
    CvsBilan,
    CvsBudgetLine,
    CvsObjective,
    CvsPartner,
    EffectChange,
    EffectObservation,
)

THROUGH_THEMES = Fund.themes.through
THROUGH_NEIGHBOURHOODS = Fund.neighbourhoods.through
THROUGH_AMBITIONS = Fund.ambitions.through
THROUGH_ASSOCIATION_QPV = CarrierAssociation.neighbourhoods.through

# Parents before children: bulk_create reads each parent's primary key when it writes the child.
WRITE_ORDER: tuple[type[models.Model], ...] = (
    Commune,
    Neighbourhood,
    Neighbourhood.communes.through,
    User,
    Holder,
    CarrierAssociation,
    THROUGH_ASSOCIATION_QPV,
    AssociationStaff,
    FunderStaff,
    Fund,
    THROUGH_THEMES,
    THROUGH_NEIGHBOURHOODS,
    THROUGH_AMBITIONS,
    FundCoFunder,
    ReferenceCounter,
    Committee,
    CommitteeMember,
    Application,
    BudgetLine,
    Attachment,
    StatusChange,
    Message,
    CommitteeSession,
    AgendaItem,
    Attendance,
    Recusal,
    Vote,
    Decision,
    Amendment,
    Payment,
    Bilan,
    BilanExpense,
    EffectObservation,
    EffectChange,
    BilanAttachment,
    CvsBilan,
    CvsObjective,
    CvsPartner,
    CvsBudgetLine,
)


class Writer:
    """Collects unsaved rows by model, then writes them in dependency order with bulk_create."""

    def __init__(self):
        self.pending: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.counts: Counter = Counter()

    def add(self, instance: models.Model) -> models.Model:
        self.pending[type(instance)].append(instance)
        return instance

    def flush(self) -> None:
        unknown = set(self.pending) - set(WRITE_ORDER)
        if unknown:
            raise RuntimeError(f"No write order for {sorted(m._meta.label for m in unknown)}")
        with explicit_timestamps(*WRITE_ORDER):
            for model in WRITE_ORDER:
                rows = self.pending.pop(model, [])
                if rows:
                    model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
                    self.counts[model._meta.label] += len(rows)
