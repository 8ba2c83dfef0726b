"""What the annual report reads from the bilans: participation, effects, quotes."""

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
    bilans = counted_bilans(fund)
    totals = bilans.aggregate(
        **people_sums(),
        renew_yes=Count("pk", filter=Q(wants_to_renew=True)),
        renew_no=Count("pk", filter=Q(wants_to_renew=False)),
    )
    rows = (
        bilans.values(theme_name=F("application__theme__name"), theme_position=F("application__theme__position"))
        .annotate(**people_sums())
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
    return Participation(
        bilans=totals["bilans"],
        participants=GenderCount(totals["participant_women_sum"], totals["participant_men_sum"]),
        mobilised=GenderCount(totals["mobilised_women_sum"], totals["mobilised_men_sum"]),
        by_theme=by_theme,
        wants_to_renew=totals["renew_yes"],
        does_not_want_to_renew=totals["renew_no"],
    )


def _bilans_by(rows: QuerySet, *, key: str, bilan: str) -> dict:
    """How many distinct bilans (`bilan`: the path to them) each value of `key` has among these rows (one grouped
    query)."""
    return {row[key]: row["bilans"] for row in rows.values(key).annotate(bilans=Count(bilan, distinct=True)).order_by()}


def effects_of(fund: Fund, *, bilans_count: int) -> Effects:
    """How many counted bilans report each effect of the grid, and each item of it (two grouped queries)."""
    bilans = counted_bilans(fund)
    observed = _bilans_by(EffectObservation.objects.filter(bilan__in=bilans), key="effect", bilan="bilan")
    ticked = _bilans_by(
        EffectChange.objects.filter(observation__bilan__in=bilans), key="change", bilan="observation__bilan"
    )
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


def _cvs_perspective(row: dict) -> tuple[str, str] | None:
    """A CVS bilan's perspective: its comment and its label ("Maintien"), if either is given."""
    if not (row["perspective"] or row["perspective_comment"].strip()):
        return None
    label = str(Perspective(row["perspective"]).label) if row["perspective"] else ""
    return row["perspective_comment"].strip(), label


def _other_ideas(row: dict) -> tuple[str, str] | None:
    """A PIC bilan's other ideas, if any (no label)."""
    text = row["other_ideas"].strip()
    return (text, "") if text else None


def quotes_of(fund: Fund) -> tuple[list[Quote], list[Quote]]:
    """Difficulties, and other ideas (PIC) or perspectives (CVS), quoted from the filed bilans."""
    if fund.scheme == Fund.Scheme.CVS:
        rows = CvsBilan.objects.filter(fund=fund, status__in=COUNTED_BILAN_STATUSES).values(
            "application__reference", "application__title", "difficulties", "perspective", "perspective_comment"
        )
        other = _cvs_perspective
    else:
        rows = counted_bilans(fund).values(
            "application__reference", "application__title", "difficulties", "other_ideas"
        )
        other = _other_ideas
    difficulties, perspectives = [], []
    for row in rows.order_by("application__number", "pk"):
        reference, title = row["application__reference"], row["application__title"]
        if row["difficulties"].strip():
            difficulties.append(Quote(reference, title, row["difficulties"].strip()))
        if (perspective := other(row)) is not None:
            perspectives.append(Quote(reference, title, *perspective))
    return difficulties, perspectives
