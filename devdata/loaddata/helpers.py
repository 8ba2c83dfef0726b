"""Small helpers of the load data: identifiers, proportional splits, dates, rounding, the shared files."""

import datetime
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from devdata.loaddata.constants import PARIS, SHARED_PDF
from funds.validators import make_siret  # noqa: F401  (the load data imports it from here)


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split `total` in whole parts proportional to `weights` that add up exactly to `total`."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    weight_sum = sum(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def between(start: datetime.datetime, end: datetime.datetime, fraction: float) -> datetime.datetime:
    """The instant at `fraction` of the way from start to end, to the minute."""
    moment = start + (end - start) * fraction
    return moment.replace(second=0, microsecond=0)


def round_to(value: Decimal, step: int) -> Decimal:
    return (value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step


@contextmanager
def explicit_timestamps(*model_classes) -> Iterator[None]:
    """Let bulk_create keep the dates we give (auto_now / auto_now_add would stamp the clock's)."""
    saved = []
    for model in model_classes:
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                saved.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def shared_files(label: str) -> tuple[str, str, int, int]:
    """Write (once) the tiny PDF and PNG every generated attachment points to; their names and sizes."""
    from PIL import Image

    pdf_name = f"private/{label}/piece-jointe.pdf"
    png_name = f"private/{label}/photo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 110, 180)).save(buffer, format="PNG")
    png = buffer.getvalue()
    for name, content in ((pdf_name, SHARED_PDF), (png_name, png)):
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
    return pdf_name, png_name, len(SHARED_PDF), len(png)
