"""Checking and cleaning the bilan's uploads: receipts (PDF, JPEG, PNG) and photos (JPEG, PNG).

The type is read from the content, never from the name. Every image is re-encoded from its pixels only
(`core.images`, shared with the requests' attachments).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from applications.rules import check_uploaded_file
from core.images import IMAGE_TYPES, MAX_PIXELS, reencode_image  # noqa: F401 (MAX_PIXELS: public name)
from reports.models import BilanAttachment

PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str


def clean_upload(*, uploaded_file, kind: str) -> CleanFile:
    """Check an uploaded receipt or photo; return what to store. Raises ValidationError in French."""
    content_type = check_uploaded_file(uploaded_file=uploaded_file)
    if kind == BilanAttachment.Kind.PHOTO and content_type not in IMAGE_TYPES:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Une photo doit être une image JPEG ou PNG. Pour un justificatif en PDF, choisissez "
                        "« Justificatif de dépense »."
                    )
                ]
            },
            code="photo_not_image",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    if content_type == PDF_TYPE:
        return CleanFile(content=data, content_type=content_type, extension=".pdf")
    return CleanFile(
        content=reencode_image(data=data, content_type=content_type),
        content_type=content_type,
        extension=IMAGE_TYPES[content_type][1],
    )
