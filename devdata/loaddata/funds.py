"""One fund of an association: the fund, its committee and sessions, its requests, its envelope and co-funders."""

import datetime
import math
from decimal import Decimal

from applications.models import ReferenceCounter
from committees.models import Committee, CommitteeMember
from core.money import CENT
from devdata.loaddata.constants import FIRST_NAMES, LAST_NAMES, MAX_AGENDA, TODAY
from devdata.loaddata.context import AssociationWork, FundWork, Run
from devdata.loaddata.helpers import at, round_to
from devdata.loaddata.payments import write_money_and_bilan
from devdata.loaddata.plan import SCHEME_MAX_GRANT, FundPlan, scheme_of
from devdata.loaddata.requests import request_content, write_request
from devdata.loaddata.sessions import new_session, seat, write_sessions
from devdata.loaddata.timeline import timeline
from devdata.loaddata.writer import THROUGH_AMBITIONS, THROUGH_NEIGHBOURHOODS, THROUGH_THEMES
from funds.models import Fund, FundCoFunder


def add_fund(run: Run, work: AssociationWork, plan: FundPlan, owner_of: list[int]) -> None:
    rng = work.rng
    fund_work = _fund_and_committee(run, work, plan)
    _add_sessions(fund_work, work, plan)
    _add_requests(fund_work, work, plan, owner_of)
    fund_work.seats = seat(rng, fund_work, force_full=plan.association_index == 0)
    timeline(rng, fund_work, work.staff)
    filed = _number(fund_work)
    shares = _envelope_and_shares(run, work, plan, fund_work)
    _write(run, work, fund_work, shares, filed)


def _fund_and_committee(run: Run, work: AssociationWork, plan: FundPlan) -> FundWork:
    rng, year, town = work.rng, plan.year, work.town
    scheme = scheme_of(work.index)
    prefix = {"fifty_fifty": "FF"}.get(scheme, scheme.upper())
    max_grant = SCHEME_MAX_GRANT[scheme]
    fund = Fund(
        association=work.association,
        name=f"{prefix} {town} {year}",
        slug=f"{work.association.slug}-{scheme.replace('_', '-')}-{year}"[:80],
        scheme=scheme,
        year=year,
        description=f"Le fonds {prefix} de {town} soutient les projets des habitant·es des quartiers prioritaires.",
        is_published=True,
        envelope=Decimal("0"),  # set later, once the grants are known
        call_opens_on=datetime.date(year, 1, 15),
        call_closes_on=datetime.date(year, 11, 30),
        max_grant=max_grant,
        max_grant_second_request=(max_grant / 2).quantize(CENT) if rng.random() < 0.3 else None,
        filing_days_before_committee=15,
        advance_percent=Decimal(rng.choice(("80", "80", "70"))),
        bilan_due_days=rng.choice((30, 30, 60)),
        block_requests_if_bilan_overdue=rng.random() < 0.2,
        created_at=at(datetime.date(year - 1, 12, 1), 10),
    )
    run.summary.fund_slugs.append(fund.slug)
    themes = run.shared.themes
    fund_themes = themes if scheme == Fund.Scheme.PIC else rng.sample(themes, min(7, len(themes)))
    ambitions = run.shared.ambitions
    fund_ambitions = rng.sample(ambitions, min(8, len(ambitions))) if scheme == Fund.Scheme.CVS else []
    committee = Committee(
        fund=fund,
        name=f"Comité d'attribution {prefix} {town} {year}",
        decision_rule=Committee.DecisionRule.ABSOLUTE_MAJORITY
        if rng.random() < 0.2
        else Committee.DecisionRule.SIMPLE_MAJORITY,
    )
    members = []
    for n, college in enumerate(["resident"] * 4 + ["association"] * 3 + ["ex_officio"] * 2):
        members.append(
            CommitteeMember(
                committee=committee,
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n + 1}",
                college=college,
                email=f"membre{work.index:02d}-{year}-{n}@{run.spec.label}.example.org",
                organisation="" if college == "resident" else rng.choice(("Mairie", "Bailleur", "Association")),
                mandate_start=datetime.date(year, 1, 1),
                mandate_end=datetime.date(year, 12, 31),
            )
        )
    return FundWork(
        fund=fund, prefix=prefix, themes=fund_themes, ambitions=fund_ambitions, committee=committee, members=members
    )


