"""Fixtures of this folder's tests (autouse ones apply to each of them, as in the module they came from)."""

from tests.application_views.helpers import (  # noqa: F401  (fixtures are found by name)
    confirmed_resident,
    draft,
    in_march_2025,
    private_media,
)
