"""Dates and status history of every request of a fund, and the amounts its committee grants.

A history event is a tuple (transition, from, to, at, actor, comment); `requests.write_request` writes them.
"""

import datetime
import random
from decimal import Decimal

from applications.workflow import Status
from committees.models import Decision
from devdata.loaddata.constants import TODAY
from devdata.loaddata.context import FundWork
from devdata.loaddata.helpers import at, between, round_to
from devdata.loaddata.plan import AGENDA_KEYS
from reports.models import BilanStatus

REFUSAL = "Le projet relève d'un autre dispositif."


def timeline(rng: random.Random, fund_work: FundWork, staff) -> None:
    """Dates, status history, decisions' amounts for every request of a fund."""
    fund = fund_work.fund
    opens = at(fund.call_opens_on, 9)
    window_end = min(at(fund.call_closes_on, 18), at(TODAY, 9))
    for request in fund_work.requests:
        reviewer = staff[rng.randrange(len(staff))]
        if request["key"] == "draft":
            _draft_dates(rng, request["app"], opens, window_end)
            continue
        agenda, end = _filing(rng, fund_work, request, opens, window_end)
        _instruction(rng, request, reviewer, end)
        if request["key"] in AGENDA_KEYS:
            committee_path(rng, fund_work.all_sessions, request, reviewer, agenda, at(TODAY, 12))
        app = request["app"]
        app.updated_at = max(e[3] for e in request["events"])
        if not app.starts_at:
            base = app.submitted_at.date()
            app.starts_at = at(base + datetime.timedelta(days=rng.randint(40, 120)), 14)
            app.ends_at = app.starts_at + datetime.timedelta(hours=rng.choice((3, 4, 6)))


def _draft_dates(rng: random.Random, app, opens, window_end) -> None:
    created = between(opens, window_end, rng.random())
    app.created_at = created
    app.updated_at = created + datetime.timedelta(minutes=rng.randint(5, 600))
    app.starts_at = at(created.date() + datetime.timedelta(days=rng.randint(30, 90)), 14)
    app.ends_at = app.starts_at + datetime.timedelta(hours=4)


def _filing(rng: random.Random, fund_work: FundWork, request: dict, opens, window_end) -> tuple:
    """When the request was filed (before its first session's deadline, if it has one); (agenda, end of review)."""
    fund, app = fund_work.fund, request["app"]
    if request["seats"]:
        first_session = fund_work.all_sessions[request["seats"][0][0]]
        deadline = at(first_session.date - datetime.timedelta(days=fund.filing_days_before_committee), 12)
        submitted = deadline - datetime.timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
        submitted = max(submitted, opens + datetime.timedelta(hours=rng.randint(1, 48)))
        # Put on the agenda a week before the session, or by TODAY for the sessions still to come.
        agenda = min(at(first_session.date - datetime.timedelta(days=7), 10), at(TODAY, 9))
    else:
        submitted = between(opens, window_end, rng.random())
        agenda = None
    request["submitted_at"] = submitted
    app.submitted_at = submitted
    app.created_at = submitted - datetime.timedelta(days=rng.randint(1, 15), minutes=rng.randint(0, 300))
    app.created_at = max(app.created_at, opens - datetime.timedelta(hours=1))
    request["events"].append(("submit", Status.DRAFT, Status.SUBMITTED, submitted, request["owner"], ""))
    end = agenda or min(submitted + datetime.timedelta(days=60), at(TODAY, 12))
    if end <= submitted:
        end = submitted + datetime.timedelta(hours=2)
    return agenda, end


def _instruction(rng: random.Random, request: dict, reviewer, end) -> None:
    """From filing to eligibility: review, completion, withdrawal, ineligibility."""
    key, app, owner, events = request["key"], request["app"], request["owner"], request["events"]
    submitted = request["submitted_at"]
    completion = rng.random() < 0.1
    if key == "submitted":
        return
    if key == "withdrawn":
        source = Status.SUBMITTED
        if rng.random() < 0.5:
            events.append(
                ("start_review", Status.SUBMITTED, Status.UNDER_REVIEW, between(submitted, end, 0.2), reviewer, "")
            )
            source = Status.UNDER_REVIEW
        comment = "Le projet ne peut plus avoir lieu cette année."
        events.append(("withdraw", source, Status.WITHDRAWN, between(submitted, end, 0.5), owner, comment))
        return
    events.append(("start_review", Status.SUBMITTED, Status.UNDER_REVIEW, between(submitted, end, 0.15), reviewer, ""))
    last = Status.UNDER_REVIEW
    if key in ("completion_requested", "resubmitted") or (key not in ("under_review",) and completion):
        comment = "Merci de joindre un devis pour la location de salle."
        moment = between(submitted, end, 0.3)
        events.append(
            ("request_completion", Status.UNDER_REVIEW, Status.COMPLETION_REQUESTED, moment, reviewer, comment)
        )
        last = Status.COMPLETION_REQUESTED
        if key != "completion_requested":
            moment = between(submitted, end, 0.45)
            events.append(("resubmit", last, Status.RESUBMITTED, moment, owner, "Le devis est joint."))
            app.version = 2
            last = Status.RESUBMITTED
    if key in ("ineligible", "closed_ineligible"):
        comment = "Le projet ne se déroule pas dans un quartier prioritaire."
        events.append(("declare_ineligible", last, Status.INELIGIBLE, between(submitted, end, 0.7), reviewer, comment))
        if key == "closed_ineligible":
            events.append(("close", Status.INELIGIBLE, Status.CLOSED, between(submitted, end, 0.9), reviewer, ""))
    elif key in AGENDA_KEYS or key == "eligible":
        events.append(("declare_eligible", last, Status.ELIGIBLE, between(submitted, end, 0.7), reviewer, ""))


