"""The micro-project bilan's receipts and photos: stored under private random names."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import record_audit
from core.uploads import check_room, delete_row_with_file, original_name, save_row_with_file, stored_name
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
    name = original_name(uploaded_file)
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        check_room(
            locked.attachments,
            most=MAX_ATTACHMENTS,
            message=_("Un bilan compte au plus %(max)s pièces : supprimez-en une d'abord."),
        )
        attachment = BilanAttachment(
            bilan=locked,
            kind=kind,
            original_name=name,
            content_type=clean.content_type,
            size=len(clean.content),
            description=(description or "").strip(),
            public_consent=bool(public_consent),
            uploaded_by=user,
        )
        save_row_with_file(
            attachment,
            name=stored_name(clean.extension),
            content=ContentFile(clean.content),
            then=lambda: record_audit(
                actor=user,
                action="bilan.add_attachment",
                target=locked,
                summary=name,
                data={"attachment": attachment.pk, "kind": kind, "public_consent": attachment.public_consent},
            ),
        )
    return attachment


def delete_bilan_attachment(*, user, attachment: BilanAttachment) -> None:
    bilan = attachment.bilan
    check_holder(user, bilan.application)
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        attachment = BilanAttachment.objects.select_for_update().get(pk=attachment.pk, bilan=locked)
        delete_row_with_file(attachment, actor=user, action="bilan.delete_attachment", target=locked)
