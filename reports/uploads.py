"""Checking and cleaning the bilan's uploads: receipts (PDF, JPEG, PNG) and photos (JPEG, PNG).

The type is read from the content, never from the name. Every image is decoded and encoded again from
its pixels only, so nothing of the original file survives but the picture: no EXIF (GPS position,
camera, date), no XMP, no comment, no embedded thumbnail.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from applications.rules import check_uploaded_file
from reports.models import BilanAttachment

IMAGE_TYPES = {"image/jpeg": ("JPEG", ".jpg"), "image/png": ("PNG", ".png")}
PDF_TYPE = "application/pdf"
# A photo larger than this is refused before decoding (a "decompression bomb" could exhaust memory).
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 88


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str


def _bad_image() -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "Cette image est illisible ou abîmée. Ouvrez-la sur votre appareil, enregistrez-la à nouveau "
                    "en JPEG ou en PNG, puis réessayez."
                )
            ]
        },
        code="bad_image",
    )


def reencode_image(*, data: bytes, content_type: str) -> bytes:
    """The picture of `data` alone, encoded again in the same format, turned the right way up."""
    image_format, _extension = IMAGE_TYPES[content_type]
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.width * source.height > MAX_PIXELS:
                raise ValidationError(
                    {
                        "file": [
                            _(
                                "Cette photo est trop grande (%(width)s × %(height)s pixels). Réduisez-la à moins "
                                "de 40 millions de pixels, par exemple avec l'option « taille moyenne » de votre "
                                "téléphone, puis réessayez."
                            )
                            % {"width": source.width, "height": source.height}
                        ]
                    },
                    code="too_many_pixels",
                )
            # Apply the EXIF orientation before the EXIF goes, or portrait photos would lie on their side.
            picture = ImageOps.exif_transpose(source)
            if image_format == "JPEG":
                picture = picture.convert("RGB")
            elif picture.mode not in ("RGB", "RGBA", "L", "LA"):
                picture = picture.convert("RGBA")
            # A new image from the pixels only: no info dictionary, no EXIF, XMP, ICC profile or comment.
            clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise _bad_image() from error
    output = io.BytesIO()
    if image_format == "JPEG":
        clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(output, format="PNG", optimize=True)
    return output.getvalue()


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
