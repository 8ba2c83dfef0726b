"""Fixtures of this folder's tests (autouse ones apply to each of them, as in the module they came from)."""

from tests.staff_inbox.helpers import (  # noqa: F401  (fixtures are found by name)
    hommelet_2024,
    requests_,
)
