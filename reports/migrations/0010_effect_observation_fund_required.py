"""Every effect observation's fund is filled (0009): it is now required."""

from django.db import migrations

from reports.migrations._fund_field import fund_field


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_effect_observation_fund")]

    operations = [
        migrations.AlterField(model_name="effectobservation", name="fund", field=fund_field()),
    ]
