"""The shape every app's `access.py` shares (after healthchecks' `_get_check_for_user`): fetch one row for a
user, and answer 404, never 403, when it does not exist or the user may not see it, so that nobody learns
whether it exists."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

T = TypeVar("T", bound=Model)


def get_or_404_for(user, queryset: QuerySet[T], *, may: Callable[[Any, T], bool] | None = None, **lookup) -> T:
    """The row of `queryset` matching `lookup` if `may(user, row)` allows it (no `may`: the queryset already
    holds only what the user may see); 404 otherwise."""
    row = queryset.filter(**lookup).first()
    if row is None or (may is not None and not may(user, row)):
        raise Http404
    return row
