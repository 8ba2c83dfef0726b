"""Who may do what on one request. Views and services check through here.

The functions take an application whose `fund` (and, for speed, `fund.association`) is loaded;
each answers with at most one small query.
"""

from applications.conflicts import is_conflicted
from applications.models import Application, Attachment
from applications.workflow import HOLDER_EDITABLE, Role, Status, get_transition, may_take
from funds.models import FundCoFunder
from funds.permissions import is_association_staff


def is_owner(user, application: Application) -> bool:
    """The resident who filed the request (its `created_by`)."""
    return bool(user.is_authenticated and application.created_by_id == user.pk)


def files_on_behalf(user, application: Application) -> bool:
    """The staff member who filed the request for its holder, until the holder takes it over."""
    return bool(
        user.is_authenticated and application.is_on_behalf_pending and application.filed_on_behalf_by_id == user.pk
    )


def is_fund_staff(user, application: Application) -> bool:
    """Staff of the carrier association running the request's fund, or the site administrator."""
    return is_association_staff(user, application.fund.association)


def is_cofunder_staff(user, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    return FundCoFunder.objects.filter(fund_id=application.fund_id, funder__staff_links__user=user).exists()


def is_shown_to_staff(application: Application) -> bool:
    """A draft is the resident's own: staff see it only once filed, or while the resident shares it for help."""
    return application.status != Status.DRAFT or application.draft_shared_at is not None


def can_view_application(user, application: Application) -> bool:
    """Owner; the fund's association staff and the administrator once filed (or a draft shared with them);
    co-funders' staff read-only, never drafts."""
    if not user.is_authenticated:
        return False
    if is_owner(user, application):
        return True
    if is_fund_staff(user, application):
        return is_shown_to_staff(application)
    return application.status != Status.DRAFT and is_cofunder_staff(user, application)


def can_edit_application(user, application: Application) -> bool:
    """Only the owner edits the content, and only while it is a draft or a completion is requested."""
    return is_owner(user, application) and application.status in HOLDER_EDITABLE


def can_download_attachment(user, attachment: Attachment) -> bool:
    """Whoever may read the request reads its documents, except the holder's bank details: co-funders' staff read
    the request but not those (data minimisation); the owner, association staff and administrator read every one.
    """
    application = attachment.application
    if attachment.kind == Attachment.Kind.BANK_DETAILS and not (
        user.is_authenticated and (is_owner(user, application) or is_fund_staff(user, application))
    ):
        return False
    return can_view_application(user, application)


def can_post_message(user, application: Application) -> bool:
    """The owner and the association's staff talk about a filed request (never about a draft)."""
    if application.status == Status.DRAFT:
        return False
    return is_owner(user, application) or is_fund_staff(user, application)


def can_manage_application(user, application: Application) -> bool:
    """Instruction actions (request a completion, declare eligible...): association staff, administrator."""
    return can_instruct(user, application)


def can_instruct(user, application: Application) -> bool:
    """Instruction (checklist, private notes, eligibility): the fund's association staff and the administrator.

    Never the request's own holder, even one who works for the association: they would read the private
    notes, and nobody instructs their own request; nor anyone linked to its holder (`applications.conflicts`).
    """
    return (
        (not is_owner(user, application) or files_on_behalf(user, application))
        and is_fund_staff(user, application)
        and not is_conflicted(user, application)
    )


def can_view_instruction(user, application: Application) -> bool:
    """The staff request page: who may instruct, once the request is filed (staff never see drafts)."""
    return application.status != Status.DRAFT and can_instruct(user, application)


def can_withdraw(user, application: Application) -> bool:
    """The owner withdraws the request at any time before a decision (the workflow's `withdraw` sources)."""
    return is_owner(user, application) and may_take(
        get_transition("withdraw"), status=application.status, role=Role.HOLDER
    )


def can_resubmit(user, application: Application) -> bool:
    """The owner files again a request the association sent back for completion."""
    return is_owner(user, application) and application.status == Status.COMPLETION_REQUESTED


def can_send_back(user, application: Application) -> bool:
    """The owner sends back a request the committee deferred (after adding or changing what it asked for)."""
    return is_owner(user, application) and may_take(
        get_transition("send_back"), status=application.status, role=Role.HOLDER
    )


def can_read_messages(user, application: Application) -> bool:
    """Who downloads the files of the request's messages: the holder and the carrier association's staff only.
    A resident may send a bank statement or an ID by message: co-funders, who read the request, do not get them."""
    return is_owner(user, application) or is_fund_staff(user, application)


def has_receipt(application: Application) -> bool:
    """A filed request has a PDF receipt (a draft has no reference yet)."""
    return application.status != Status.DRAFT and bool(application.reference)
