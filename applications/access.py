"""The one way a view fetches a request or one of its documents for a user (after healthchecks'
`_get_check_for_user`): it loads the object with what its pages read, and answers 404, never 403, to whoever
may not see it, so that nobody learns whether a reference exists.

`may` says what the view is about to do (read, edit, instruct…): a predicate of `applications.permissions`
or of an app above (e.g. the bilans' permissions).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from applications import conflicts, permissions
from applications.models import PAGE_RELATED, Application, Attachment, Message
from applications.workflow import Status
from core.access import get_or_404_for

# What the request's pages read with it: one query, whichever page (`Application.objects.for_pages()`).
APPLICATION_RELATED = PAGE_RELATED


def get_application_for_user(
    user, pk: int, *, may: Callable[..., bool] = permissions.can_view_application
) -> Application:
    """The request `pk` if `may(user, application)` allows it; 404 otherwise."""
    return get_or_404_for(user, Application.objects.for_pages(), may=may, pk=pk)


def get_attachment_for_user(
    user, pk: int, attachment_pk: int, *, may: Callable[..., bool] = permissions.can_download_attachment
) -> Attachment:
    """A document of request `pk` if `may(user, attachment)` allows it; 404 otherwise (also when it belongs to
    another request)."""
    attachments = Attachment.objects.select_related("application__fund__association")
    return get_or_404_for(user, attachments, may=may, pk=attachment_pk, application_id=pk)


def get_message_attachment_for_user(user, pk: int, message_pk: int) -> Message:
    """A message of request `pk` that carries a file, for whoever may read the thread; 404 otherwise."""
    messages = Message.objects.select_related("application__fund__association").exclude(attachment="")
    return get_or_404_for(
        user,
        messages,
        may=lambda user, message: permissions.can_read_messages(user, message.application),
        pk=message_pk,
        application_id=pk,
    )


@dataclass(frozen=True)
class Abilities:
    """What `user` may do with one request, for its page's buttons (each view still checks its own action)."""

    is_owner: bool
    can_edit: bool
    can_resubmit: bool
    can_send_back: bool
    can_withdraw: bool
    can_post_message: bool
    can_instruct: bool  # opens the staff's instruction page
    has_receipt: bool


def abilities(user, application: Application) -> Abilities:
    is_owner = permissions.is_owner(user, application)
    return Abilities(
        is_owner=is_owner,
        can_edit=permissions.can_edit_application(user, application),
        can_resubmit=permissions.can_resubmit(user, application),
        can_send_back=permissions.can_send_back(user, application),
        can_withdraw=permissions.can_withdraw(user, application),
        can_post_message=permissions.can_post_message(user, application),
        can_instruct=(not is_owner or permissions.files_on_behalf(user, application))
        and permissions.can_view_instruction(user, application),
        has_receipt=permissions.has_receipt(application),
    )


def may_edit_attachment(user, attachment: Attachment) -> bool:
    """A document is deleted by whoever may edit its request (the owner, while the request is editable)."""
    return permissions.can_edit_application(user, attachment.application)


def get_instructed_for_user(user, pk: int) -> Application:
    """The request for its staff page and instruction actions: 404 for whoever may not instruct it (other
    associations, funders, residents, the holder themself, drafts), except the fund's staff who are linked to
    its holder: they get a 403 that says why, so that they know a colleague must do it."""
    application = Application.objects.for_pages().filter(pk=pk).first()
    if application is None:
        raise Http404
    if permissions.can_view_instruction(user, application):
        return application
    staff = application.status != Status.DRAFT and permissions.is_fund_staff(user, application)
    if staff and not permissions.is_owner(user, application):  # the holder themself: 404, as ever
        conflicts.ensure_not_conflicted(user, application, action=_("l'instruire"))
    raise Http404