def committee_path(rng: random.Random, sessions, request: dict, reviewer, agenda, today_noon) -> None:
    """On the agenda, perhaps deferred once, then decided at the final session (or still waiting for it)."""
    events = request["events"]
    events.append(("put_on_agenda", Status.ELIGIBLE, Status.ON_AGENDA, agenda, reviewer, ""))
    for session_index, role in request["seats"]:
        session = sessions[session_index]
        decided_at = at(session.date, 19, rng.randint(0, 59))
        if role == "deferral":
            comment = "Le comité souhaite rencontrer le porteur."
            events.append(("defer", Status.ON_AGENDA, Status.DEFERRED, decided_at, reviewer, comment))
            request.setdefault("deferrals", []).append(session_index)
            again = max(decided_at + datetime.timedelta(days=1), at(session.date, 21) + datetime.timedelta(days=2))
            events.append(("put_on_agenda", Status.DEFERRED, Status.ON_AGENDA, again, reviewer, ""))
            continue
        request["final_session"] = session_index
        _final_presentation(rng, request, decided_at, reviewer, today_noon)
        break


def _final_presentation(rng: random.Random, request: dict, decided_at, reviewer, today_noon) -> None:
    key, events = request["key"], request["events"]
    if key == "on_agenda":
        return
    if key == "deferred":
        events.append(
            ("defer", Status.ON_AGENDA, Status.DEFERRED, decided_at, reviewer, "Le budget doit être précisé.")
        )
        request["outcome"] = Decision.Outcome.DEFERRED
        return
    if key in ("refused", "closed_refused"):
        events.append(("refuse", Status.ON_AGENDA, Status.REFUSED, decided_at, reviewer, REFUSAL))
        request["outcome"] = Decision.Outcome.REFUSED
        if key == "closed_refused":
            closed_at = max(min(decided_at + datetime.timedelta(days=20), today_noon), decided_at)
            moment = closed_at + datetime.timedelta(minutes=5)
            events.append(("close", Status.REFUSED, Status.CLOSED, moment, reviewer, ""))
        return
    _grant(rng, request, decided_at, reviewer, today_noon)
    if key != "granted":
        _after_grant(rng, request, reviewer)


def _grant(rng: random.Random, request: dict, decided_at, reviewer, today_noon) -> None:
    """Granted: the amount, the action's dates, and when the money and the bilan will come."""
    app = request["app"]
    request["outcome"] = Decision.Outcome.GRANTED
    asked = app.amount_requested
    granted = asked if rng.random() < 0.8 else round_to(asked * Decimal(rng.choice(("0.7", "0.8", "0.9"))), 10)
    request["granted"] = max(granted, Decimal("10"))
    request["decided_at"] = decided_at
    request["events"].append(("grant", Status.ON_AGENDA, Status.GRANTED, decided_at, reviewer, ""))
    horizon = min(decided_at + datetime.timedelta(days=240), today_noon)
    if horizon <= decided_at:
        horizon = decided_at + datetime.timedelta(days=1)

    def moment(fraction, _start=decided_at, _end=horizon):
        return between(_start, _end, fraction)

    start = moment(0.15).replace(hour=14, minute=0)
    app.starts_at = start
    app.ends_at = max(moment(0.3).replace(hour=18, minute=0), start + datetime.timedelta(hours=3))
    request["times"] = {
        "amend": moment(0.03),
        "advance": moment(0.08),
        "expect": moment(0.35),
        "bilan_started": moment(0.38),
        "bilan_submitted": moment(0.55),
        "bilan_returned": moment(0.6),
        "bilan_reviewed": moment(0.7),
        "balance": moment(0.8),
        "close": moment(0.9),
    }


def _after_grant(rng: random.Random, request: dict, reviewer) -> None:
    """Advance, bilan due, bilan received (or returned), balance, closing: as far as the request's key says."""
    key, owner, events, times = request["key"], request["owner"], request["events"], request["times"]
    events.append(("pay_advance", Status.GRANTED, Status.ADVANCE_PAID, times["advance"], reviewer, ""))
    if key == "advance_paid":
        return
    events.append(("expect_bilan", Status.ADVANCE_PAID, Status.BILAN_DUE, times["expect"], None, ""))
    if key == "bilan_due":
        if request["bilan"] and rng.random() < 0.3:
            request["bilan_status"] = BilanStatus.RETURNED
            received = times["bilan_submitted"]
            events.append(("receive_bilan", Status.BILAN_DUE, Status.BILAN_RECEIVED, received, owner, ""))
            comment = "Merci d'ajouter les justificatifs de dépense."
            returned = times["bilan_returned"]
            events.append(("return_bilan", Status.BILAN_RECEIVED, Status.BILAN_DUE, returned, reviewer, comment))
        return
    events.append(("receive_bilan", Status.BILAN_DUE, Status.BILAN_RECEIVED, times["bilan_submitted"], owner, ""))
    if key == "bilan_received":
        return
    events.append(("accept_bilan", Status.BILAN_RECEIVED, Status.BILAN_ACCEPTED, times["bilan_reviewed"], reviewer, ""))
    if key == "bilan_accepted":
        return
    events.append(("pay_balance", Status.BILAN_ACCEPTED, Status.BALANCE_PAID, times["balance"], reviewer, ""))
    if key == "closed_granted":
        events.append(("close", Status.BALANCE_PAID, Status.CLOSED, times["close"], reviewer, ""))
