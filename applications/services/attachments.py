"""The request's documents: stored under a private path with a random name, checked from their content."""

import os
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications import uploads
from applications.locks import lock_application, lock_attachment
from applications.models import Application, Attachment
from applications.services.guards import check_editable
from core.services import record_audit
from core.uploads import ALLOWED_CONTENT_TYPES, check_uploaded_file

MAX_ATTACHMENTS = 20


def add_attachment(*, user, application: Application, kind: str, uploaded_file) -> Attachment:
    """Store a checked document under a private path with a random name; keep its original name."""
    check_editable(user=user, application=application)
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": [_("Choisissez le type de document dans la liste.")]})
    content_type = check_uploaded_file(uploaded_file=uploaded_file)
    original_name = os.path.basename(uploaded_file.name or "")[:255] or _("document")
    uploaded_file = uploads.cleaned_file(uploaded_file=uploaded_file, content_type=content_type)  # no metadata
    with transaction.atomic():
        locked = lock_application(application)
        check_editable(user=user, application=locked)
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                {
                    "file": [
                        _("Une demande compte au plus %(max)s documents : supprimez-en un d'abord.")
                        % {"max": MAX_ATTACHMENTS}
                    ]
                }
            )
        attachment = Attachment(
            application=locked,
            kind=kind,
            original_name=original_name,
            content_type=content_type,
            size=uploaded_file.size,
            uploaded_by=user,
        )
        stored_name = f"{uuid.uuid4().hex}{ALLOWED_CONTENT_TYPES[content_type]}"
        uploaded_file.seek(0)
        attachment.file.save(stored_name, uploaded_file, save=False)
        stored_path = attachment.file.name
        storage = attachment.file.storage
        # The file is written before the row: remove it again if the row cannot be saved.
        try:
            attachment.full_clean()
            attachment.save()
            record_audit(
                actor=user,
                action="application.add_attachment",
                target=locked,
                summary=original_name,
                data={"attachment": attachment.pk, "kind": kind, "size": attachment.size},
            )
        except Exception:
            storage.delete(stored_path)
            raise
    return attachment


def delete_attachment(*, user, attachment: Attachment) -> None:
    application = attachment.application
    check_editable(user=user, application=application)
    with transaction.atomic():
        locked = lock_application(application)
        check_editable(user=user, application=locked)
        attachment = lock_attachment(attachment, application=locked)
        storage, path = attachment.file.storage, attachment.file.name
        record_audit(
            actor=user,
            action="application.delete_attachment",
            target=locked,
            summary=attachment.original_name,
            data={"attachment": attachment.pk, "kind": attachment.kind},
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))
