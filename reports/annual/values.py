"""The annual report's values: small typed rows the page, the PDF and the workbook read."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from committees.selectors import FundMoneySummary
from core.money import CENT
from core.templatetags.portal_format import NBSP, format_number
from funds.models import Fund


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


# The PDF's list of projects is laid out in paragraphs of this many lines (see AnnualReport.projects_annex).
ANNEX_LINES_PER_BLOCK = 50
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
    difficulties: list[Quote]  # all of them for the documents, the first `QUOTES_SHOWN` for the page
    perspectives: list[Quote]
    difficulties_count: int  # all of them, listed or not
    perspectives_count: int
    generated_at: datetime.datetime
    theme_chart: str
    participation_chart: str
    narrative: object = None  # the association's own words (`reports.models.AnnualNarrative`), or None

    @property
    def narrative_parts(self) -> list[tuple[str, str]]:
        """The association's words, part by part (title, text; the text "" when not written yet)."""
        from django.utils.translation import gettext as _

        narrative = self.narrative
        return [
            (_("Synthèse de l'année"), narrative.summary if narrative else ""),
            (_("Temps forts"), narrative.highlights if narrative else ""),
            (_("Difficultés rencontrées"), narrative.difficulties if narrative else ""),
            (_("Perspectives"), narrative.perspectives if narrative else ""),
        ]

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
    def projects_annex(self) -> list[tuple[str, int, list[list[ProjectRow]]]]:
        """The PDF's annex: each neighbourhood, its number of projects and its projects in blocks of
        `ANNEX_LINES_PER_BLOCK` (one paragraph of one line per project each: laid out several times faster than a
        paragraph per project, which matters for a fund of thousands of projects)."""
        size = ANNEX_LINES_PER_BLOCK
        return [
            (name, len(rows), [rows[start : start + size] for start in range(0, len(rows), size)])
            for name, rows in self.projects_by_neighbourhood
        ]

    @property
    def difficulties_shown(self) -> list[Quote]:
        return self.difficulties[:QUOTES_SHOWN]

    @property
    def perspectives_shown(self) -> list[Quote]:
        return self.perspectives[:QUOTES_SHOWN]

    @property
    def difficulties_not_shown(self) -> int:
        return max(0, self.difficulties_count - QUOTES_SHOWN)

    @property
    def perspectives_not_shown(self) -> int:
        return max(0, self.perspectives_count - QUOTES_SHOWN)

    @property
    def is_cvs(self) -> bool:
        return self.fund.scheme == Fund.Scheme.CVS
