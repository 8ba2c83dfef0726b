"""A backup restores: the demo data dumped with `dumpdata`, loaded into an empty database, compares equal.

The second database is a fresh alias defined for this test only: a temporary SQLite file, or on PostgreSQL
a second database next to the test database (created and dropped here). It is migrated like a new server
would be, then loaded; content types and permissions come from its own migrations, hence natural keys.
"""

import uuid
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from accounts.models import User
from applications.models import Application
from committees.models import Decision, Payment
from core.models import AuditEntry
from devdata.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


@contextmanager
def empty_database(tmp_path):
    """A new, migrated database under a fresh alias, removed afterwards.

    The connection is registered for this thread only (not in settings.DATABASES): Django's test case refuses
    connections to configured aliases a test did not declare, and allows connections made on the fly.
    """
    alias = f"restore_{uuid.uuid4().hex[:8]}"
    default = connections[DEFAULT_DB_ALIAS]
    config = {**default.settings_dict}
    if default.vendor == "sqlite":
        config["NAME"] = str(tmp_path / "restore.sqlite3")
    else:
        config["NAME"] = f"{default.settings_dict['NAME']}_{alias}"[:63]
        with default._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    connections[alias] = connection
    try:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        yield alias
    finally:
        connection.close()
        del connections[alias]
        if default.vendor != "sqlite":
            with default._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')


def _counts(alias: str) -> dict[str, int]:
    excluded_apps = {"contenttypes", "sessions", "admin"}
    return {
        model._meta.label: model._default_manager.using(alias).count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in excluded_apps and model._meta.label != "auth.Permission"
    }


def _key_values(alias: str) -> dict[str, list]:
    return {
        "applications": list(
            Application.objects.using(alias)
            .order_by("pk")
            .values_list("pk", "reference", "status", "amount_requested", "created_by__email", "holder__name")
        ),
        "decisions": list(
            Decision.objects.using(alias).order_by("pk").values_list("pk", "outcome", "amount_granted", "decided_at")
        ),
        "payments": list(Payment.objects.using(alias).order_by("pk").values_list("pk", "kind", "amount", "paid_on")),
        "users": list(User.objects.using(alias).order_by("pk").values_list("email", "password", "is_superuser")),
        "audit": list(AuditEntry.objects.using(alias).order_by("pk").values_list("action", "target_id", "actor_id")),
    }


@pytest.mark.django_db
def test_dumpdata_of_the_demo_restores_into_an_empty_database(tmp_path):
    call_command("seed_demo", verbosity=0)
    dump = tmp_path / "portail.json"
    call_command(
        "dumpdata",
        natural_foreign=True,
        exclude=EXCLUDED,
        output=str(dump),
        verbosity=0,
    )
    source_counts = _counts(DEFAULT_DB_ALIAS)
    source_values = _key_values(DEFAULT_DB_ALIAS)
    assert source_counts["applications.Application"] >= 10
    assert source_counts["committees.Decision"] >= 4
    assert source_counts["core.AuditEntry"] > 0

    with empty_database(tmp_path) as alias:
        assert _counts(alias)["applications.Application"] == 0
        call_command("loaddata", str(dump), database=alias, verbosity=0)

        assert _counts(alias) == source_counts
        restored = _key_values(alias)
        assert restored == source_values
        granted = Decision.objects.using(alias).filter(outcome="granted").values_list("amount_granted", flat=True)
        assert sorted(granted) == [Decimal("300"), Decimal("400"), Decimal("600"), Decimal("850")]
        assert Application.objects.using(alias).filter(reference="PIC-2025-0001").exists()
        for account in DEMO_ACCOUNTS:
            assert User.objects.using(alias).get(email=account.email).check_password(DEMO_PASSWORD)
        # The sequences follow the restored rows: new rows do not collide with restored ones.
        entry = AuditEntry(action="test.after_restore", target_type="accounts.user", target_id="1")
        entry.save(using=alias)
        assert entry.pk > max(AuditEntry.objects.using(alias).exclude(pk=entry.pk).values_list("pk", flat=True))
