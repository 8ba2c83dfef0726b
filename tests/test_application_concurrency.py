"""Two residents file at the same moment in one fund: distinct, consecutive references, no gap.

Runs on PostgreSQL only (real row locks and concurrent transactions); skipped with a reason on SQLite.
"""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from applications import rules, services
from applications.models import Application, ReferenceCounter
from applications.workflow import Status
from tests import factories as f

TODAY = datetime.date(2025, 5, 24)


def ready_request(world, email: str) -> Application:
    user = f.UserFactory(email=email, email_confirmed_at=timezone.now())
    application = f.ApplicationFactory(fund=world.fund, created_by=user)
    f.AttachmentFactory(application=application)
    return application


def submit_together(applications: list[Application], monkeypatch) -> list[BaseException]:
    """Submit from one thread each; every thread waits for the others inside its transaction."""
    barrier = threading.Barrier(len(applications), timeout=30)
    real_validate = rules.validate_for_submission

    def validate_then_wait(*, application, today):
        errors = real_validate(application=application, today=today)
        barrier.wait()  # all submissions are now between their checks and the numbering
        return errors

    monkeypatch.setattr(rules, "validate_for_submission", validate_then_wait)
    failures: list[BaseException] = []

    def run(application: Application) -> None:
        try:
            services.submit_application(user=application.created_by, application=application, today=TODAY)
        except BaseException as error:  # reported to the main thread
            failures.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return failures


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_submissions_get_consecutive_references(world, monkeypatch):
    # No counter row yet: both transactions try to create it at the same time.
    assert not ReferenceCounter.objects.filter(fund=world.fund).exists()
    applications = [ready_request(world, f"habitant{n}@example.org") for n in range(2)]

    assert submit_together(applications, monkeypatch) == []

    rows = Application.objects.filter(pk__in=[a.pk for a in applications])
    assert sorted(rows.values_list("number", flat=True)) == [1, 2]
    assert sorted(rows.values_list("reference", flat=True)) == ["PIC-2025-0001", "PIC-2025-0002"]
    assert set(rows.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert ReferenceCounter.objects.get(fund=world.fund).last_number == 2
    # Each holder got their own acknowledgement, sent after commit.
    assert sorted(m.subject for m in mail.outbox) == [
        "Votre demande PIC-2025-0001 est bien déposée",
        "Votre demande PIC-2025-0002 est bien déposée",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_continue_the_existing_sequence(world, monkeypatch):
    ReferenceCounter.objects.create(fund=world.fund, last_number=41)
    applications = [ready_request(world, f"voisin{n}@example.org") for n in range(3)]

    assert submit_together(applications, monkeypatch) == []

    references = sorted(
        Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("reference", flat=True)
    )
    assert references == ["PIC-2025-0042", "PIC-2025-0043", "PIC-2025-0044"]
    assert ReferenceCounter.objects.get(fund=world.fund).last_number == 44
