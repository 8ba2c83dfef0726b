"""The one way a CVS view fetches a request or a fund for a user (404 to whoever may not see it)."""

from collections.abc import Callable

from django.db.models import Prefetch

from applications.models import Application
from core.access import get_or_404_for
from cvs import permissions
from cvs.models import CvsRequest, FunderOpinion, FundingAsk
from funds.models import Fund


def request_queryset():
    """A CVS request's page reads: the request, its holder and fund, asks, opinions, QPV, ambitions, decision."""
    return (
        Application.objects.for_pages()
        .select_related("cvs_request__previous_request__fund", "cvs_request__programming")
        .prefetch_related(
            Prefetch("cvs_request__funding_asks", queryset=FundingAsk.objects.select_related("funder")),
            Prefetch("cvs_request__opinions", queryset=FunderOpinion.objects.select_related("funder", "author")),
            "budget_lines",
            "attachments",
            "cvs_request__neighbourhoods",
            "cvs_request__ambitions__stake",
        )
    )


def get_request_for_user(user, pk: int, *, may: Callable[..., bool] = permissions.can_view_request) -> Application:
    """The CVS request `pk` (an Application with its `cvs_request`) if `may` allows it; 404 otherwise."""
    return get_or_404_for(user, request_queryset().filter(cvs_request__isnull=False), may=may, pk=pk)


def get_cvs_fund_for_user(user, slug: str) -> Fund:
    """A CVS fund the user may read in the back office (its carrier's staff, its co-funders' staff)."""
    return get_or_404_for(
        user, Fund.objects.visible_to(user).select_related("association"), slug=slug, scheme=Fund.Scheme.CVS
    )


def cvs_request_of(application: Application) -> CvsRequest:
    return application.cvs_request
