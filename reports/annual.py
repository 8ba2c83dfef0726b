"""The annual report of a fund (*rapport annuel*) that the carrier association sends its co-funders.

One fund runs one year (`Fund.year`), so the report of a fund covers everything recorded in it: money
(the envelope by co-funder, granted, paid, left; granted by theme and by neighbourhood), activity (requests
filed, eligible, granted, deferred, refused; average grant; median days from filing to the committee's
decision), participation counted by women and men in the bilans, the effects observed (seed 004 grid), the
list of projects, and the difficulties and perspectives quoted from the bilans. No holder, referent or
user name appears anywhere in it.

Who may read it: `readable_funds()` (the carrier association's staff, the co-funders' staff, the site
administrator). Every figure is an aggregate computed by the database (`aggregate`, `annotate`, `Count` and
`Sum` with `filter=Q(...)`); the only list read row by row is the list of projects, in one query. The
number of queries of `annual_report()` does not depend on the number of projects.

Definitions (also printed under the tables of the report):

- *received*: every request filed (a submission date), whatever happened next (withdrawn included);
- *eligible*: declared eligible at some point: its status is eligible or later in the workflow, or it was
  put on a committee's agenda, or its history records the move to eligible (e.g. withdrawn afterwards);
- *granted* / *deferred* / *refused*: requests with at least one committee decision of that outcome (a
  request deferred then granted counts in both);
- amounts granted are effective amounts: the decision plus its amendments;
- *days to decision*: from the day of filing (Paris time) to the date of the committee session that
  granted or refused the request;
- participation, effects, difficulties and perspectives come from the bilans filed (submitted or accepted).
"""

import datetime
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, StatusChange
from applications.workflow import Status
from committees.models import AgendaItem, Amendment, Decision, Payment
from committees.selectors import MONEY_OUTPUT, FundMoneySummary, fund_money_summary
from core.money import CENT, ZERO
from core.templatetags.portal_format import NBSP, format_money, format_number
from funds.models import Fund
from reports import charts
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
from reports.permissions import readable_funds  # noqa: F401  (read here by bench and older callers)
from reports.workflow import COUNTED_BILAN_STATUSES, ELIGIBLE_OR_LATER

# Decisions that end the committee's work on a request (a deferral does not).
FINAL_OUTCOMES = (Decision.Outcome.GRANTED, Decision.Outcome.REFUSED)


# --- Small value types ------------------------------------------------------------------------------------


