"""Messages between the holder and the association's staff about a filed request, each with at most one file."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from applications import uploads
from applications.models import Application, Message, MessageRead
from applications.permissions import can_post_message, is_fund_staff, is_owner
from applications.services.guards import refused
from applications.services.notices import send_holder_notice, send_staff_notice
from core.services import record_audit
from core.uploads import ALLOWED_CONTENT_TYPES, check_uploaded_file, original_name, save_row_with_file, stored_name
from core.validation import Errors, raise_if


def _check_file(uploaded_file) -> str:
    """The file's sniffed content type; its refusal is said on the form's file field (`attachment`)."""
    try:
        return check_uploaded_file(uploaded_file=uploaded_file)
    except ValidationError as error:
        raise ValidationError({"attachment": error.message_dict["file"]}) from None


def _valid_message(*, user, application: Application, body: str, uploaded_file) -> tuple[Message, str]:
    """The message, checked with its file before anything is saved, and the file's content type ("" without)."""
    message = Message(application=application, author=user, body=(body or "").strip())
    errors: Errors = {}
    content_type = ""
    if uploaded_file:
        try:
            content_type = _check_file(uploaded_file)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not message.body:
        errors["body"] = [_("Écrivez votre message avant de l'envoyer.")]
    else:
        try:
            message.full_clean(exclude=["attachment"])
        except ValidationError as error:
            errors.update(error.message_dict)
    raise_if(errors)
    return message, content_type


def _message_posted(*, user, application: Application, message: Message, from_holder: bool) -> None:
    """Once the message is saved: the staff's worklist (the request moved; a holder's message waits to be read),
    the audit entry, the e-mail to the other side."""
    Application.objects.filter(pk=application.pk).update(
        last_activity_at=message.created_at,
        staff_unread_messages=F("staff_unread_messages") + (1 if from_holder else 0),
    )
    record_audit(
        actor=user,
        action="application.post_message",
        target=application,
        summary=message.body[:100],
        data={
            "message": message.pk,
            "from_holder": from_holder,
            "attachment": {"name": message.attachment_name, "size": message.attachment_size}
            if message.attachment
            else None,
        },
    )
    if from_holder:
        send_staff_notice(application_id=application.pk, name="message_to_staff", message=message)
    else:
        send_holder_notice(application_id=application.pk, name="message_to_holder", message=message)


def _save_with_file(message: Message, *, uploaded_file, content_type: str, then: Callable[[], None]) -> None:
    """The file stored without its metadata, then the message saved and `then()` run (the file removed if not)."""
    stored = uploads.cleaned_file(uploaded_file=uploaded_file, content_type=content_type)  # no metadata
    message.attachment_name = original_name(uploaded_file)
    message.attachment_content_type = content_type
    message.attachment_size = stored.size
    stored.seek(0)
    save_row_with_file(
        message,
        name=stored_name(ALLOWED_CONTENT_TYPES[content_type]),
        content=stored,
        then=then,
        field="attachment",
    )


def post_message(*, user, application: Application, body: str, uploaded_file=None) -> Message:
    """A message between the holder and the association's staff, with an optional file (checked like the
    request's documents: type read from its content, size limit, images stripped of their metadata); the other
    side is told by e-mail, which names the file without attaching it. An invalid file saves nothing."""
    if not can_post_message(user, application):
        raise refused(_("Vous ne pouvez pas écrire au sujet de cette demande."))
    message, content_type = _valid_message(user=user, application=application, body=body, uploaded_file=uploaded_file)
    from_holder = is_owner(user, application)

    def then() -> None:
        _message_posted(user=user, application=application, message=message, from_holder=from_holder)

    with transaction.atomic():
        if uploaded_file:
            _save_with_file(message, uploaded_file=uploaded_file, content_type=content_type, then=then)
        else:
            message.save()
            then()
    return message


def mark_messages_read_by_staff(*, user, application: Application) -> bool:
    """The association's staff opened the thread: the holder's messages are read (True if some were unread).

    One conditional UPDATE: no write at all when nothing was unread (the common case of a page view)."""
    if not is_fund_staff(user, application) or is_owner(user, application):
        return False
    return bool(
        Application.objects.filter(pk=application.pk, staff_unread_messages__gt=0).update(staff_unread_messages=0)
    )


def mark_messages_read(*, user, application: Application) -> bool:
    """The holder opened the request's page: the messages written to them so far are read.

    Writes only when a message came since the last visit (two reads otherwise), so an ordinary visit saves
    nothing and keeps the holder's cached space. True when something was marked read. Not audited: reading
    changes nothing of the request.
    """
    if not is_owner(user, application):
        return False
    latest = (
        Message.objects.filter(application=application)
        .exclude(author=user)
        .aggregate(latest=Max("created_at"))["latest"]
    )
    if latest is None:
        return False
    with transaction.atomic():
        read = MessageRead.objects.select_for_update().filter(application=application, user=user).first()
        if read is not None and read.read_at >= latest:
            return False
        if read is None:
            read = MessageRead(application=application, user=user)
        read.read_at = latest
        read.full_clean(validate_constraints=False)
        read.save()
    return True
