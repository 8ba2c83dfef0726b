"""Which bilan a request has, when it is due, whether it is accepted."""

import datetime

from django.utils import timezone

from applications.models import Application
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


def bilan_due_date(application: Application) -> datetime.date | None:
    """The day the bilan is due: the project's last day (Paris time) + the fund's `bilan_due_days`."""
    if application.ends_at is None:
        return None
    last_day = timezone.localtime(application.ends_at).date()
    return last_day + datetime.timedelta(days=application.fund.bilan_due_days)


def bilan_is_accepted(application: Application) -> bool:
    """True once the association's staff accepted the bilan (PIC or CVS): the balance may then be paid."""
    return (
        Bilan.objects.filter(application_id=application.pk, status=BilanStatus.ACCEPTED).exists()
        or CvsBilan.objects.filter(application_id=application.pk, status=BilanStatus.ACCEPTED).exists()
    )
