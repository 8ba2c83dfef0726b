"""Upload checks shared by every app: the type is read from the file's first bytes, never from its name.

A refused file raises a ValidationError on "file" with a French message saying how to fix it, so it is
never stored. The size limit is `settings.MAX_UPLOAD_SIZE`.
"""

import os
import uuid
from collections.abc import Callable

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import record_audit

# Content types accepted for a document, with the extension its stored name gets.
ALLOWED_CONTENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
SNIFF_BYTES = 8192


def check_uploaded_file(*, uploaded_file) -> str:
    """Return the content type sniffed from the file's first bytes; raise ValidationError if refused.

    The name and the browser's content type are not trusted: an executable renamed .pdf is refused.
    """
    max_size = settings.MAX_UPLOAD_SIZE
    max_mb = max_size // (1024 * 1024)
    size = uploaded_file.size
    if not size:
        raise ValidationError({"file": [_("Ce fichier est vide : choisissez un autre fichier.")]}, code="empty")
    if size > max_size:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Ce fichier pèse %(size)s Mo : le maximum est de %(max)s Mo. Réduisez-le (scan en "
                        "noir et blanc, photo moins lourde) ou envoyez seulement les pages utiles."
                    )
                    % {"size": f"{size / (1024 * 1024):.1f}".replace(".", ","), "max": max_mb}
                ]
            },
            code="too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    content_type = kind.mime if kind is not None else None
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Ce fichier n'est pas un document PDF, JPEG ou PNG (son contenu a été vérifié, pas "
                        "seulement son nom). Enregistrez-le en PDF ou prenez-le en photo, puis réessayez."
                    )
                ]
            },
            code="bad_type",
        )
    return content_type


def original_name(uploaded_file) -> str:
    """The name the person gave the file, without folders, for display ("document" when it has none)."""
    return os.path.basename(uploaded_file.name or "")[:255] or _("document")


def stored_name(extension: str) -> str:
    """A random name for a stored file ("3f2a….pdf"): it never tells what the file is nor who sent it."""
    return f"{uuid.uuid4().hex}{extension}"


def check_room(rows, *, most: int, message: str) -> None:
    """Refuse one more file where `rows` already counts `most`: `message` (with %(max)s) on the "file" input."""
    if rows.count() >= most:
        raise ValidationError({"file": [message % {"max": most}]})


def save_row_with_file(row, *, name: str, content, then: Callable[[], object], field: str = "file") -> None:
    """Store `content` as the row's `field` (its `file` by default) under `name`, then save the row (after
    `full_clean`) and run `then()` (its audit entry). The file is written before the row: if the row cannot be
    saved, it is removed again."""
    field_file = getattr(row, field)
    field_file.save(name, content, save=False)
    storage, stored_path = field_file.storage, field_file.name
    try:
        row.full_clean()
        row.save()
        then()
    except Exception:
        storage.delete(stored_path)
        raise


def delete_file_on_commit(field_file) -> None:
    """Remove a deleted row's file once the transaction commits (never while it could still roll back)."""
    storage, path = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(path))


def delete_row_with_file(row, *, actor, action: str, target) -> None:
    """Delete a stored document (a row with a `file`, an `original_name` and a `kind`) after auditing it on
    `target`; its file goes once the transaction commits."""
    record_audit(
        actor=actor,
        action=action,
        target=target,
        summary=row.original_name,
        data={"attachment": row.pk, "kind": row.kind},
    )
    row.delete()
    delete_file_on_commit(row.file)
