"""What the annual report reads from the bilans: participation, effects, quotes."""

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from funds.models import Fund
from reports.annual.values import (
    EffectCount,
    EffectLevelBlock,
    Effects,
    GenderCount,
    ItemCount,
    Participation,
    ParticipationRow,
    Quote,
)
from reports.models import (
    EFFECT_LEVELS,
    Bilan,
    CvsBilan,
    Effect,
    EffectChange,
    EffectLevel,
    EffectObservation,
    Perspective,
    changes_of,
)
from reports.workflow import COUNTED_BILAN_STATUSES


def counted_bilans(fund: Fund) -> QuerySet[Bilan]:
    """The fund's filed bilans (submitted or accepted), read through the bilans' own fund index."""
    return Bilan.objects.filter(fund=fund, status__in=COUNTED_BILAN_STATUSES)


def people_sums() -> dict:
    def total(name):
        return Coalesce(Sum(name), Value(0), output_field=IntegerField())

    return {
        "bilans": Count("pk"),
        "participant_women_sum": total("participant_women"),
        "participant_men_sum": total("participant_men"),
        "mobilised_women_sum": total("mobilised_women"),
        "mobilised_men_sum": total("mobilised_men"),
    }


def participation_of(fund: Fund) -> Participation:
    """Participants and organisers of the fund's filed bilans, by theme and in all (one grouped query: the totals
    are the themes' rows added up, each bilan being in one theme's row)."""
    rows = list(
        counted_bilans(fund)
        .values(theme_name=F("application__theme__name"), theme_position=F("application__theme__position"))
        .annotate(
            **people_sums(),
            renew_yes=Count("pk", filter=Q(wants_to_renew=True)),
            renew_no=Count("pk", filter=Q(wants_to_renew=False)),
        )
        .order_by("theme_position", "theme_name")
    )
    by_theme = [
        ParticipationRow(
            label=row["theme_name"] or _("Thématique non renseignée"),
            bilans=row["bilans"],
            participants=GenderCount(row["participant_women_sum"], row["participant_men_sum"]),
            mobilised=GenderCount(row["mobilised_women_sum"], row["mobilised_men_sum"]),
        )
        for row in rows
    ]

    def total(key: str) -> int:
        return sum(row[key] for row in rows)

    return Participation(
        bilans=total("bilans"),
        participants=GenderCount(total("participant_women_sum"), total("participant_men_sum")),
        mobilised=GenderCount(total("mobilised_women_sum"), total("mobilised_men_sum")),
        by_theme=by_theme,
        wants_to_renew=total("renew_yes"),
        does_not_want_to_renew=total("renew_no"),
    )


def _counts_by(rows: QuerySet, key: str) -> dict:
    return dict(rows.values_list(key).annotate(count=Count("pk")).order_by())


def effects_of(fund: Fund, *, bilans_count: int) -> Effects:
    """How many counted bilans report each effect of the grid, and each item of it (two grouped queries).

    A bilan observes an effect once (`unique_effect_per_bilan`), ticks an item once (`unique_change_per_effect`),
    and an item belongs to one effect: counting the rows counts the bilans. The fund's observations and ticked
    items are each read through their own fund index (both carry their bilan), those of its counted bilans only."""
    counted = counted_bilans(fund)
    observed = _counts_by(EffectObservation.objects.filter(fund=fund, bilan__in=counted), "effect")
    ticked = _counts_by(EffectChange.objects.filter(fund=fund, bilan__in=counted), "change")
    levels = []
    for level in EffectLevel:
        effects = [
            EffectCount(
                effect=effect.value,
                label=str(effect.label),
                bilans=observed.get(effect.value, 0),
                items=[ItemCount(str(label), ticked.get(value, 0)) for value, label in changes_of(effect.value)],
            )
            for effect in Effect
            if EFFECT_LEVELS[effect] == level
        ]
        levels.append(EffectLevelBlock(level=level.value, label=str(level.label), effects=effects))
    return Effects(bilans=bilans_count, levels=levels)


def _cvs_perspective(row: tuple) -> tuple[str, str] | None:
    """A CVS bilan's perspective (`row`: perspective, comment): its comment and its label ("Maintien"), if either
    is given."""
    perspective, comment = row
    if not (perspective or comment.strip()):
        return None
    label = str(Perspective(perspective).label) if perspective else ""
    return comment.strip(), label


def _other_ideas(row: tuple) -> tuple[str, str] | None:
    """A PIC bilan's other ideas (`row`: other ideas), if any (no label)."""
    text = row[0].strip()
    return (text, "") if text else None


@dataclass(frozen=True)
class Quotes:
    difficulties: list[Quote]  # the first `limit` in filing order (all without a limit)
    perspectives: list[Quote]
    difficulties_count: int  # all of them
    perspectives_count: int


def quotes_of(fund: Fund, *, limit: int | None = None) -> Quotes:
    """Difficulties, and other ideas (PIC) or perspectives (CVS), quoted from the filed bilans in filing order:
    every one counted, the first `limit` of each kept (the page shows 30; the XLSX has them all). One query."""
    if fund.scheme == Fund.Scheme.CVS:
        bilans = CvsBilan.objects.filter(fund=fund, status__in=COUNTED_BILAN_STATUSES)
        columns, other = ("perspective", "perspective_comment"), _cvs_perspective
    else:
        bilans, columns, other = counted_bilans(fund), ("other_ideas",), _other_ideas
    rows = bilans.order_by("application__number", "pk").values_list(
        "application__reference", "application__title", "difficulties", *columns
    )
    keep = limit if limit is not None else float("inf")
    difficulties, perspectives, counts = [], [], [0, 0]
    for reference, title, difficulty, *rest in rows:
        if text := difficulty.strip():
            counts[0] += 1
            if counts[0] <= keep:
                difficulties.append(Quote(reference, title, text))
        if (perspective := other(rest)) is not None:
            counts[1] += 1
            if counts[1] <= keep:
                perspectives.append(Quote(reference, title, *perspective))
    return Quotes(difficulties, perspectives, *counts)
