"""Committee sessions: their agendas (seats), attendance, votes, recusals and decisions."""

import datetime
import math
import random
from collections import defaultdict
from decimal import Decimal

from committees.models import AgendaItem, Attendance, CommitteeSession, Decision, Recusal, Vote
from devdata.loaddata.constants import MAX_AGENDA
from devdata.loaddata.context import FundWork, Run
from devdata.loaddata.helpers import at, largest_remainder
from devdata.loaddata.plan import AGENDA_KEYS
from devdata.loaddata.writer import Writer

Seats = dict[int, list[tuple[int, str]]]


def new_session(committee, day, *, closed: bool, creator, rng) -> CommitteeSession:
    created = at(day - datetime.timedelta(days=30), 9)
    return CommitteeSession(
        committee=committee,
        date=day,
        time=datetime.time(18, 0),
        place=rng.choice(("Salle du conseil", "Maison de quartier", "Centre social, salle 2")),
        status=CommitteeSession.Status.CLOSED if closed else CommitteeSession.Status.PLANNED,
        convocations_sent_at=at(day - datetime.timedelta(days=10), 9) if closed else None,
        opened_at=at(day, 18, 5) if closed else None,
        closed_at=at(day, 21, 30) if closed else None,
        created_by=creator,
        created_at=created,
    )


# --- Agendas ----------------------------------------------------------------------------------------------


