"""Every bilan's fund is filled (0007): it is now required."""

import django.db.models.deletion
from django.db import migrations, models


def field():
    return models.ForeignKey(
        editable=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="funds.fund",
        verbose_name="fonds",
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_bilan_fund")]

    operations = [
        migrations.AlterField(model_name="bilan", name="fund", field=field()),
        migrations.AlterField(model_name="cvsbilan", name="fund", field=field()),
    ]
