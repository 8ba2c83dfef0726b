"""Issue 14, rule 4: the balance is paid only once the bilan is accepted; records paid early are brought back
into a state from which they can be closed, by a data migration that says what it did in the audit log."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as real_apps
from django.urls import reverse

from applications.models import StatusChange
from applications.workflow import Status
from committees.models import Payment
from core.models import AuditEntry
from reports import services as bilan_services
from reports.models import BilanStatus
from tests import factories as f
from tests.bilan_fixtures import fill_for_submission
from tests.committee_helpers import client_for, page_text

MIGRATION = importlib.import_module("reports.migrations.0002_balance_after_bilan_acceptance")
PAID_ON = "2025-07-01"


def _granted(world, staff, resident, *, status=Status.ADVANCE_PAID):
    """Granted 600 €, advance of 480 € paid."""
    application = f.GrantedApplicationFactory(fund=world.fund, created_by=resident, status=status)
    f.record_grant_for_bilan(application=application, amount="600", decided_by=staff)
    f.PaymentFactory(application=application, kind="advance", amount=Decimal("480.00"), recorded_by=staff)
    return application


def _pay_balance(client, world, application):
    return client.post(
        reverse("committees:payments", args=[world.fund.slug]),
        {"application": application.pk, "kind": "balance", "paid_on": PAID_ON, "method": "transfer", "amount": ""},
    )


def _bilan_url(name, application):
    return reverse(f"reports:{name}", kwargs={"pk": application.pk})


def test_staff_cannot_pay_the_balance_before_the_bilan_is_accepted(world, staff, resident):
    application = _granted(world, staff, resident)
    bilan = fill_for_submission(bilan_services.start_bilan(user=resident, application=application), resident)
    bilan_services.submit_bilan(user=resident, bilan=bilan)
    application.refresh_from_db()
    assert application.status == Status.BILAN_RECEIVED

    response = _pay_balance(client_for(staff), world, application)
    assert response.status_code == 400
    assert "Le solde se verse une fois le bilan accepté" in page_text(response)
    assert "Bilan reçu" in page_text(response)
    assert not Payment.objects.filter(application=application, kind="balance").exists()
    application.refresh_from_db()
    assert application.status == Status.BILAN_RECEIVED


def test_accept_the_bilan_then_pay_then_close(world, staff, resident):
    application = _granted(world, staff, resident)
    bilan = fill_for_submission(bilan_services.start_bilan(user=resident, application=application), resident)
    bilan_services.submit_bilan(user=resident, bilan=bilan)
    client = client_for(staff)

    assert client.post(_bilan_url("accept_bilan", application)).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.BILAN_ACCEPTED
    # Nothing closes while the balance is owed.
    response = client.post(_bilan_url("close_application", application), follow=True)
    assert "Versez d'abord le solde de 120,00" in page_text(response)
    application.refresh_from_db()
    assert application.status == Status.BILAN_ACCEPTED

    assert _pay_balance(client, world, application).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.BALANCE_PAID
    assert Payment.objects.get(application=application, kind="balance").amount == Decimal("120.00")

    assert client.post(_bilan_url("close_application", application)).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.CLOSED
    transitions = list(StatusChange.objects.filter(application=application).values_list("transition", flat=True))
    assert transitions[-4:] == ["receive_bilan", "accept_bilan", "pay_balance", "close"]


@pytest.fixture
def stuck(world, staff, resident):
    """Records as the portal left them before the rule: paid before acceptance, or accepted while "bilan reçu"."""
    paid_submitted = _granted(world, staff, resident, status=Status.BALANCE_PAID)
    f.BilanFactory(application=paid_submitted, status=BilanStatus.SUBMITTED, submitted_at=paid_submitted.submitted_at)
    f.PaymentFactory(application=paid_submitted, kind="balance", amount=Decimal("120.00"), recorded_by=staff)
    paid_returned = _granted(world, staff, resident, status=Status.BALANCE_PAID)
    f.BilanFactory(application=paid_returned, status=BilanStatus.RETURNED, submitted_at=paid_returned.submitted_at)
    accepted_unpaid = _granted(world, staff, resident, status=Status.BILAN_RECEIVED)
    f.BilanFactory(application=accepted_unpaid, status=BilanStatus.ACCEPTED, submitted_at=accepted_unpaid.submitted_at)
    in_order = _granted(world, staff, resident, status=Status.BALANCE_PAID)
    f.BilanFactory(application=in_order, status=BilanStatus.ACCEPTED, submitted_at=in_order.submitted_at)
    to_study = _granted(world, staff, resident, status=Status.BILAN_RECEIVED)
    f.BilanFactory(application=to_study, status=BilanStatus.SUBMITTED, submitted_at=to_study.submitted_at)
    return paid_submitted, paid_returned, accepted_unpaid, in_order, to_study


def _status(application) -> str:
    application.refresh_from_db()
    return application.status


def test_the_migration_brings_early_payments_into_line_once_and_says_so(world, staff, stuck):
    paid_submitted, paid_returned, accepted_unpaid, in_order, to_study = stuck

    assert MIGRATION.bring_into_line(real_apps) == 3
    assert _status(paid_submitted) == Status.BILAN_RECEIVED
    assert _status(paid_returned) == Status.BILAN_DUE
    assert _status(accepted_unpaid) == Status.BILAN_ACCEPTED
    assert (_status(in_order), _status(to_study)) == (Status.BALANCE_PAID, Status.BILAN_RECEIVED)

    entries = AuditEntry.objects.filter(action__startswith="migration.")
    assert {(e.action, e.target_id, e.actor_id) for e in entries} == {
        ("migration.balance_paid_before_acceptance", str(paid_submitted.pk), None),
        ("migration.balance_paid_before_acceptance", str(paid_returned.pk), None),
        ("migration.bilan_accepted_state", str(accepted_unpaid.pk), None),
    }
    entry = entries.get(target_id=str(paid_submitted.pk))
    assert entry.data == {"from": "balance_paid", "to": "bilan_received", "bilan_status": "submitted"}
    assert StatusChange.objects.filter(transition="migration").count() == 3
    # The payment made early stays.
    assert Payment.objects.filter(application=paid_submitted, kind="balance").exists()

    # Idempotent: a second run finds nothing.
    assert MIGRATION.bring_into_line(real_apps) == 0
    assert AuditEntry.objects.filter(action__startswith="migration.").count() == 3
    assert StatusChange.objects.filter(transition="migration").count() == 3


def test_after_the_migration_staff_accept_and_close_what_was_paid_early(world, staff, stuck):
    paid_submitted, _paid_returned, accepted_unpaid, _in_order, _to_study = stuck
    MIGRATION.bring_into_line(real_apps)
    client = client_for(staff)

    # Paid early, bilan filed: accept it, nothing is left to pay, close.
    assert client.post(_bilan_url("accept_bilan", paid_submitted)).status_code == 302
    assert _status(paid_submitted) == Status.BILAN_ACCEPTED
    assert client.post(_bilan_url("close_application", paid_submitted)).status_code == 302
    assert _status(paid_submitted) == Status.CLOSED

    # Accepted before the state existed: pay the balance, then close.
    assert _pay_balance(client, world, accepted_unpaid).status_code == 302
    assert _status(accepted_unpaid) == Status.BALANCE_PAID
    assert client.post(_bilan_url("close_application", accepted_unpaid)).status_code == 302
    assert _status(accepted_unpaid) == Status.CLOSED
