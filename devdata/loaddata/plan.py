"""The plan of the region: which statuses, bilans and sessions each fund gets (`Random` seeded "plan").

Keys are statuses, except closed_* which tell how a closed request got there.
"""

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from devdata.loaddata.constants import MAX_AGENDA, TODAY
from devdata.loaddata.helpers import largest_remainder
from devdata.loaddata.spec import Spec
from funds.models import Fund
from reports.models import BilanStatus

# Keys are statuses, except closed_* which tell how a closed request got there.

PAST_MIX = {
    "draft": 5,
    "withdrawn": 4,
    "ineligible": 2,
    "closed_ineligible": 6,
    "refused": 4,
    "closed_refused": 10,
    "deferred": 2,
    "closed_granted": 40,
    "balance_paid": 5,
    "bilan_accepted": 1,
    "bilan_received": 2,
    "bilan_due": 12,
    "advance_paid": 7,
}
CURRENT_MIX = {
    "draft": 8,
    "submitted": 6,
    "under_review": 6,
    "completion_requested": 3,
    "resubmitted": 2,
    "eligible": 5,
    "ineligible": 2,
    "closed_ineligible": 1,
    "withdrawn": 3,
    "on_agenda": 5,
    "deferred": 3,
    "refused": 5,
    "closed_refused": 2,
    "granted": 4,
    "advance_paid": 15,
    "bilan_due": 10,
    "bilan_received": 6,
    "bilan_accepted": 2,
    "balance_paid": 6,
    "closed_granted": 6,
}
GRANTED_KEYS = (
    "granted",
    "advance_paid",
    "bilan_due",
    "bilan_received",
    "bilan_accepted",
    "balance_paid",
    "closed_granted",
)
AGENDA_KEYS = frozenset({"on_agenda", "deferred", "refused", "closed_refused", *GRANTED_KEYS})
PAID_ADVANCE_KEYS = frozenset(GRANTED_KEYS[1:])
PAID_BALANCE_KEYS = frozenset({"balance_paid", "closed_granted"})
# The balance is paid only once the bilan is accepted ("bilan_accepted" comes before it).
MANDATORY_BILAN = {
    "bilan_received": BilanStatus.SUBMITTED,
    "bilan_accepted": BilanStatus.ACCEPTED,
    "balance_paid": BilanStatus.ACCEPTED,
    "closed_granted": BilanStatus.ACCEPTED,
}
OPTIONAL_BILAN = frozenset({"advance_paid", "bilan_due"})

SCHEME_MAX_GRANT = {
    Fund.Scheme.PIC: Decimal("1500"),
    Fund.Scheme.FPH: Decimal("800"),
    Fund.Scheme.FIFTY_FIFTY: Decimal("2000"),
    Fund.Scheme.CVS: Decimal("8000"),
}


def scheme_of(index: int) -> str:
    if index % 10 == 9:
        return Fund.Scheme.CVS
    if index % 5 == 3:
        return Fund.Scheme.FPH
    if index % 7 == 5:
        return Fund.Scheme.FIFTY_FIFTY
    return Fund.Scheme.PIC


@dataclass
class FundPlan:
    association_index: int
    year: int
    requests: int
    keys: list[str] = field(default_factory=list)  # one status key per request, in random order
    with_bilan: set[int] = field(default_factory=set)  # positions (in `keys`) of requests that have a bilan
    sessions: int = 0

    @property
    def current(self) -> bool:
        return self.year >= TODAY.year


def mix_for(year: int) -> dict[str, int]:
    return CURRENT_MIX if year >= TODAY.year else PAST_MIX


def status_keys(rng: random.Random, count: int, mix: dict[str, int]) -> list[str]:
    names = list(mix)
    parts = largest_remainder(count, [mix[name] for name in names])
    keys = [name for name, part in zip(names, parts, strict=True) for _ in range(part)]
    rng.shuffle(keys)
    return keys


def presentations(keys: list[str]) -> tuple[int, int]:
    """(closed-session presentations, planned-session presentations) before deferrals are added."""
    closed = sum(1 for key in keys if key in AGENDA_KEYS and key != "on_agenda")
    planned = sum(1 for key in keys if key == "on_agenda")
    return closed, planned


def plan_region(spec: Spec) -> list[FundPlan]:
    """How many requests each fund receives, their statuses, which have a bilan, how many sessions each holds."""
    rng = random.Random(f"{spec.seed}:{spec.label}:plan")
    funds = _plan_requests(rng, spec)
    _plan_bilans(rng, spec, funds)
    _plan_sessions(spec, funds)
    return funds


def _plan_requests(rng: random.Random, spec: Spec) -> list[FundPlan]:
    """Requests per fund: one big fund (association 0, 2024), the rest in random proportions."""
    funds = [FundPlan(a, year, 0) for a in range(spec.associations) for year in spec.years]
    big_year = 2024 if 2024 in spec.years else spec.years[0]
    big = next(i for i, plan in enumerate(funds) if plan.association_index == 0 and plan.year == big_year)
    weights = [rng.uniform(0.6, 1.4) * (2.0 if plan.association_index == 0 else 1.0) for plan in funds]
    big_count = spec.requests if len(funds) == 1 else min(spec.big_fund_requests, spec.requests)
    others = largest_remainder(spec.requests - big_count, [w for i, w in enumerate(weights) if i != big])
    others.insert(big, big_count)
    for plan, count in zip(funds, others, strict=True):
        plan.requests = count
        plan.keys = status_keys(rng, plan.requests, mix_for(plan.year))
    return funds


def _plan_bilans(rng: random.Random, spec: Spec, funds: list[FundPlan]) -> None:
    """Every request whose bilan is filed, plus drafts and returned bilans to reach the target."""
    mandatory = sum(1 for plan in funds for key in plan.keys if key in MANDATORY_BILAN)
    optional = [(i, pos) for i, plan in enumerate(funds) for pos, key in enumerate(plan.keys) if key in OPTIONAL_BILAN]
    wanted = len(optional) + mandatory if spec.bilans is None else spec.bilans
    extra = min(max(wanted - mandatory, 0), len(optional))
    for plan in funds:
        plan.with_bilan = {pos for pos, key in enumerate(plan.keys) if key in MANDATORY_BILAN}
    for i, pos in rng.sample(optional, extra):
        funds[i].with_bilan.add(pos)


def _plan_sessions(spec: Spec, funds: list[FundPlan]) -> None:
    """Enough sessions for agendas of at most MAX_AGENDA requests; the rest in proportion to the agendas."""
    minimum = []
    for plan in funds:
        closed, planned = presentations(plan.keys)
        # Deferred-then-decided requests take a second seat: about one in ten decided requests.
        closed = closed + closed // 10
        needed = max(1, math.ceil(closed / MAX_AGENDA))
        if plan.current:
            needed += max(1, math.ceil(planned / MAX_AGENDA))
        minimum.append(needed)
    total = sum(minimum) if spec.sessions is None else max(spec.sessions, sum(minimum))
    extra_sessions = largest_remainder(total - sum(minimum), [max(presentations(plan.keys)[0], 1) for plan in funds])
    for plan, needed, more in zip(funds, minimum, extra_sessions, strict=True):
        plan.sessions = needed + more
