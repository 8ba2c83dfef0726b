"""Which bilan a request has, when it is due, whether it is accepted."""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.rules import bilan_due_on
from committees.models import Decision
from funds.models import Fund
from reports.models import Bilan, BilanStatus, CvsBilan


def uses_cvs_bilan(application: Application) -> bool:
    """CVS funds use the annex 3 bilan; PIC, FPH and fifty-fifty funds the micro-project bilan."""
    return application.fund.scheme == Fund.Scheme.CVS


def bilan_model(application: Application) -> type[Bilan] | type[CvsBilan]:
    return CvsBilan if uses_cvs_bilan(application) else Bilan


def bilan_of(application: Application) -> Bilan | CvsBilan | None:
    """The application's bilan of the fund's kind, or None if the holder has not started it."""
    return bilan_model(application).objects.filter(application=application).first()


def _grants(application_pk):
    decisions = Decision.objects.filter(item__application=application_pk, outcome=Decision.Outcome.GRANTED)
    return decisions.order_by("-item__session__date", "-pk").values_list("item__session__date", flat=True)


def grant_decided_on() -> Subquery:
    """The day of the session that granted the request (its latest grant; NULL when none): an annotation."""
    return Subquery(_grants(OuterRef("pk"))[:1])


def with_grant_date(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The requests annotated with `grant_decided_on`, so that `bilan_due_date` needs no query per row."""
    return queryset.annotate(grant_decided_on=grant_decided_on())


def _paris_day(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else timezone.localtime(moment).date()


def bilan_due_date(application: Application) -> datetime.date | None:
    """The day the bilan is due (`applications.rules.bilan_due_on`): the fund's `bilan_due_days` after the later
    of the project's last day and the day of the session that granted it. Reads the `grant_decided_on`
    annotation (`with_grant_date`) when there is one, else asks the database (one query)."""
    if hasattr(application, "grant_decided_on"):
        decided_on = application.grant_decided_on
    else:
        decided_on = _grants(application.pk).first()
    return bilan_due_on(
        project_end=_paris_day(application.ends_at),
        decided_on=decided_on,
        due_days=application.fund.bilan_due_days,
    )


# Bilan dates more than this many days away from the request's planned dates ask the holder to confirm them
# ("more than 6 months off"); so do dates outside the fund's year.
FAR_FROM_PLANNED_DAYS = 183


def bilan_date_warnings(*, held_from, held_until, application: Application) -> list[str]:
    """Why the dates the holder typed for the project's realisation look wrong, in French (empty if they don't):
    a day outside the fund's year, or a start or end more than `FAR_FROM_PLANNED_DAYS` from the planned one."""
    typed = [
        (_paris_day(held_from), _paris_day(application.starts_at)),
        (_paris_day(held_until), _paris_day(application.ends_at)),
    ]
    days = [day for day, _planned in typed if day is not None]
    warnings = []
    year = application.fund.year
    if any(day.year != year for day in days):
        warnings.append(
            _(
                "Les dates de réalisation que vous avez indiquées ne sont pas en %(year)s, "
                "l'année du fonds « %(fund)s »."
            )
            % {"year": year, "fund": application.fund.name}
        )
    if any(day and planned and abs((day - planned).days) > FAR_FROM_PLANNED_DAYS for day, planned in typed):
        warnings.append(
            _(
                "Les dates de réalisation sont à plus de 6 mois des dates prévues dans la demande "
                "(du %(start)s au %(end)s)."
            )
            % {"start": _french(typed[0][1]), "end": _french(typed[1][1])}
        )
    return warnings


def _french(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def bilan_is_accepted(application: Application) -> bool:
    """True once the association's staff accepted the bilan (PIC or CVS): the balance may then be paid."""
    return (
        Bilan.objects.filter(application_id=application.pk, status=BilanStatus.ACCEPTED).exists()
        or CvsBilan.objects.filter(application_id=application.pk, status=BilanStatus.ACCEPTED).exists()
    )
