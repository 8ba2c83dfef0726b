"""Who may do what on the CVS path. Reading a CVS request is reading its request (applications.permissions)."""

from applications import permissions as request_permissions
from applications.models import Application
from applications.workflow import HOLDER_EDITABLE, IN_INSTRUCTION, Status
from funds.models import FundCoFunder, Funder

can_view_request = request_permissions.can_view_application
is_owner = request_permissions.is_owner
can_withdraw = request_permissions.can_withdraw


def can_edit(user, application: Application) -> bool:
    return request_permissions.is_owner(user, application) and application.status in HOLDER_EDITABLE


def can_decide(user, application: Application) -> bool:
    """Eligibility and the programming decision: the carrier association's staff (never the holder's own)."""
    return request_permissions.can_instruct(user, application)


def opinion_funders(user, application: Application) -> list[Funder]:
    """The funders on whose behalf `user` may give an opinion on this request.

    The carrier association's staff (the MEL's team): every co-funder of the fund; a commune's referent (staff
    of a City funder co-funding the fund): their own commune only. Nobody, on a draft or the holder's own request.
    """
    if not user.is_authenticated or application.status == Status.DRAFT:
        return []
    if request_permissions.is_owner(user, application):
        return []
    links = FundCoFunder.objects.filter(fund_id=application.fund_id).select_related("funder")
    if request_permissions.can_instruct(user, application):
        return [link.funder for link in links]
    return [link.funder for link in links.filter(funder__kind=Funder.Kind.CITY, funder__staff_links__user=user)]


def can_give_opinion(user, application: Application) -> bool:
    return application.status in (*IN_INSTRUCTION, Status.ELIGIBLE) and bool(opinion_funders(user, application))