def share_percent(part, whole) -> Decimal | None:
    """part / whole in percent, to the hundredth (None when the whole is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None) -> str:
    """59.09 -> '59 %' (a non-breaking space before the sign); '—' when there is no share."""
    return "—" if value is None else f"{format_number(value, 0)}{NBSP}%"


@dataclass(frozen=True)
class GenderCount:
    women: int
    men: int

    @property
    def total(self) -> int:
        return self.women + self.men

    @property
    def women_share(self) -> Decimal | None:
        return share_percent(self.women, self.total)

    @property
    def men_share(self) -> Decimal | None:
        return share_percent(self.men, self.total)


@dataclass(frozen=True)
class AmountRow:
    """Amount granted to one theme or one neighbourhood."""

    label: str
    code: str  # the QPV code for a neighbourhood, "" for a theme
    projects: int
    amount: Decimal
    share: Decimal | None  # of the total granted, in percent


@dataclass(frozen=True)
class Activity:
    received: int
    eligible: int
    granted: int
    deferred: int
    refused: int
    granted_amount: Decimal
    decided: int  # requests granted or refused with a session date: the median's sample
    median_days_to_decision: Decimal | None

    @property
    def median_days_text(self) -> str:
        """35.5 -> '35,5'; 40.0 -> '40'."""
        value = self.median_days_to_decision
        if value is None:
            return ""
        return format_number(value, 0 if value == value.to_integral_value() else 1)

    @property
    def average_grant(self) -> Decimal | None:
        if not self.granted:
            return None
        return (self.granted_amount / self.granted).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ParticipationRow:
    label: str  # the theme
    bilans: int
    participants: GenderCount
    mobilised: GenderCount


@dataclass(frozen=True)
class Participation:
    bilans: int
    participants: GenderCount
    mobilised: GenderCount
    by_theme: list[ParticipationRow]
    wants_to_renew: int
    does_not_want_to_renew: int


@dataclass(frozen=True)
class ItemCount:
    label: str
    bilans: int


@dataclass(frozen=True)
class EffectCount:
    effect: str
    label: str
    bilans: int
    items: list[ItemCount]


@dataclass(frozen=True)
class EffectLevelBlock:
    level: str
    label: str
    effects: list[EffectCount]


@dataclass(frozen=True)
class Effects:
    bilans: int  # bilans counted (the denominator)
    levels: list[EffectLevelBlock]


@dataclass(frozen=True)
class ProjectRow:
    reference: str
    title: str
    theme: str
    neighbourhood: str
    status: str
    status_label: str
    submitted_on: datetime.date | None
    amount_requested: Decimal | None
    granted: Decimal
    paid: Decimal
    decided_on: datetime.date | None
    days_to_decision: int | None


# Quotes shown in the page and the PDF for each of difficulties and perspectives; the XLSX has them all.
QUOTES_SHOWN = 30


@dataclass(frozen=True)
class Quote:
    reference: str
    title: str
    text: str
    label: str = ""  # e.g. the CVS perspective ("Maintien")


@dataclass(frozen=True)
class AnnualReport:
    fund: Fund
    year: int
    funders: list[str]  # co-funders' names, the largest contribution first
    money: FundMoneySummary
    by_theme: list[AmountRow]
    by_neighbourhood: list[AmountRow]
    activity: Activity
    participation: Participation
    effects: Effects
    projects: list[ProjectRow]
    difficulties: list[Quote]
    perspectives: list[Quote]
    generated_at: datetime.datetime
    theme_chart: str
    participation_chart: str

    @property
    def association(self):
        return self.fund.association

    @property
    def projects_by_neighbourhood(self) -> list[tuple[str, list[ProjectRow]]]:
        """The projects grouped by neighbourhood (by name), each group in filing order: the PDF's annex."""
        groups: dict[str, list[ProjectRow]] = {}
        for project in self.projects:
            groups.setdefault(str(project.neighbourhood), []).append(project)
        return sorted(groups.items(), key=lambda group: group[0].casefold())

    @property
    def difficulties_shown(self) -> list[Quote]:
        return self.difficulties[:QUOTES_SHOWN]

    @property
    def perspectives_shown(self) -> list[Quote]:
        return self.perspectives[:QUOTES_SHOWN]

    @property
    def difficulties_not_shown(self) -> int:
        return max(0, len(self.difficulties) - QUOTES_SHOWN)

    @property
    def perspectives_not_shown(self) -> int:
        return max(0, len(self.perspectives) - QUOTES_SHOWN)

    @property
    def is_cvs(self) -> bool:
        return self.fund.scheme == Fund.Scheme.CVS


# --- Money ------------------------------------------------------------------------------------------------


def _granted_decisions(fund: Fund) -> QuerySet[Decision]:
    # Scoped as committees.selectors.granted_total, so the rows add up to the fund's total granted.
    return Decision.objects.filter(item__session__committee__fund=fund, outcome=Decision.Outcome.GRANTED)


def _granted_amendments(fund: Fund) -> QuerySet[Amendment]:
    return Amendment.objects.filter(
        decision__item__session__committee__fund=fund, decision__outcome=Decision.Outcome.GRANTED
    )


