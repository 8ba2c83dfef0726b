"""Messages between the holder and the association's staff about a filed request."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from applications.models import Application, Message, MessageRead
from applications.permissions import can_post_message, is_owner
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
