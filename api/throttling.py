from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class ApiTokenRateThrottle(SimpleRateThrottle):
    """At most `settings.PORTAL_API_RATE` requests per token (e.g. "1000/hour"), counted in the default cache."""

    scope = "api_token"

    def get_rate(self) -> str:
        # Read at each request (not at import, as DRF's default does): tests and deployments may change it.
        return settings.PORTAL_API_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
