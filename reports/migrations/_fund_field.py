"""The `fund` key copied onto a report table (0007-0010): not a migration (the loader skips "_" modules)."""

import django.db.models.deletion
from django.db import models


def fund_field(*, null: bool = False):
    protect = django.db.models.deletion.PROTECT
    return models.ForeignKey("funds.fund", protect, related_name="+", editable=False, null=null, verbose_name="fonds")
