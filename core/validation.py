"""Small helpers the services share to collect errors by field and raise them at once."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.formats import date_format

Errors = dict[str, list[str]]


def add_error(errors: Errors, field: str, message) -> None:
    errors.setdefault(field, []).append(str(message))


def merge_errors(target: Errors, source: dict) -> Errors:
    for field, messages in source.items():
        target.setdefault(field, []).extend(messages)
    return target


def raise_if(errors: Errors) -> None:
    """Raise every collected error at once, so the form shows them all."""
    if errors:
        raise ValidationError(errors)


def full_clean_into(instance, errors: Errors, **kwargs) -> None:
    """full_clean() into `errors`; the check constraints only run when nothing was found before."""
    try:
        instance.full_clean(validate_constraints=not errors, **kwargs)
    except ValidationError as error:
        merge_errors(errors, error.message_dict)


def full_save(instance) -> None:
    """full_clean() then save(): a model is never written without its own validation."""
    instance.full_clean()
    instance.save()


def copy_fields(target, source, fields: Iterable[str]) -> None:
    """Copy saved values onto the caller's instance so it does not hold stale data."""
    for field in fields:
        setattr(target, field, getattr(source, field))


def french_day(value: datetime.date) -> str:
    """24/05/2025."""
    return date_format(value, "d/m/Y")
