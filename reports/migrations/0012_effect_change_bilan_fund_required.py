"""Every ticked effect item's bilan and fund are filled (0011): they are now required."""

from django.db import migrations

from reports.migrations._fund_field import bilan_field, fund_field


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_effect_change_bilan_fund")]

    operations = [
        migrations.AlterField(model_name="effectchange", name="bilan", field=bilan_field()),
        migrations.AlterField(model_name="effectchange", name="fund", field=fund_field()),
    ]
