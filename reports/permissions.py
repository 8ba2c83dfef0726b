"""Who may do what with a bilan. Views and services check through here.

- The holder (the resident who filed the request) writes the bilan, while it is a draft or returned.
- The staff of the fund's carrier association (and the administrator) read filed bilans, accept or
  return them, and close the request.
- The co-funders' staff read filed bilans and download their PDF; they never act on them, and do not
  download the receipts and photos (personal data: they get the PDF).

The functions take an application whose `fund.association` is loaded; each runs at most one small query.

Annual reports and the funders' dashboard are read by the carrier association's staff, the co-funders'
staff and the administrator (`readable_funds`, `may_use_dashboard`).
"""

from django.db.models import QuerySet

from applications.conflicts import is_conflicted
from applications.models import Application
from applications.permissions import is_cofunder_staff
from funds.models import Fund
from funds.permissions import is_any_funder_staff, is_association_staff
from reports.models import BilanAttachment
from reports.workflow import BilanStatus


def is_holder(user, application: Application) -> bool:
    return bool(user.is_authenticated and application.created_by_id == user.pk)


def is_reviewer(user, application: Application) -> bool:
    """Staff of the carrier association running the request's fund, or the site administrator."""
    return is_association_staff(user, application.fund.association)


def can_view_bilan(user, application: Application, bilan) -> bool:
    """The holder always; staff and co-funders once the bilan has been filed (never a first draft)."""
    if not user.is_authenticated:
        return False
    if is_holder(user, application):
        return True
    if bilan is None or (bilan.status == BilanStatus.DRAFT and bilan.submitted_at is None):
        return False
    return is_reviewer(user, application) or is_cofunder_staff(user, application)


def can_edit_bilan(user, application: Application, bilan) -> bool:
    return is_holder(user, application) and (bilan is None or bilan.is_editable)


def can_review_bilan(user, application: Application) -> bool:
    """Accept, return or close: the reviewers, never someone who holds the request or is linked to its holder."""
    return is_reviewer(user, application) and not is_conflicted(user, application)


def can_download_bilan_attachment(user, attachment: BilanAttachment) -> bool:
    application = attachment.bilan.application
    if is_holder(user, application):
        return True
    return attachment.bilan.submitted_at is not None and is_reviewer(user, application)


def can_fill_bilan(user, application: Application, bilan) -> bool:
    """Start, fill in and file the bilan: the holder only (whatever its status; the services say what is open)."""
    return is_holder(user, application)


def can_review_filed_bilan(user, application: Application, bilan) -> bool:
    """Reach the accept/return/close actions: the carrier association's staff, once the bilan may be seen. The
    services refuse, with the reason, one who is linked to the holder (a 403 that says why, not a 404)."""
    return is_reviewer(user, application) and can_view_bilan(user, application, bilan)


def can_delete_bilan_attachment(user, attachment: BilanAttachment) -> bool:
    return is_holder(user, attachment.bilan.application)


def readable_funds(user) -> QuerySet[Fund]:
    """Funds whose annual reports and dashboard figures a user may read.

    The staff of the carrier association, the staff of a co-funder, the site administrator: the
    back-office reading rule of `Fund.objects.visible_to`. Returned without `distinct()` (an `IN` on the
    ids), so callers may annotate and aggregate on it.
    """
    return Fund.objects.filter(pk__in=Fund.objects.visible_to(user).values("pk"))


def may_use_dashboard(user) -> bool:
    """The funders' dashboard: co-funders' staff, carrier associations' staff, the administrator."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.funder_links.exists() or user.association_links.exists()


def can_write_annual_narrative(user, fund: Fund) -> bool:
    """The association's own words in the annual report: its staff (and the administrator) write them; the
    co-funders read them in the report and never edit them."""
    return is_association_staff(user, fund.association)


def may_read_consolidated_report(user) -> bool:
    """The consolidated report across the funds a funder co-funds: the funders' staff (the Région's, a City's…)
    and the administrator; never a carrier association's staff as such, never a resident."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or is_any_funder_staff(user)
