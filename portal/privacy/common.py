"""Helpers the export, the account closing and the purge share."""

import datetime
import logging
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models, transaction

logger = logging.getLogger("portal.privacy")


def reports_installed() -> bool:
    return apps.is_installed("reports")


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


def pick(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: json_value(getattr(obj, name)) for name in names}


def plain_fields(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every non-relational field of a row (files and links to other rows left out)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.is_relation or isinstance(field, models.FileField) or field.name in exclude:
            continue
        data[field.name] = json_value(getattr(obj, field.attname))
    return data


def delete_files_on_commit(paths: list[tuple[Any, str]]) -> None:
    def delete() -> None:
        for storage, name in paths:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete the stored file %s", name)

    if paths:
        transaction.on_commit(delete)
