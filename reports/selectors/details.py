"""Everything a bilan's page and PDF show, in few queries."""

from dataclasses import dataclass

from funds.models import Fund
from reports.models import (
    EFFECT_LEVELS,
    EFFECT_QUESTIONS,
    Bilan,
    CvsBilan,
    Effect,
    EffectLevel,
    EffectObservation,
    ObservedChange,
    ObservedPublic,
)
from reports.selectors.bilans import bilan_due_date
from reports.selectors.cvs_budget import cvs_budget_table
from reports.selectors.money import bilan_money


def pic_bilan_for_display(*, pk: int) -> Bilan:
    return Bilan.objects.select_related(
        "application__fund__association", "application__holder", "application__theme", "application__created_by"
    ).get(pk=pk)


def cvs_bilan_for_display(*, pk: int) -> CvsBilan:
    return CvsBilan.objects.select_related(
        "application__fund__association", "application__holder", "application__ambition", "application__created_by"
    ).get(pk=pk)


def fund_funders(*, fund: Fund) -> list[str]:
    """The co-funders' names, the largest contribution first."""
    return list(fund.cofunders.order_by("-amount", "funder__name").values_list("funder__name", flat=True))


@dataclass(frozen=True)
class ObservedEffect:
    observation: EffectObservation
    level_label: str
    question: str
    publics: list[str]
    changes: list[str]


def observed_effects(*, bilan: Bilan) -> list[ObservedEffect]:
    """The bilan's observed effects in the grid's order, with the labels of their publics and items (two queries)."""
    order = list(Effect.values)
    observations = sorted(bilan.effects.prefetch_related("changes"), key=lambda o: order.index(o.effect))
    change_order = list(ObservedChange.values)
    result = []
    for observation in observations:
        changes = sorted(observation.changes.all(), key=lambda c: change_order.index(c.change))
        result.append(
            ObservedEffect(
                observation=observation,
                level_label=str(EffectLevel(EFFECT_LEVELS[observation.effect]).label),
                question=str(EFFECT_QUESTIONS[observation.effect]) if changes else "",
                publics=[str(ObservedPublic(value).label) for value in observation.publics()],
                changes=[str(change.get_change_display()) for change in changes],
            )
        )
    return result


def _common_detail(bilan: Bilan | CvsBilan) -> dict:
    """What both kinds of bilan page and PDF show: the request, its fund, association and co-funders, the due date."""
    application = bilan.application
    return {
        "bilan": bilan,
        "application": application,
        "holder": application.holder,
        "fund": application.fund,
        "association": application.fund.association,
        "funders": fund_funders(fund=application.fund),
        "due_date": bilan_due_date(application),
    }


def pic_bilan_detail(*, bilan: Bilan) -> dict:
    """Everything the bilan page and PDF show, in few queries."""
    attachments = list(bilan.attachments.all())
    return {
        **_common_detail(bilan),
        "expenses": list(bilan.expenses.all()),
        "money": bilan_money(bilan=bilan),
        "effects": observed_effects(bilan=bilan),
        "receipts": [a for a in attachments if a.kind == a.Kind.RECEIPT],
        "photos": [a for a in attachments if a.kind == a.Kind.PHOTO],
    }


def cvs_bilan_detail(*, bilan: CvsBilan) -> dict:
    return {
        **_common_detail(bilan),
        "objectives": list(bilan.objectives.all()),
        "partners": list(bilan.partners.all()),
        "budget": cvs_budget_table(bilan=bilan),
    }
