"""Each effect observation carries its bilan's fund, so that a fund's observations are counted through an index of
their own: added empty and filled from the bilans here, then required by 0010 (kept apart as 0007 and 0008 are)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

from reports.migrations._fund_field import fund_field


def fill_funds(apps, schema_editor):
    Bilan = apps.get_model("reports", "Bilan")
    fund_of_bilan = Subquery(Bilan.objects.filter(pk=OuterRef("bilan_id")).values("fund_id")[:1])
    apps.get_model("reports", "EffectObservation").objects.update(fund_id=fund_of_bilan)


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_bilan_fund_required")]

    operations = [
        migrations.AddField(model_name="effectobservation", name="fund", field=fund_field(null=True)),
        migrations.RunPython(fill_funds, migrations.RunPython.noop),
    ]
