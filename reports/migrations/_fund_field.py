"""The `fund` key copied onto a report table (0007-0010): not a migration (the loader skips "_" modules)."""

import django.db.models.deletion
from django.db import models


def fund_field(*, null: bool = False):
    return models.ForeignKey(
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="funds.fund",
        verbose_name="fonds",
    )
