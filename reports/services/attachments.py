"""The micro-project bilan's receipts and photos: stored under private random names."""

import os
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import record_audit
from reports.locks import lock_bilan
from reports.models import Bilan, BilanAttachment
from reports.services.checks import check_editable, check_holder
from reports.uploads import clean_upload

MAX_ATTACHMENTS = 30


def add_bilan_attachment(
    *, user, bilan: Bilan, kind: str, uploaded_file, public_consent: bool = False, description: str = ""
) -> BilanAttachment:
    """Store a receipt or a photo under a private path with a random name; images lose their metadata."""
    check_holder(user, bilan.application)
    check_editable(bilan)
    if kind not in BilanAttachment.Kind.values:
        raise ValidationError({"kind": [_("Choisissez s'il s'agit d'un justificatif ou d'une photo.")]})
    if public_consent and kind != BilanAttachment.Kind.PHOTO:
        raise ValidationError(
            {"public_consent": [_("L'accord de publication concerne les photos : décochez-le pour un justificatif.")]}
        )
    clean = clean_upload(uploaded_file=uploaded_file, kind=kind)
    original_name = os.path.basename(uploaded_file.name or "")[:255] or _("document")
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                {
                    "file": [
                        _("Un bilan compte au plus %(max)s pièces : supprimez-en une d'abord.")
                        % {"max": MAX_ATTACHMENTS}
                    ]
                }
            )
        attachment = BilanAttachment(
            bilan=locked,
            kind=kind,
            original_name=original_name,
            content_type=clean.content_type,
            size=len(clean.content),
            description=(description or "").strip(),
            public_consent=bool(public_consent),
            uploaded_by=user,
        )
        attachment.file.save(f"{uuid.uuid4().hex}{clean.extension}", ContentFile(clean.content), save=False)
        storage, stored_path = attachment.file.storage, attachment.file.name
        # The file is written before the row: remove it again if the row cannot be saved.
        try:
            attachment.full_clean()
            attachment.save()
            record_audit(
                actor=user,
                action="bilan.add_attachment",
                target=locked,
                summary=original_name,
                data={"attachment": attachment.pk, "kind": kind, "public_consent": attachment.public_consent},
            )
        except Exception:
            storage.delete(stored_path)
            raise
    return attachment


def delete_bilan_attachment(*, user, attachment: BilanAttachment) -> None:
    bilan = attachment.bilan
    check_holder(user, bilan.application)
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        attachment = BilanAttachment.objects.select_for_update().get(pk=attachment.pk, bilan=locked)
        storage, path = attachment.file.storage, attachment.file.name
        record_audit(
            actor=user,
            action="bilan.delete_attachment",
            target=locked,
            summary=attachment.original_name,
            data={"attachment": attachment.pk, "kind": attachment.kind},
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))