def _add_sessions(fund_work: FundWork, work: AssociationWork, plan: FundPlan) -> None:
    """Closed sessions spread over the year (up to a week before TODAY for the current year), then, for the
    current year, the planned ones after TODAY."""
    rng, staff, committee, year = work.rng, work.staff, fund_work.committee, plan.year
    planned_count = 0
    if plan.current:
        planned_count = max(1, math.ceil(sum(1 for k in plan.keys if k == "on_agenda") / MAX_AGENDA))
    closed_count = max(1, plan.sessions - planned_count)
    season_start = datetime.date(year, 3, 1)
    season_end = TODAY - datetime.timedelta(days=7) if plan.current else datetime.date(year, 12, 10)
    span = (season_end - season_start).days
    for k in range(closed_count):
        day = season_start + datetime.timedelta(days=int(span * (k + 0.5) / closed_count))
        fund_work.sessions.append(new_session(committee, day, closed=True, creator=staff[k % 2], rng=rng))
    for k in range(planned_count):
        day = TODAY + datetime.timedelta(days=14 * (k + 1))
        fund_work.planned.append(new_session(committee, day, closed=False, creator=staff[k % 2], rng=rng))


def _add_requests(fund_work: FundWork, work: AssociationWork, plan: FundPlan, owner_of: list[int]) -> None:
    for pos, key in enumerate(plan.keys):
        owner_index = owner_of[pos] if pos < len(owner_of) else 0
        content = request_content(
            work.rng, fund_work, key, work.owners[owner_index], work.holders[owner_index], work.qpvs
        )
        content.update(order=pos, bilan=pos in plan.with_bilan)
        fund_work.requests.append(content)


def _number(fund_work: FundWork) -> int:
    """References numbered per fund in filing order; how many requests were filed."""
    requests, fund = fund_work.requests, fund_work.fund
    filed = sorted((r for r in requests if r["submitted_at"]), key=lambda r: (r["submitted_at"], r["order"]))
    for number, request in enumerate(filed, start=1):
        request["app"].number = number
        request["app"].reference = f"{fund_work.prefix}-{fund.year}-{number:04d}"
    return len(filed)


def _envelope_and_shares(run: Run, work: AssociationWork, plan: FundPlan, fund_work: FundWork) -> list[tuple]:
    """The envelope (granted sums plus a margin); the Région 50 to 70 %, the city the rest, sometimes a third."""
    rng, shared, city, fund = work.rng, run.shared, work.city, fund_work.fund
    granted_total = sum((r["granted"] for r in fund_work.requests if r.get("granted")), Decimal("0"))
    factor = Decimal(str(rng.uniform(1.25, 1.5) if plan.current else rng.uniform(1.03, 1.12)))
    envelope = max(round_to(granted_total * factor, 1000) + 1000, fund.max_grant * 5)
    fund.envelope = envelope
    region_share = round_to(envelope * Decimal(str(rng.uniform(0.5, 0.7))), 100)
    shares = [(shared.region, region_share)]
    rest = envelope - region_share
    if city is not None and shared.partners and rng.random() < 0.3:
        third = round_to(rest * Decimal("0.3"), 100)
        shares += [(city, rest - third), (rng.choice(shared.partners), third)]
    elif city is not None:
        shares.append((city, rest))
    else:
        shares = [(shared.region, envelope)]
    return shares


def _write(run: Run, work: AssociationWork, fund_work: FundWork, shares: list[tuple], filed: int) -> None:
    writer, rng, staff, fund = run.writer, work.rng, work.staff, fund_work.fund
    writer.add(fund)
    for theme in fund_work.themes:
        writer.add(THROUGH_THEMES(fund=fund, theme=theme))
    for neighbourhood in work.qpvs:
        writer.add(THROUGH_NEIGHBOURHOODS(fund=fund, neighbourhood=neighbourhood))
    for ambition in fund_work.ambitions:
        writer.add(THROUGH_AMBITIONS(fund=fund, cvsambition=ambition))
    for funder, amount in shares:
        writer.add(FundCoFunder(fund=fund, funder=funder, amount=amount))
    writer.add(ReferenceCounter(fund=fund, last_number=filed))
    writer.add(fund_work.committee)
    for member in fund_work.members:
        writer.add(member)
    for request in fund_work.requests:
        write_request(run, rng, request, staff)
    for session in fund_work.all_sessions:
        writer.add(session)
    write_sessions(run, rng, fund_work, staff)
    for request in fund_work.requests:
        write_money_and_bilan(run, rng, fund, request, staff)
