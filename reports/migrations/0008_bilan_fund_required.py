"""Every bilan's fund is filled (0007): it is now required."""

from django.db import migrations

from reports.migrations._fund_field import fund_field


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_bilan_fund")]

    operations = [
        migrations.AlterField(model_name="bilan", name="fund", field=fund_field()),
        migrations.AlterField(model_name="cvsbilan", name="fund", field=fund_field()),
    ]
