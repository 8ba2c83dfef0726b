"""The one way a view fetches a bilan, a bilan's document, a fund's report or the dashboard for a user.

After healthchecks' `_get_check_for_user`: each helper loads the object with what its pages read and
answers 404, never 403, to whoever may not see it, so that nobody learns whether a reference exists.
`may` says what the view is about to do (read, fill in, review…): a predicate of `reports.permissions`.
The request itself is loaded by `applications.access.get_application_for_user`.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404

from applications.access import get_application_for_user
from applications.models import Application
from core.access import get_or_404_for
from funds.models import Fund
from funds.permissions import is_any_association_staff
from reports import consolidated, permissions, selectors, showcase
from reports.models import Bilan, BilanAttachment, CvsBilan


def _bilan_decides(user, application: Application) -> bool:
    """The request part never refuses on its own: the bilan's predicate, which sees both, decides."""
    return True


def get_bilan_for_user(
    user, pk: int, *, may: Callable[..., bool] = permissions.can_view_bilan
) -> tuple[Application, Bilan | CvsBilan | None]:
    """Request `pk` and its bilan (None if not started) if `may(user, application, bilan)` allows it; 404 otherwise."""
    application = get_application_for_user(user, pk, may=_bilan_decides)
    bilan = selectors.bilan_of(application)
    if bilan is not None:
        bilan.application = application
    if not may(user, application, bilan):
        raise Http404
    return application, bilan


def get_started_bilan_for_user(
    user, pk: int, *, may: Callable[..., bool] = permissions.can_view_bilan
) -> tuple[Application, Bilan | CvsBilan]:
    """As `get_bilan_for_user`, and 404 when the bilan is not started."""
    application, bilan = get_bilan_for_user(user, pk, may=may)
    if bilan is None:
        raise Http404
    return application, bilan


def get_bilan_attachment_for_user(
    user, pk: int, attachment_pk: int, *, may: Callable[..., bool] = permissions.can_download_bilan_attachment
) -> BilanAttachment:
    """A receipt or photo of request `pk`'s bilan if `may(user, attachment)` allows it; 404 otherwise (also when it
    belongs to another request)."""
    attachments = BilanAttachment.objects.select_related("bilan__application__fund__association")
    return get_or_404_for(user, attachments, may=may, pk=attachment_pk, bilan__application_id=pk)


def get_remindable_for_user(user, pk: int) -> Application:
    """A request whose holder the user may chase for the bilan (its fund's staff, not linked to its holder)."""
    return get_application_for_user(user, pk, may=permissions.can_review_bilan)


def get_staff_bilan_funds(user, slug: str = "") -> tuple[list[Fund], Fund | None]:
    """The funds whose bilans the user's association follows, and the one chosen by `slug` ("" for all).

    404 for anyone who is not a carrier association's staff, and for a fund they do not run.
    """
    if not is_any_association_staff(user):
        raise Http404
    funds = list(Fund.objects.managed_by(user).select_related("association"))
    if not slug:
        return funds, None
    fund = next((f for f in funds if f.slug == slug), None)
    if fund is None:
        raise Http404
    return funds, fund


def get_report_fund_for_user(user, slug: str, year: int, *, may: Callable[..., bool] | None = None) -> Fund:
    """The fund of an annual report if the user may read it (and, with `may`, if `may(user, fund)` allows what the
    view is about to do, e.g. write its texts); 404 otherwise, and for any year but the fund's."""
    funds = permissions.readable_funds(user).select_related("association")
    return get_or_404_for(user, funds, may=may, slug=slug, year=year)


def get_dashboard_funds_for_user(user) -> QuerySet[Fund]:
    """The funds the funders' dashboard compares for this user; 404 for whoever may not use it."""
    if not permissions.may_use_dashboard(user):
        raise Http404
    return permissions.readable_funds(user)


def get_consolidated_funder_for_user(user, chosen: str | None):
    """The funder of a consolidated report (`chosen` id, or the user's first) and the funders the user may choose;
    404 for a carrier association's staff, a resident, and for a funder that is not the user's."""
    return consolidated.choose_funder(user, chosen)


def get_showcase_project(pk: int) -> showcase.ShowcaseProject:
    """A project of the public showcase (anyone may read it); 404 for any other request."""
    project = showcase.showcase_project(pk=pk)
    if project is None:
        raise Http404
    return project


def get_showcase_photo(pk: int, photo_pk: int) -> BilanAttachment:
    """A consented photo of a showcased project; 404 for any other file."""
    photo = showcase.public_photo(project_pk=pk, photo_pk=photo_pk)
    if photo is None:
        raise Http404
    return photo
