"""Fixtures of this folder's tests (autouse ones apply to each of them, as in the module they came from)."""

from tests.instruction.helpers import (  # noqa: F401  (fixtures are found by name)
    filed,
    in_march_2025,
    private_media,
    reviewed,
)
