"""Stored files: one sent as a download; those under MEDIA_ROOT that no row references (an upload whose transaction
rolled back, a crash between the file's write and the commit, a restore of an older database over newer files).

Reads the FileFields of every installed model through the app registry: core imports no app.
"""

import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404


def download(field_file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download under `filename` (404 when the file is gone from the storage)."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def referenced_files() -> set[str]:
    """Every file name stored in a FileField (ImageField included), one query per field."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    model._base_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                )
    return names


def orphan_files(root: Path | None = None) -> list[Path]:
    """Files under `root` (MEDIA_ROOT) that no row references, sorted."""
    root = Path(root or settings.MEDIA_ROOT)
    if not root.exists():
        return []
    referenced = referenced_files()
    orphans = []
    for directory, _, filenames in os.walk(root):
        for filename in filenames:
            path = Path(directory) / filename
            if path.relative_to(root).as_posix() not in referenced:
                orphans.append(path)
    return sorted(orphans)
