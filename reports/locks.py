"""The bilans' row locks (`select_for_update`), taken inside the caller's transaction.

The portal's lock order is fund -> session -> agenda item -> request -> bilan. This app takes the request,
then the bilan: `lock_bilan` always locks the bilan's request first, so a bilan service and a request service
(e.g. `applications.services.apply_transition`, which locks the request) never wait on each other in
opposite orders.
"""

from applications.models import Application
from funds.models import Fund
from reports.models import Bilan, CvsBilan


def lock_fund(fund: Fund) -> Fund:
    """Re-read a fund with its row locked (first in the lock order): e.g. its annual report's text, written once."""
    return Fund.objects.select_for_update(of=("self",)).select_related("association").get(pk=fund.pk)


def lock_application(application: Application) -> Application:
    """Re-read a request with its row locked until the end of the transaction."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("fund__association", "created_by")
        .get(pk=application.pk)
    )


def lock_bilan(bilan: Bilan | CvsBilan) -> Bilan | CvsBilan:
    """Re-read a bilan (either kind) with its row locked, after its request's row (request before bilan)."""
    Application.objects.select_for_update(of=("self",)).filter(pk=bilan.application_id).values_list("pk").get()
    return (
        type(bilan)
        .objects.select_for_update(of=("self",))
        .select_related("application__fund__association", "application__created_by")
        .get(pk=bilan.pk)
    )
