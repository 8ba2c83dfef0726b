"""Migration applications 0007 (desk): filed requests get their last activity from what already happened."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.models import Message, StatusChange
from applications.workflow import Status
from tests import factories as f

BEFORE = ("applications", "0006_deferred_revisions_message_files")
AFTER = ("applications", "0007_desk_worklist")


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_last_activity_of_filed_requests(world, resident):
    filed, quiet = (  # filed on 1 and 2 March
        f.ApplicationFactory(
            fund=world.fund,
            created_by=resident,
            status=Status.SUBMITTED,
            reference=f"PIC-2025-000{day}",
            budget=False,
            submitted_at=datetime.datetime(2025, 3, day, 10, tzinfo=datetime.UTC),
        )
        for day in (1, 2)
    )
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, budget=False)
    change = StatusChange.objects.create(
        application=filed, transition="submit", from_status="draft", to_status="submitted"
    )
    message = Message.objects.create(application=filed, author=resident, body="Bonjour")
    StatusChange.objects.filter(pk=change.pk).update(created_at=datetime.datetime(2025, 3, 1, 10, tzinfo=datetime.UTC))
    Message.objects.filter(pk=message.pk).update(created_at=datetime.datetime(2025, 4, 5, 8, tzinfo=datetime.UTC))

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([BEFORE])
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        # Read through the tables as the migration left them (later migrations add columns the model has).
        historical = executor.loader.project_state([AFTER]).apps.get_model("applications", "Application")
        activity = dict(historical.objects.values_list("pk", "last_activity_at"))
    finally:
        MigrationExecutor(connection).migrate(leaves)

    assert activity[filed.pk] == datetime.datetime(2025, 4, 5, 8, tzinfo=datetime.UTC)
    assert activity[quiet.pk] == datetime.datetime(2025, 3, 2, 10, tzinfo=datetime.UTC)
    assert activity[draft.pk] is None
