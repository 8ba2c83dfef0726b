"""Each bilan carries its request's fund (copied from the request), so that a fund's bilans are read through an
index of their own: added empty and filled from the requests here, then required by 0008 (a migration of its own:
on PostgreSQL, altering the table in the transaction that filled it fails on the pending foreign-key checks)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

from reports.migrations._fund_field import fund_field


def fill_funds(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    fund_of_request = Subquery(Application.objects.filter(pk=OuterRef("application_id")).values("fund_id")[:1])
    for name in ("Bilan", "CvsBilan"):
        apps.get_model("reports", name).objects.update(fund_id=fund_of_request)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("funds", "0003_todo_association_opening_hours"),
        ("reports", "0006_todo_bilan_dates_confirmed"),
    ]

    operations = [
        migrations.AddField(model_name="bilan", name="fund", field=fund_field(null=True)),
        migrations.AddField(model_name="cvsbilan", name="fund", field=fund_field(null=True)),
        migrations.RunPython(fill_funds, migrations.RunPython.noop),
    ]
