"""Re-encoding uploaded images: only the picture survives (shared by the requests' and the bilans' uploads).

Every image is decoded and encoded again from its pixels only, so nothing of the original file survives but
the picture: no EXIF (GPS position, camera, date), no XMP, no comment, no embedded thumbnail. An image with
more than `MAX_PIXELS` pixels is refused before it is decoded (a "decompression bomb" could exhaust memory).
"""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_TYPES = {"image/jpeg": ("JPEG", ".jpg"), "image/png": ("PNG", ".png")}
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 88


def bad_image() -> ValidationError:
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


def too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "Cette photo est trop grande (%(width)s × %(height)s pixels). Réduisez-la à moins "
                    "de 40 millions de pixels, par exemple avec l'option « taille moyenne » de votre "
                    "téléphone, puis réessayez."
                )
                % {"width": width, "height": height}
            ]
        },
        code="too_many_pixels",
    )


def reencode_image(*, data: bytes, content_type: str) -> bytes:
    """The picture of `data` alone, encoded again in the same format, turned the right way up."""
    image_format, _extension = IMAGE_TYPES[content_type]
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.width * source.height > MAX_PIXELS:
                raise too_many_pixels(source.width, source.height)
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
        raise bad_image() from error
    output = io.BytesIO()
    if image_format == "JPEG":
        clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(output, format="PNG", optimize=True)
    return output.getvalue()
