"""Each ticked effect item carries its observation's bilan and fund, so that a fund's items are counted through an
index of their own: added empty and filled from the observations here, then required by 0012 (kept apart as 0009
and 0010 are)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

from reports.migrations._fund_field import bilan_field, fund_field


def fill_bilans_and_funds(apps, schema_editor):
    EffectObservation = apps.get_model("reports", "EffectObservation")
    observation = EffectObservation.objects.filter(pk=OuterRef("observation_id"))
    apps.get_model("reports", "EffectChange").objects.update(
        bilan_id=Subquery(observation.values("bilan_id")[:1]), fund_id=Subquery(observation.values("fund_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_effect_observation_fund_required")]

    operations = [
        migrations.AddField(model_name="effectchange", name="bilan", field=bilan_field(null=True)),
        migrations.AddField(model_name="effectchange", name="fund", field=fund_field(null=True)),
        migrations.RunPython(fill_bilans_and_funds, migrations.RunPython.noop),
    ]
