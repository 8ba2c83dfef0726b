"""`manage.py send_bilan_reminders`: 7 days before the due date, 7 and 30 days after; never twice; catching up."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase

from applications.workflow import Status
from reports import selectors, services
from reports.models import BilanReminder
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")
DUE = datetime.date(2025, 7, 14)  # the project ended on 14/06/2025; the fund gives 30 days


def run_on(day: datetime.date, hour: int = 7) -> None:
    # The reminders are outbox rows delivered once the command's transactions commit (run here, since a test's
    # own transaction never commits).
    moment = datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=PARIS)
    with time_machine.travel(moment, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_bilan_reminders", stdout=io.StringIO())


def sent_kinds(application) -> list[str]:
    return list(application.bilan_reminders.order_by("sent_at").values_list("kind", flat=True))


@pytest.fixture
def application(world, resident):
    application = f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    assert selectors.bilan_due_date(application) == DUE
    return application


def test_reminders_go_out_once_each_on_their_day_however_often_the_command_runs(application, resident):
    sent_on: list[datetime.date] = []
    day = datetime.date(2025, 6, 20)
    while day <= datetime.date(2025, 9, 30):
        for hour in (7, 13, 19):  # three runs a day
            before = len(mail.outbox)
            run_on(day, hour)
            sent_on.extend(day for _message in mail.outbox[before:])
        day += datetime.timedelta(days=1)

    assert sent_kinds(application) == ["before_7", "after_7", "after_30"]
    assert len(mail.outbox) == 3
    assert sent_on == [
        datetime.date(2025, 7, 7),
        datetime.date(2025, 7, 21),
        datetime.date(2025, 8, 13),
    ]
    first, second, third = mail.outbox
    assert first.to == [resident.email]
    assert "attendu le 14/07/2025" in first.subject
    assert "en retard" in second.subject and "il y a 7 jours" in second.body
    assert "il y a 30 jours" in third.body
    assert f"/demandes/{application.pk}/bilan/" in first.body


def test_a_missed_day_is_caught_up_on_the_next_run(application):
    run_on(datetime.date(2025, 7, 6))
    assert mail.outbox == []
    run_on(datetime.date(2025, 7, 9))  # the run of 07/07 was missed
    assert sent_kinds(application) == ["before_7"]
    run_on(datetime.date(2025, 7, 10))
    run_on(datetime.date(2025, 7, 25))  # the run of 21/07 was missed too
    assert sent_kinds(application) == ["before_7", "after_7"]
    assert len(mail.outbox) == 2


def test_a_late_run_sends_only_the_latest_reminder_never_an_earlier_one_afterwards(application):
    run_on(datetime.date(2025, 7, 25))  # first run ever, past both "before" and "7 days after"
    assert sent_kinds(application) == ["after_7"]
    for day in (datetime.date(2025, 7, 26), datetime.date(2025, 8, 1), datetime.date(2025, 8, 12)):
        run_on(day)
    assert sent_kinds(application) == ["after_7"]
    run_on(datetime.date(2025, 8, 13))
    assert sent_kinds(application) == ["after_7", "after_30"]
    run_on(datetime.date(2025, 12, 1))
    assert len(mail.outbox) == 2


def test_no_reminder_once_the_bilan_is_filed_or_for_requests_not_granted(world, application, resident):
    application.status = Status.BILAN_RECEIVED
    application.save(update_fields=["status"])
    f.GrantedApplicationFactory(fund=world.fund, created_by=resident, status=Status.REFUSED)
    f.GrantedApplicationFactory(fund=world.fund, created_by=resident, ends_at=None, starts_at=None)
    for day in (datetime.date(2025, 7, 7), datetime.date(2025, 7, 21), datetime.date(2025, 8, 13)):
        run_on(day)
    assert mail.outbox == []
    assert not BilanReminder.objects.exists()


def test_no_reminder_to_the_staff_who_filed_for_a_holder_without_account_until_the_holder_takes_over(
    world, staff, resident
):
    from django.utils import timezone

    held = f.GrantedApplicationFactory(fund=world.fund, created_by=staff, filed_on_behalf_by=staff)
    run_on(datetime.date(2025, 7, 21))
    assert mail.outbox == [] and not held.bilan_reminders.exists()  # "votre bilan" would reach the staff member
    held.created_by, held.taken_over_at = resident, timezone.now()
    held.save(update_fields=["created_by", "taken_over_at"])
    run_on(datetime.date(2025, 7, 22))
    assert sent_kinds(held) == ["after_7"] and mail.outbox[-1].to == [resident.email]


def test_a_returned_bilan_is_reminded_again(application, resident, staff):
    # Filed then returned: the request owes its bilan again and the reminders resume.
    application.status = Status.BILAN_DUE
    application.save(update_fields=["status"])
    run_on(datetime.date(2025, 7, 22))
    assert sent_kinds(application) == ["after_7"]


def test_a_failed_email_leaves_no_trace_and_is_sent_by_the_next_run(application, monkeypatch):
    def broken(**kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(services.emails, "to_holder", broken)
    with pytest.raises(CommandError, match="1 relance"):
        run_on(datetime.date(2025, 7, 7))
    assert not BilanReminder.objects.exists()

    monkeypatch.undo()
    run_on(datetime.date(2025, 7, 8))
    assert sent_kinds(application) == ["before_7"]
    assert len(mail.outbox) == 1


def test_sending_a_reminder_already_recorded_sends_nothing(application):
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.send_bilan_reminder(application=application, kind="before_7", due_date=DUE, today=DUE)
        assert not services.send_bilan_reminder(application=application, kind="before_7", due_date=DUE, today=DUE)
    assert len(mail.outbox) == 1


def test_the_date_option_replays_a_given_day(application):
    call_command("send_bilan_reminders", "--date", "2025-07-21", stdout=io.StringIO())
    assert sent_kinds(application) == ["after_7"]
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("send_bilan_reminders", "--date", "21/07/2025")


@pytest.mark.parametrize(
    "today, sent, expected",
    [
        (datetime.date(2025, 7, 6), set(), None),
        (datetime.date(2025, 7, 7), set(), "before_7"),
        (datetime.date(2025, 7, 7), {"before_7"}, None),
        (datetime.date(2025, 7, 20), {"before_7"}, None),
        (datetime.date(2025, 7, 21), {"before_7"}, "after_7"),
        (datetime.date(2025, 8, 20), set(), "after_30"),
        (datetime.date(2025, 8, 20), {"after_30"}, None),
        (datetime.date(2025, 7, 30), {"after_30"}, None),
    ],
)
def test_reminder_kind_for(today, sent, expected):
    assert selectors.reminder_kind_for(due_date=DUE, today=today, sent_kinds=sent) == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_send_one_reminder(world, resident, monkeypatch):
    """The second run's insert waits for the first one's row, then hits the unique constraint."""
    import threading
    import time

    from django.db import connection

    application = f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    first_inserted, release = threading.Event(), threading.Event()
    real_to_holder = services.emails.to_holder

    def slow_to_holder(**kwargs):
        if threading.current_thread().name == "first":
            first_inserted.set()
            release.wait(timeout=10)
        return real_to_holder(**kwargs)

    monkeypatch.setattr(services.emails, "to_holder", slow_to_holder)
    results: dict[str, bool] = {}

    def run(name: str) -> None:
        try:
            results[name] = services.send_bilan_reminder(
                application=application, kind="before_7", due_date=DUE, today=datetime.date(2025, 7, 7)
            )
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first",), name="first")
    second = threading.Thread(target=run, args=("second",), name="second")
    first.start()
    assert first_inserted.wait(timeout=10)
    second.start()
    time.sleep(0.5)  # the second run now waits on the first one's uncommitted row
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert results == {"first": True, "second": False}
    assert BilanReminder.objects.filter(application=application).count() == 1
    assert len(mail.outbox) == 1
