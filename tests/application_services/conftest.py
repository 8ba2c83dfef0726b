"""Fixtures of this folder's tests (autouse ones apply to each of them, as in the module they came from)."""

from tests.application_services.helpers import (  # noqa: F401  (fixtures are found by name)
    confirmed,
    draft,
)
from tests.request_fixtures import private_media  # noqa: F401  (autouse: uploads go to a temporary folder)
