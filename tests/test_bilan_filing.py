"""Bilans: filing, reviewing and closing; due dates and who is late; the reminders' constraint."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from applications.models import StatusChange
from applications.workflow import Status
from reports import selectors, services
from reports.models import Bilan, BilanReminder, BilanStatus
from tests import factories as f
from tests.bilan_fixtures import UTC, application_fixture, draft_bilan_fixture, fill_for_submission  # noqa: F401  (fixtures)

# --- Filing ---------------------------------------------------------------------------------------------


def test_submission_lists_what_is_missing_in_french(draft_bilan, resident):
    services.save_bilan_expenses(
        user=resident, bilan=draft_bilan, lines=[{"category": "60", "label": "Goûter", "actual_amount": "120"}]
    )
    with pytest.raises(ValidationError) as error:
        services.submit_bilan(user=resident, bilan=draft_bilan)
    errors = error.value.message_dict
    assert "Racontez le déroulement de l'action." in errors["proceedings"]
    assert "mobilised_women" in errors and "participant_men" in errors and "wants_to_renew" in errors
    assert "120,00" in errors["attachments"][0]  # a receipt is needed for the money spent
    draft_bilan.refresh_from_db()
    assert draft_bilan.status == BilanStatus.DRAFT
    assert draft_bilan.application.status == Status.ADVANCE_PAID


def test_submit_files_the_bilan_and_tells_the_association(
    draft_bilan, resident, staff, django_capture_on_commit_callbacks
):
    fill_for_submission(draft_bilan, resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_bilan(user=resident, bilan=draft_bilan)

    draft_bilan.refresh_from_db()
    application = draft_bilan.application
    application.refresh_from_db()
    assert draft_bilan.status == BilanStatus.SUBMITTED and draft_bilan.submitted_at is not None
    assert application.status == Status.BILAN_RECEIVED
    assert StatusChange.objects.filter(application=application, transition="receive_bilan").exists()
    assert len(mail.outbox) == 1
    assert staff.email in mail.outbox[0].to
    assert "bilan déposé" in mail.outbox[0].subject
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        services.save_bilan(user=resident, bilan=draft_bilan, data={"proceedings": "Trop tard"})
    assert not selectors.bilan_is_accepted(application)


@pytest.fixture
def filed_bilan(draft_bilan, resident):
    fill_for_submission(draft_bilan, resident)
    return services.submit_bilan(user=resident, bilan=draft_bilan)


def test_only_the_funds_association_accepts(filed_bilan, resident, other_staff, region_staff, staff):
    for intruder in (resident, other_staff, region_staff):
        with pytest.raises(PermissionDenied):
            services.accept_bilan(user=intruder, bilan=filed_bilan)
    filed_bilan.refresh_from_db()
    assert filed_bilan.status == BilanStatus.SUBMITTED

    services.accept_bilan(user=staff, bilan=filed_bilan)
    filed_bilan.refresh_from_db()
    assert filed_bilan.status == BilanStatus.ACCEPTED and filed_bilan.reviewed_by == staff
    assert selectors.bilan_is_accepted(filed_bilan.application)
    with pytest.raises(ValidationError):
        services.accept_bilan(user=staff, bilan=filed_bilan)


def test_return_needs_a_comment_mails_it_and_lets_the_holder_correct(
    filed_bilan, resident, staff, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError, match="commentaire est obligatoire"):
        services.return_bilan(user=staff, bilan=filed_bilan, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_bilan(user=staff, bilan=filed_bilan, comment="Ajoutez la facture de la sono.")

    filed_bilan.refresh_from_db()
    application = filed_bilan.application
    application.refresh_from_db()
    assert filed_bilan.status == BilanStatus.RETURNED
    assert application.status == Status.BILAN_DUE
    change = StatusChange.objects.get(application=application, transition="return_bilan")
    assert change.comment == "Ajoutez la facture de la sono."
    assert mail.outbox[-1].to == [resident.email]
    assert "Ajoutez la facture de la sono." in mail.outbox[-1].body

    services.save_bilan(user=resident, bilan=filed_bilan, data={"results": "Corrigé."})
    services.submit_bilan(user=resident, bilan=filed_bilan)
    application.refresh_from_db()
    assert application.status == Status.BILAN_RECEIVED


def _pay(application, amount: str, *, by, kind: str = "advance", on=datetime.date(2025, 5, 1)):
    return f.PaymentFactory(application=application, kind=kind, amount=Decimal(amount), paid_on=on, recorded_by=by)


def test_close_after_bilan_waits_for_acceptance_and_the_balance(filed_bilan, staff, other_staff):
    application = filed_bilan.application
    f.record_grant_for_bilan(application=application, amount="250.00", decided_by=staff)
    _pay(application, "200.00", by=staff)
    with pytest.raises(ValidationError, match="Acceptez d'abord"):
        services.close_after_bilan(user=staff, application=application)
    services.accept_bilan(user=staff, bilan=filed_bilan)
    with pytest.raises(ValidationError, match="Versez d'abord le solde de 50,00"):
        services.close_after_bilan(user=staff, application=application)
    with pytest.raises(PermissionDenied):
        services.close_after_bilan(user=other_staff, application=application)

    # The balance is paid (by the committees app, which moves the request to "balance paid").
    _pay(application, "50.00", by=staff, kind="balance", on=datetime.date(2025, 7, 1))
    application.status = Status.BALANCE_PAID
    application.save(update_fields=["status"])
    services.close_after_bilan(user=staff, application=application)
    application.refresh_from_db()
    assert application.status == Status.CLOSED


def test_close_right_after_acceptance_when_nothing_is_left_to_pay(filed_bilan, staff):
    application = filed_bilan.application
    f.record_grant_for_bilan(application=application, amount="250.00", decided_by=staff)
    _pay(application, "250.00", by=staff)
    services.accept_bilan(user=staff, bilan=filed_bilan)
    services.close_after_bilan(user=staff, application=application)
    application.refresh_from_db()
    assert application.status == Status.CLOSED


# --- Due dates and who is late --------------------------------------------------------------------------


def test_due_date_is_the_last_local_day_plus_the_funds_delay(world, resident):
    late_evening = f.GrantedApplicationFactory(
        fund=world.fund,
        created_by=resident,
        starts_at=datetime.datetime(2025, 6, 14, 20, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2025, 6, 14, 23, 30, tzinfo=UTC),  # 15/06 at 01:30 in Paris
    )
    assert selectors.bilan_due_date(late_evening) == datetime.date(2025, 7, 15)
    world.fund.bilan_due_days = 15
    world.fund.save()
    late_evening.refresh_from_db()
    assert selectors.bilan_due_date(late_evening) == datetime.date(2025, 6, 30)


def test_overdue_bilan_check_and_message(application, resident, other_resident):
    due = selectors.bilan_due_date(application)
    assert due == datetime.date(2025, 7, 14)
    assert not selectors.holder_has_overdue_bilan(user=resident, today=due)
    assert selectors.holder_has_overdue_bilan(user=resident, today=due + datetime.timedelta(days=1))
    assert not selectors.holder_has_overdue_bilan(user=other_resident, today=datetime.date(2026, 1, 1))
    message = selectors.overdue_bilan_message(user=resident, today=datetime.date(2025, 8, 1))
    assert application.reference in message and "14/07/2025" in message
    assert selectors.overdue_bilan_message(user=resident, today=due) == ""

    bilan = fill_for_submission(services.start_bilan(user=resident, application=application), resident)
    services.submit_bilan(user=resident, bilan=bilan)
    assert not selectors.holder_has_overdue_bilan(user=resident, today=datetime.date(2025, 8, 1))


def test_staff_follow_due_overdue_and_received_bilans_of_their_funds_only(world, resident, staff, other_staff):
    late = f.GrantedApplicationFactory(
        fund=world.fund,
        created_by=resident,
        starts_at=datetime.datetime(2025, 5, 1, 8, tzinfo=UTC),
        ends_at=datetime.datetime(2025, 5, 1, 12, tzinfo=UTC),
    )
    upcoming = f.GrantedApplicationFactory(fund=world.fund, created_by=resident, status=Status.BILAN_DUE)
    received = f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    fill_for_submission(services.start_bilan(user=resident, application=received), resident)
    services.submit_bilan(user=resident, bilan=Bilan.objects.get(application=received))
    elsewhere = f.GrantedApplicationFactory(fund=world.other_fund, created_by=resident)
    f.GrantedApplicationFactory(fund=world.fund, created_by=resident, status=Status.ON_AGENDA)

    rows = selectors.bilans_for_staff(user=staff, today=datetime.date(2025, 7, 1))
    assert [(row.application, row.state) for row in rows] == [
        (late, "overdue"),
        (received, "to_review"),
        (upcoming, "upcoming"),
    ]
    assert rows[0].days_late == 31  # due 31/05
    assert [
        row.application for row in selectors.bilans_for_staff(user=other_staff, today=datetime.date(2025, 7, 1))
    ] == [elsewhere]


# --- Model constraints ------------------------------------------------------------------------------------


def test_one_reminder_of_each_kind_per_request(application):
    BilanReminder.objects.create(
        application=application, kind="before_7", due_date=datetime.date(2025, 7, 14), recipient="a@example.org"
    )
    with pytest.raises(IntegrityError):
        BilanReminder.objects.create(
            application=application, kind="before_7", due_date=datetime.date(2025, 7, 14), recipient="a@example.org"
        )
