"""Committee services: payments (advance, balance) and the fund's money summary."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications.models import StatusChange
from applications.workflow import Status
from committees import selectors, services
from committees.models import (
    Payment,
)
from tests.committee_helpers import DEFERRED, eligible_application, granted_item, put_on_agenda, seat

PAID_ON = datetime.date(2025, 6, 2)


# --- Payments -------------------------------------------------------------------------------------


def test_advance_then_balance_never_above_granted(world, staff, board):
    seat(board, staff)
    item, _ = granted_item(board, staff, eligible_application(world.fund), "612.35")
    application = item.application

    with pytest.raises(ValidationError, match="bilan"):
        services.record_payment(user=staff, application=application, kind="balance", paid_on=PAID_ON, method="transfer")
    with pytest.raises(ValidationError, match="au plus 489,88"):
        services.record_payment(
            user=staff, application=application, kind="advance", paid_on=PAID_ON, method="cheque", amount="489.89"
        )
    advance = services.record_payment(
        user=staff, application=application, kind="advance", paid_on=PAID_ON, method="cheque", reference="CHQ 0042"
    )
    assert advance.amount == Decimal("489.88")  # 80 % of 612,35 €
    application.refresh_from_db()
    assert application.status == Status.ADVANCE_PAID
    with pytest.raises(ValidationError, match="déjà enregistré"):
        services.record_payment(user=staff, application=application, kind="advance", paid_on=PAID_ON, method="cheque")

    # The bilan is received and accepted (the balance is paid only then: tests/test_balance_after_bilan.py).
    type(application).objects.filter(pk=application.pk).update(status=Status.BILAN_ACCEPTED)
    with pytest.raises(ValidationError, match="au plus 122,47"):
        services.record_payment(
            user=staff, application=application, kind="balance", paid_on=PAID_ON, method="transfer", amount="122.48"
        )
    balance = services.record_payment(
        user=staff, application=application, kind="balance", paid_on=PAID_ON, method="transfer"
    )
    assert balance.amount == Decimal("122.47")
    application.refresh_from_db()
    assert application.status == Status.BALANCE_PAID
    assert selectors.application_paid(application=application) == Decimal("612.35")
    assert (
        StatusChange.objects.filter(application=application, transition__in=["pay_advance", "pay_balance"]).count() == 2
    )


def test_balance_can_be_lower_when_less_was_spent(world, staff, board):
    seat(board, staff)
    item, _ = granted_item(board, staff, eligible_application(world.fund), "500")
    services.record_payment(
        user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="transfer"
    )
    type(item.application).objects.filter(pk=item.application_id).update(status=Status.BILAN_ACCEPTED)
    balance = services.record_payment(
        user=staff, application=item.application, kind="balance", paid_on=PAID_ON, method="transfer", amount="40"
    )
    assert balance.amount == Decimal("40.00")
    statement = selectors.payments_statement(fund=world.fund)
    (line,) = statement.lines
    assert (line.granted, line.paid_advance, line.paid_balance, line.to_pay) == (
        Decimal("500.00"),
        Decimal("400.00"),
        Decimal("40.00"),
        Decimal("60.00"),
    )
    assert (statement.total_paid, statement.total_to_pay) == (Decimal("440.00"), Decimal("60.00"))
    assert [p.kind for p in statement.payments] == ["advance", "balance"]


def test_no_payment_without_a_grant_or_in_the_future(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff)
    services.decide(user=staff, item=item, outcome=DEFERRED, reason="Devis manquant")
    with pytest.raises(ValidationError, match="Aucune subvention"):
        services.record_payment(
            user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="cash"
        )
    with pytest.raises(ValidationError, match="futur"):
        services.record_payment(
            user=staff,
            application=item.application,
            kind="advance",
            paid_on=datetime.date.today() + datetime.timedelta(days=1),
            method="cash",
        )
    assert not Payment.objects.exists()


def test_payment_without_advance_when_the_fund_pays_everything_after_the_bilan(world, staff, board):
    world.fund.advance_percent = Decimal("0")
    world.fund.save()
    seat(board, staff)
    item, _ = granted_item(board, staff, eligible_application(world.fund), "500")
    with pytest.raises(ValidationError, match="pas d'acompte"):
        services.record_payment(
            user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="cash"
        )


# --- Money summary --------------------------------------------------------------------------------


def test_fund_money_summary_splits_by_cofunder_share(world, staff, board, django_assert_max_num_queries):
    seat(board, staff)
    item, decision = granted_item(board, staff, eligible_application(world.fund, amount="1000"), "1000")
    granted_item(board, staff, eligible_application(world.fund), "333.33")
    services.record_payment(
        user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="transfer"
    )

    with django_assert_max_num_queries(4):
        summary = selectors.fund_money_summary(fund=world.fund)

    assert (summary.envelope, summary.granted, summary.paid, summary.remaining, summary.to_pay) == (
        Decimal("20000.00"),
        Decimal("1333.33"),
        Decimal("800.00"),
        Decimal("18666.67"),
        Decimal("533.33"),
    )
    region, city = summary.by_cofunder
    assert (region.funder, region.share_percent, city.funder, city.share_percent) == (
        world.region,
        Decimal("70.00"),
        world.city_roubaix,
        Decimal("30.00"),
    )
    assert (region.granted, city.granted) == (Decimal("933.33"), Decimal("400.00"))
    assert (region.paid, city.paid) == (Decimal("560.00"), Decimal("240.00"))
    assert region.remaining + city.remaining == summary.remaining
    assert region.granted + city.granted == summary.granted


def test_session_detail_reads_in_a_fixed_number_of_queries(world, staff, board, django_assert_max_num_queries):
    seat(board, staff)
    for amount in ("100", "200", "300"):
        granted_item(board, staff, eligible_application(world.fund), amount)
    with django_assert_max_num_queries(20):
        detail = selectors.session_detail(session=board.session)
    assert [row.decision.amount for row in detail.items] == [Decimal("100.00"), Decimal("200.00"), Decimal("300.00")]
    assert detail.granted_in_session == Decimal("600.00")
    assert detail.quorum.met and len(detail.present) == 3
    assert board.voters[3] in detail.absent and board.ex_officio in detail.absent
    assert [row.count.votes_for for row in detail.items] == [3, 3, 3]