def _granted_by(fund: Fund, *, key: str, label: str, code: str | None, missing: str, total: Decimal):
    """Effective amount granted grouped by one field of the request (two grouped queries)."""
    fields = {"key": F(f"item__application__{key}"), "name": F(f"item__application__{label}")}
    if code:
        fields["code"] = F(f"item__application__{code}")
    rows = (
        _granted_decisions(fund)
        .values(**fields)
        .annotate(amount=Sum("amount_granted"), projects=Count("item__application", distinct=True))
        .order_by()
    )
    deltas = {
        row["key"]: row["delta"] or ZERO
        for row in _granted_amendments(fund)
        .values(key=F(f"decision__item__application__{key}"))
        .annotate(delta=Sum("amount_delta"))
        .order_by()
    }
    result = []
    for row in rows:
        amount = ((row["amount"] or ZERO) + deltas.get(row["key"], ZERO)).quantize(CENT)
        result.append(
            AmountRow(
                label=row["name"] or missing,
                code=row.get("code") or "",
                projects=row["projects"],
                amount=amount,
                share=share_percent(amount, total),
            )
        )
    result.sort(key=lambda r: (-r.amount, r.label))
    return result


# --- Activity and projects --------------------------------------------------------------------------------


def _filed(fund: Fund) -> QuerySet[Application]:
    return Application.objects.filter(fund=fund, submitted_at__isnull=False)


def _decided(outcome: str) -> Q:
    return Q(Exists(Decision.objects.filter(item__application=OuterRef("pk"), outcome=outcome)))


def _was_eligible() -> Q:
    return (
        Q(status__in=ELIGIBLE_OR_LATER)
        | Q(Exists(AgendaItem.objects.filter(application=OuterRef("pk"))))
        | Q(Exists(StatusChange.objects.filter(application=OuterRef("pk"), to_status=Status.ELIGIBLE)))
    )


def _sum_of(queryset, field_name: str, group_by: str):
    return Coalesce(
        Subquery(queryset.values(group_by).annotate(total=Sum(field_name)).values("total")[:1]),
        Value(ZERO),
        output_field=MONEY_OUTPUT,
    )


def _projects(fund: Fund) -> list[ProjectRow]:
    """Every filed request with its effective grant, what was paid and the date of its final decision."""
    decisions = Decision.objects.filter(item__application=OuterRef("pk"), outcome=Decision.Outcome.GRANTED)
    amendments = Amendment.objects.filter(
        decision__item__application=OuterRef("pk"), decision__outcome=Decision.Outcome.GRANTED
    )
    payments = Payment.objects.filter(application=OuterRef("pk"))
    final_session = (
        AgendaItem.objects.filter(application=OuterRef("pk"), decision__outcome__in=FINAL_OUTCOMES)
        .order_by("session__date")
        .values("session__date")[:1]
    )
    applications = (
        _filed(fund)
        .annotate(
            decided_amount=_sum_of(decisions, "amount_granted", "item__application"),
            amended_amount=_sum_of(amendments, "amount_delta", "decision__item__application"),
            paid_amount=_sum_of(payments, "amount", "application"),
            decided_on=Subquery(final_session),
        )
        .order_by("number", "pk")
        # Plain rows, no model instances: a thousand projects in a few milliseconds.
        .values(
            "reference",
            "title",
            "status",
            "submitted_at",
            "amount_requested",
            "theme__name",
            "neighbourhood__name",
            "decided_amount",
            "amended_amount",
            "paid_amount",
            "decided_on",
        )
    )
    status_labels = {value: str(label) for value, label in Status.choices}
    no_theme, no_neighbourhood = _("Thématique non renseignée"), _("Quartier non renseigné")
    rows = []
    for row in applications:
        submitted_on = timezone.localtime(row["submitted_at"]).date()
        decided_on = row["decided_on"]
        rows.append(
            ProjectRow(
                reference=row["reference"],
                title=row["title"],
                theme=row["theme__name"] or no_theme,
                neighbourhood=row["neighbourhood__name"] or no_neighbourhood,
                status=row["status"],
                status_label=status_labels.get(row["status"], row["status"]),
                submitted_on=submitted_on,
                amount_requested=row["amount_requested"],
                granted=(row["decided_amount"] + row["amended_amount"]).quantize(CENT),
                paid=row["paid_amount"].quantize(CENT),
                decided_on=decided_on,
                days_to_decision=(decided_on - submitted_on).days if decided_on else None,
            )
        )
    return rows