def seat(rng: random.Random, fund_work: FundWork, *, force_full: bool) -> Seats:
    """Put requests on agendas. Returns, by session index, (request order, role) where the role is
    "deferral" (a first presentation ending in a deferral) or "final"; planned sessions come after the
    closed ones in the numbering. At most MAX_AGENDA requests per session."""
    requests, closed_n = fund_work.requests, len(fund_work.sessions)
    finals = [r["order"] for r in requests if r["key"] in AGENDA_KEYS and r["key"] != "on_agenda"]
    pairs = [o for o in finals if requests[o]["key"] not in ("deferred",) and rng.random() < 0.1]
    pairs = pairs[: max(0, closed_n * MAX_AGENDA - len(finals))] if closed_n >= 2 else []
    pair_set = set(pairs)
    singles = [o for o in finals if o not in pair_set]
    total = len(finals) + len(pairs)
    seats: Seats = defaultdict(list)
    remaining = _capacities(total, closed_n)
    if force_full and closed_n > 2 and total >= MAX_AGENDA * 2 and len(singles) >= MAX_AGENDA:
        # One session with a full agenda: the minutes' worst case.
        full = closed_n // 2
        others = largest_remainder(total - MAX_AGENDA, [1.0] * (closed_n - 1))
        remaining = others[:full] + [MAX_AGENDA] + others[full:]
        for _ in range(MAX_AGENDA):
            seats[full].append((singles.pop(), "final"))
        remaining[full] = 0
    _seat_pairs(seats, remaining, pairs, singles, closed_n)
    rng.shuffle(singles)
    k = 0
    for order in singles:
        while remaining[k] <= 0:
            k += 1
        seats[k].append((order, "final"))
        remaining[k] -= 1
    on_agenda = [r["order"] for r in requests if r["key"] == "on_agenda"]
    for n, order in enumerate(on_agenda):
        seats[closed_n + n // MAX_AGENDA].append((order, "final"))
    # Remember each request's sessions, in date order.
    for session_index in sorted(seats):
        for order, role in seats[session_index]:
            requests[order]["seats"].append((session_index, role))
    return seats


def _capacities(total: int, closed_n: int) -> list[int]:
    """Seats per closed session: even parts of `total`, none over MAX_AGENDA."""
    capacity = [0] * closed_n
    for k, part in enumerate(largest_remainder(total, [1.0] * closed_n)):
        capacity[k] = min(part, MAX_AGENDA)
    overflow = total - sum(capacity)
    for k in range(closed_n):  # if even parts exceed the cap, spread what is left over the others
        room = MAX_AGENDA - capacity[k]
        take = min(room, overflow)
        capacity[k] += take
        overflow -= take
    if overflow:
        raise RuntimeError("Not enough sessions for the agendas.")
    return capacity


def _seat_pairs(seats: Seats, remaining: list[int], pairs: list[int], singles: list[int], closed_n: int) -> None:
    """Deferred-then-decided requests: two consecutive sessions with room, else seated once."""
    for order in pairs:
        best = max(range(1, closed_n), key=lambda j: (min(remaining[j - 1], remaining[j]), -j))
        if min(remaining[best - 1], remaining[best]) < 1:
            singles.append(order)
            continue
        seats[best - 1].append((order, "deferral"))
        seats[best].append((order, "final"))
        remaining[best - 1] -= 1
        remaining[best] -= 1


# --- Sessions' rows ---------------------------------------------------------------------------------------


def write_sessions(run: Run, rng: random.Random, fund_work: FundWork, staff) -> None:
    writer, requests_by_order = run.writer, fund_work.requests
    for session_index, session in enumerate(fund_work.all_sessions):
        closed = session.status == CommitteeSession.Status.CLOSED
        present_ids = _attendance(writer, rng, session, fund_work) if closed else set()
        entries = sorted(fund_work.seats.get(session_index, []), key=lambda s: requests_by_order[s[0]]["submitted_at"])
        for position, (order, role) in enumerate(entries, start=1):
            request = requests_by_order[order]
            item = writer.add(
                AgendaItem(
                    session=session,
                    application=request["app"],
                    position=position,
                    invited_to_present=True,
                    added_at=at(session.date - datetime.timedelta(days=7), 10),
                )
            )
            if closed:
                voters = [m for m in fund_work.voting if id(m) in present_ids]
                _decide(writer, rng, item, request, role, voters, staff)


def _attendance(writer: Writer, rng: random.Random, session, fund_work: FundWork) -> set[int]:
    """Who came (always a quorum of voting members); the `id()` of the members present."""
    members, voting = fund_work.members, fund_work.voting
    present = [m for m in members if rng.random() < 0.85]
    present_voting = [m for m in present if m.college != "ex_officio"]
    need = len(voting) // 2 + 1
    for member in voting:
        if len(present_voting) >= need:
            break
        if member not in present_voting:
            present_voting.append(member)
            present.append(member)
    present_ids = {id(m) for m in present}
    for member in members:
        writer.add(
            Attendance(
                session=session,
                member=member,
                present=id(member) in present_ids,
                recorded_at=at(session.date, 18, 2),
            )
        )
    return present_ids


def _decide(writer: Writer, rng: random.Random, item, request: dict, role: str, voters: list, staff) -> None:
    outcome = Decision.Outcome.DEFERRED if role == "deferral" else request["outcome"]
    decided_at = at(item.session.date, 19, min(59, item.position))
    votes = {"for": 0, "against": 0, "abstain": 0}
    if outcome != Decision.Outcome.DEFERRED:
        item.vote_started_at = decided_at - datetime.timedelta(minutes=3)
        votes = _vote(writer, rng, item, outcome, voters, decided_at, staff)
    granted = request["granted"] if outcome == Decision.Outcome.GRANTED else Decimal("0")
    decision = writer.add(
        Decision(
            item=item,
            outcome=outcome,
            amount_granted=granted,
            conditions="Transmettre les factures avec le bilan." if granted and rng.random() < 0.3 else "",
            reason="" if outcome == Decision.Outcome.GRANTED else "Voir l'historique de la demande.",
            votes_for=votes["for"],
            votes_against=votes["against"],
            abstentions=votes["abstain"],
            decided_at=decided_at,
            decided_by=staff[0],
        )
    )
    if outcome == Decision.Outcome.GRANTED:
        request["decision"] = decision


def _vote(writer: Writer, rng: random.Random, item, outcome, voters: list, decided_at, staff) -> dict[str, int]:
    """A rare recusal, then votes that match the outcome; the count of each choice."""
    if len(voters) > 3 and rng.random() < 0.03:
        recused = voters.pop(rng.randrange(len(voters)))
        writer.add(
            Recusal(
                item=item,
                member=recused,
                automatic=False,
                reason="Membre du bureau de l'association du porteur.",
                created_at=decided_at - datetime.timedelta(minutes=4),
            )
        )
    n = len(voters)
    if outcome == Decision.Outcome.GRANTED:
        not_for = rng.randint(0, (n - 1) // 2)
        against = rng.randint(0, not_for)
        votes = {"for": n - not_for, "against": against, "abstain": not_for - against}
    else:
        against = rng.randint(math.ceil(n / 2), n)
        votes_for = rng.randint(0, n - against)
        votes = {"for": votes_for, "against": against, "abstain": n - against - votes_for}
    choices = ["for"] * votes["for"] + ["against"] * votes["against"] + ["abstain"] * votes["abstain"]
    rng.shuffle(choices)
    for member, choice in zip(voters, choices, strict=True):
        writer.add(
            Vote(
                item=item,
                member=member,
                choice=choice,
                recorded_by=staff[0],
                created_at=decided_at - datetime.timedelta(minutes=1),
            )
        )
    return votes
