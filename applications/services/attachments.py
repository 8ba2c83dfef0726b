"""The request's documents: stored under a private path with a random name, checked from their content."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import uploads
from applications.locks import lock_application, lock_attachment
from applications.models import Application, Attachment
from applications.services.guards import check_editable
from core.services import record_audit
from core.uploads import (
    ALLOWED_CONTENT_TYPES,
    check_room,
    check_uploaded_file,
    delete_row_with_file,
    original_name,
    save_row_with_file,
    stored_name,
)

MAX_ATTACHMENTS = 20


def add_attachment(*, user, application: Application, kind: str, uploaded_file) -> Attachment:
    """Store a checked document under a private path with a random name; keep its original name."""
    check_editable(user=user, application=application)
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": [_("Choisissez le type de document dans la liste.")]})
    content_type = check_uploaded_file(uploaded_file=uploaded_file)
    name = original_name(uploaded_file)
    uploaded_file = uploads.cleaned_file(uploaded_file=uploaded_file, content_type=content_type)  # no metadata
    with transaction.atomic():
        locked = lock_application(application)
        check_editable(user=user, application=locked)
        check_room(
            locked.attachments,
            most=MAX_ATTACHMENTS,
            message=_("Une demande compte au plus %(max)s documents : supprimez-en un d'abord."),
        )
        attachment = Attachment(
            application=locked,
            kind=kind,
            original_name=name,
            content_type=content_type,
            size=uploaded_file.size,
            uploaded_by=user,
        )
        uploaded_file.seek(0)
        save_row_with_file(
            attachment,
            name=stored_name(ALLOWED_CONTENT_TYPES[content_type]),
            content=uploaded_file,
            then=lambda: record_audit(
                actor=user,
                action="application.add_attachment",
                target=locked,
                summary=name,
                data={"attachment": attachment.pk, "kind": kind, "size": attachment.size},
            ),
        )
        # The staff's worklist shows when a request last moved (status, message or document).
        Application.objects.filter(pk=locked.pk).update(last_activity_at=timezone.now())
    return attachment


def delete_attachment(*, user, attachment: Attachment) -> None:
    application = attachment.application
    check_editable(user=user, application=application)
    with transaction.atomic():
        locked = lock_application(application)
        check_editable(user=user, application=locked)
        attachment = lock_attachment(attachment, application=locked)
        delete_row_with_file(attachment, actor=user, action="application.delete_attachment", target=locked)