def _activity(fund: Fund, *, granted_amount: Decimal, projects: list[ProjectRow]) -> Activity:
    counts = _filed(fund).aggregate(
        received=Count("pk"),
        eligible=Count("pk", filter=_was_eligible()),
        granted=Count("pk", filter=_decided(Decision.Outcome.GRANTED)),
        deferred=Count("pk", filter=_decided(Decision.Outcome.DEFERRED)),
        refused=Count("pk", filter=_decided(Decision.Outcome.REFUSED)),
    )
    # The median is not a portable SQL aggregate: it is taken on the days already read with the projects.
    days = [row.days_to_decision for row in projects if row.days_to_decision is not None]
    median = Decimal(str(statistics.median(days))).quantize(Decimal("0.1")) if days else None
    return Activity(
        **counts,
        granted_amount=granted_amount,
        decided=len(days),
        median_days_to_decision=median,
    )


# --- Bilans: participation, effects, quotes ---------------------------------------------------------------


def counted_bilans(fund: Fund) -> QuerySet[Bilan]:
    return Bilan.objects.filter(application__fund=fund, status__in=COUNTED_BILAN_STATUSES)


def _people_sums() -> dict:
    def total(name):
        return Coalesce(Sum(name), Value(0), output_field=IntegerField())

    return {
        "bilans": Count("pk"),
        "participant_women_sum": total("participant_women"),
        "participant_men_sum": total("participant_men"),
        "mobilised_women_sum": total("mobilised_women"),
        "mobilised_men_sum": total("mobilised_men"),
    }


