"""The association's own words in a fund's annual report: one service writes them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import record_audit
from funds.models import Fund
from reports.locks import lock_fund
from reports.models import NARRATIVE_FIELDS, AnnualNarrative
from reports.permissions import can_write_annual_narrative


def save_annual_narrative(
    *, user, fund: Fund, summary: str, highlights: str, difficulties: str, perspectives: str
) -> AnnualNarrative:
    """Write the summary, highlights, difficulties and perspectives of the fund's annual report (its staff only).

    Every part may stay empty; each is at most `NARRATIVE_MAX_LENGTH` characters. The PDF and the workbook of the
    report carry them from then on.
    """
    if not can_write_annual_narrative(user, fund):
        raise PermissionDenied(
            _("Seule l'équipe de l'association porteuse du fonds écrit les textes de son rapport annuel.")
        )
    values = {
        "summary": summary,
        "highlights": highlights,
        "difficulties": difficulties,
        "perspectives": perspectives,
    }
    values = {name: (value or "").strip() for name, value in values.items()}
    with transaction.atomic():
        locked = lock_fund(fund)
        narrative = AnnualNarrative.objects.filter(fund=locked).first() or AnnualNarrative(fund=locked)
        changed = [name for name in NARRATIVE_FIELDS if getattr(narrative, name) != values[name]]
        for name, value in values.items():
            setattr(narrative, name, value)
        narrative.updated_by = user
        narrative.full_clean()
        narrative.save()
        record_audit(
            actor=user,
            action="annual_report.save_narrative",
            target=narrative,
            summary=_("Textes du rapport annuel %(year)s — %(fund)s") % {"year": locked.year, "fund": locked.name},
            data={"fund": locked.pk, "year": locked.year, "changed": changed},
        )
    return narrative
