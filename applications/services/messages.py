"""Messages between the holder and the association's staff about a filed request."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from applications.models import Application, Message
from applications.permissions import can_post_message, is_fund_staff, is_owner
from applications.services.guards import refused
from applications.services.notices import send_holder_notice, send_staff_notice
from core.services import record_audit
from core.validation import Errors, raise_if


def post_message(*, user, application: Application, body: str) -> Message:
    """A message between the holder and the association's staff; the other side is told by e-mail."""
    if not can_post_message(user, application):
        raise refused(_("Vous ne pouvez pas écrire au sujet de cette demande."))
    message = Message(application=application, author=user, body=(body or "").strip())
    errors: Errors = {}
    if not message.body:
        errors["body"] = [_("Écrivez votre message avant de l'envoyer.")]
    else:
        try:
            message.full_clean()
        except ValidationError as error:
            errors = error.message_dict
    raise_if(errors)
    from_holder = is_owner(user, application)
    with transaction.atomic():
        message.save()
        # The staff's worklist: the request moved; a holder's message waits to be read.
        Application.objects.filter(pk=application.pk).update(
            last_activity_at=message.created_at,
            staff_unread_messages=F("staff_unread_messages") + (1 if from_holder else 0),
        )
        record_audit(
            actor=user,
            action="application.post_message",
            target=application,
            summary=message.body[:100],
            data={"message": message.pk, "from_holder": from_holder},
        )
        if from_holder:
            send_staff_notice(application_id=application.pk, name="message_to_staff", message=message)
        else:
            send_holder_notice(application_id=application.pk, name="message_to_holder", message=message)
    return message


def mark_messages_read_by_staff(*, user, application: Application) -> bool:
    """The association's staff opened the thread: the holder's messages are read (True if some were unread).

    One conditional UPDATE: no write at all when nothing was unread (the common case of a page view)."""
    if not is_fund_staff(user, application) or is_owner(user, application):
        return False
    return bool(
        Application.objects.filter(pk=application.pk, staff_unread_messages__gt=0).update(staff_unread_messages=0)
    )