def _participation(fund: Fund) -> Participation:
    bilans = counted_bilans(fund)
    totals = bilans.aggregate(
        **_people_sums(),
        renew_yes=Count("pk", filter=Q(wants_to_renew=True)),
        renew_no=Count("pk", filter=Q(wants_to_renew=False)),
    )
    rows = (
        bilans.values(theme_name=F("application__theme__name"), theme_position=F("application__theme__position"))
        .annotate(**_people_sums())
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


def _effects(fund: Fund, *, bilans_count: int) -> Effects:
    """How many counted bilans report each effect of the grid, and each item of it (two grouped queries)."""
    bilans = counted_bilans(fund)
    observed = {
        row["effect"]: row["bilans"]
        for row in EffectObservation.objects.filter(bilan__in=bilans)
        .values("effect")
        .annotate(bilans=Count("bilan", distinct=True))
        .order_by()
    }
    ticked = {
        row["change"]: row["bilans"]
        for row in EffectChange.objects.filter(observation__bilan__in=bilans)
        .values("change")
        .annotate(bilans=Count("observation__bilan", distinct=True))
        .order_by()
    }
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


def _quotes(fund: Fund) -> tuple[list[Quote], list[Quote]]:
    """Difficulties, and other ideas (PIC) or perspectives (CVS), quoted from the filed bilans."""
    if fund.scheme == Fund.Scheme.CVS:
        rows = (
            CvsBilan.objects.filter(application__fund=fund, status__in=COUNTED_BILAN_STATUSES)
            .values(
                "application__reference", "application__title", "difficulties", "perspective", "perspective_comment"
            )
            .order_by("application__number", "pk")
        )
        difficulties, perspectives = [], []
        for row in rows:
            reference, title = row["application__reference"], row["application__title"]
            if row["difficulties"].strip():
                difficulties.append(Quote(reference, title, row["difficulties"].strip()))
            if row["perspective"] or row["perspective_comment"].strip():
                label = str(Perspective(row["perspective"]).label) if row["perspective"] else ""
                perspectives.append(Quote(reference, title, row["perspective_comment"].strip(), label))
        return difficulties, perspectives
    rows = (
        counted_bilans(fund)
        .values("application__reference", "application__title", "difficulties", "other_ideas")
        .order_by("application__number", "pk")
    )
    difficulties, perspectives = [], []
    for row in rows:
        reference, title = row["application__reference"], row["application__title"]
        if row["difficulties"].strip():
            difficulties.append(Quote(reference, title, row["difficulties"].strip()))
        if row["other_ideas"].strip():
            perspectives.append(Quote(reference, title, row["other_ideas"].strip()))
    return difficulties, perspectives


# --- Charts -----------------------------------------------------------------------------------------------


def _theme_chart(fund: Fund, rows: list[AmountRow]) -> str:
    bars = [
        charts.Bar(row.label, row.amount, f"{format_money(row.amount)} ({format_percent(row.share)})") for row in rows
    ]
    description = _("Montant accordé par thématique : %(values)s.") % {
        "values": " ; ".join(f"{bar.label} : {bar.text}" for bar in bars)
    }
    return charts.horizontal_bar_chart(
        chart_id=f"graphique-thematiques-{fund.pk}",
        title=_("Montants accordés par thématique — %(fund)s") % {"fund": fund.name},
        description=description,
        bars=bars,
    )


def _people_text(count: int, share: Decimal | None) -> str:
    return f"{format_number(count)} ({format_percent(share)})"


def _participation_chart(fund: Fund, participation: Participation) -> str:
    groups = [
        (_("Participant·es"), participation.participants),
        (_("Habitant·es mobilisé·es"), participation.mobilised),
    ]
    women = charts.Series(
        _("Femmes"),
        charts.WOMEN_COLOUR,
        [count.women for _label, count in groups],
        [_people_text(count.women, count.women_share) for _label, count in groups],
    )
    men = charts.Series(
        _("Hommes"),
        charts.MEN_COLOUR,
        [count.men for _label, count in groups],
        [_people_text(count.men, count.men_share) for _label, count in groups],
    )
    description = " ".join(
        _("%(group)s : %(women)s femmes (%(women_share)s), %(men)s hommes (%(men_share)s).")
        % {
            "group": label,
            "women": format_number(count.women),
            "women_share": format_percent(count.women_share),
            "men": format_number(count.men),
            "men_share": format_percent(count.men_share),
        }
        for label, count in groups
    )
    return charts.grouped_bar_chart(
        chart_id=f"graphique-participation-{fund.pk}",
        title=_("Participation des femmes et des hommes — %(fund)s") % {"fund": fund.name},
        description=description,
        groups=[charts.Group(label) for label, _count in groups],
        series=[women, men],
    )


# --- The report -------------------------------------------------------------------------------------------


def annual_report(*, fund: Fund) -> AnnualReport:
    """Every figure of the fund's annual report, in a number of queries that does not grow with the projects."""
    fund = Fund.objects.select_related("association").get(pk=fund.pk)
    money = fund_money_summary(fund=fund)
    projects = _projects(fund)
    participation = _participation(fund)
    by_theme = _granted_by(
        fund, key="theme", label="theme__name", code=None, missing=_("Thématique non renseignée"), total=money.granted
    )
    by_neighbourhood = _granted_by(
        fund,
        key="neighbourhood",
        label="neighbourhood__name",
        code="neighbourhood__code",
        missing=_("Quartier non renseigné"),
        total=money.granted,
    )
    difficulties, perspectives = _quotes(fund)
    return AnnualReport(
        fund=fund,
        year=fund.year,
        funders=[share.funder.name for share in money.by_cofunder],
        money=money,
        by_theme=by_theme,
        by_neighbourhood=by_neighbourhood,
        activity=_activity(fund, granted_amount=money.granted, projects=projects),
        participation=participation,
        effects=_effects(fund, bilans_count=participation.bilans),
        projects=projects,
        difficulties=difficulties,
        perspectives=perspectives,
        generated_at=timezone.now(),
        theme_chart=_theme_chart(fund, by_theme),
        participation_chart=_participation_chart(fund, participation),
    )
