"""A request's attachment as it is stored: images re-encoded like the bilans' photos (`core.images`).

The resident's photos and scans (JPEG, PNG) lose their metadata (GPS position, camera, date) and an image too
large to decode safely is refused with a French message; a PDF is stored as sent.
"""

from django.core.files.base import ContentFile

from core.images import IMAGE_TYPES, reencode_image


def cleaned_file(*, uploaded_file, content_type: str):
    """The file to store: `uploaded_file` itself for a PDF, a re-encoded copy (same name) for an image."""
    if content_type not in IMAGE_TYPES:
        return uploaded_file
    uploaded_file.seek(0)
    content = reencode_image(data=uploaded_file.read(), content_type=content_type)
    return ContentFile(content, name=uploaded_file.name)
