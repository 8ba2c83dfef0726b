"""Who may ask for and download a dossier bundle.

- One request: the staff of the fund's carrier association and the administrator, once the request is
  filed (staff never see drafts).
- A whole fund: whoever reads the fund's annual report (`funds.permissions.can_view_fund`: the carrier
  association's staff, the co-funders' staff, the administrator). Co-funders get what their pages show
  them: no bank details, no decision letters or minutes, no bilan receipts or photos (`full_access` False).
"""

from applications.models import Application
from bundles.models import Bundle
from funds.models import Fund
from funds.permissions import can_view_fund, is_association_staff


def has_full_access(user, fund: Fund) -> bool:
    return is_association_staff(user, fund.association)


def may_bundle_application(user, application: Application) -> bool:
    return bool(application.reference) and has_full_access(user, application.fund)


def may_bundle_fund(user, fund: Fund) -> bool:
    return can_view_fund(user, fund)


def may_read_bundle(user, bundle: Bundle) -> bool:
    """Checked at every look and at download: the requester, with the access the content needs still."""
    if not user.is_authenticated or bundle.requested_by_id != user.pk:
        return False
    if bundle.scope == Bundle.Scope.APPLICATION:
        return may_bundle_application(user, bundle.application)
    if bundle.full_access:
        return has_full_access(user, bundle.fund)
    return may_bundle_fund(user, bundle.fund)
