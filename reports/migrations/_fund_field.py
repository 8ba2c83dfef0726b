"""The `fund` key copied onto a report table (0007-0012), and the `bilan` key copied onto the ticked effect items
(0011-0012): not a migration (the loader skips "_" modules)."""

import django.db.models.deletion
from django.db import models


def fund_field(*, null: bool = False):
    protect = django.db.models.deletion.PROTECT
    return models.ForeignKey("funds.fund", protect, related_name="+", editable=False, null=null, verbose_name="fonds")


def bilan_field(*, null: bool = False):
    cascade = django.db.models.deletion.CASCADE
    return models.ForeignKey("reports.bilan", cascade, related_name="+", editable=False, null=null)
