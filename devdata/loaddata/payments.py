"""Money of a granted request: a rare amendment, the advance, the balance; then its bilan, if it has one."""

import random
from decimal import Decimal

from committees.models import Amendment, Payment
from core.money import cents
from devdata.loaddata.bilans import cvs_bilan, pic_bilan
from devdata.loaddata.context import Run
from devdata.loaddata.helpers import round_to
from devdata.loaddata.plan import GRANTED_KEYS, MANDATORY_BILAN, PAID_ADVANCE_KEYS, PAID_BALANCE_KEYS
from funds.models import Fund
from reports.models import BilanStatus


def write_money_and_bilan(run: Run, rng: random.Random, fund: Fund, request: dict, staff) -> None:
    key = request["key"]
    if key not in GRANTED_KEYS:
        return
    _write_money(run, rng, fund, request, staff)
    if not request["bilan"]:
        return
    status = MANDATORY_BILAN.get(key) or request.get("bilan_status", BilanStatus.DRAFT)
    if fund.scheme == Fund.Scheme.CVS:
        cvs_bilan(run, rng, request, status, staff)
    else:
        pic_bilan(run, rng, request, status, staff)


def _write_money(run: Run, rng: random.Random, fund: Fund, request: dict, staff) -> None:
    writer, key, app, times = run.writer, request["key"], request["app"], request["times"]
    effective = request["granted"]
    if rng.random() < 0.01 and effective > 50:
        delta = -round_to(effective * Decimal("0.1"), 10)
        writer.add(
            Amendment(
                decision=request["decision"],
                changes={"amount_granted": {"before": str(effective), "after": str(effective + delta)}},
                amount_delta=delta,
                reason="Erreur de saisie du montant lors de la séance.",
                created_by=staff[0],
                created_at=times["amend"],
            )
        )
        effective += delta
    advance = cents(effective * fund.advance_percent / 100)
    if key in PAID_ADVANCE_KEYS and advance > 0:
        writer.add(payment(rng, app, Payment.Kind.ADVANCE, advance, times["advance"], staff))
    if key in PAID_BALANCE_KEYS and effective - advance > 0:
        writer.add(payment(rng, app, Payment.Kind.BALANCE, effective - advance, times["balance"], staff))


def payment(rng: random.Random, app, kind, amount, moment, staff) -> Payment:
    return Payment(
        application=app,
        kind=kind,
        amount=amount,
        paid_on=moment.date(),
        method=Payment.Method.TRANSFER if rng.random() < 0.85 else Payment.Method.CHEQUE,
        reference=f"VIR-{moment.year}-{rng.randrange(10**6):06d}",
        recorded_by=staff[1 % len(staff)],
        recorded_at=moment,
    )
