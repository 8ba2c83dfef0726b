"""A small fixed-window rate limiter on the default cache (shared between workers when Redis is set).

Used to throttle the e-mails a visitor can make the portal send (password reset, address confirmation): per
address and per IP, so that nobody floods an inbox or uses the portal to send mail in bulk.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from core.middleware import client_ip


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]  # no address in the cache's keys
    return f"ratelimit:{scope}:{digest}"


def hit(*, scope: str, value: str, limit: int, period: int) -> bool:
    """Count one attempt for `value` in `scope`; True while at most `limit` attempts fall in the window."""
    key = _key(scope, value)
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit


def email_allowed(request, *, address: str, scope: str = "email") -> bool:
    """One more e-mail to `address` asked from this request's IP: within both limits of the settings?

    Both counters move on each call (an attacker cycling addresses still spends the IP's allowance).
    """
    period = settings.PORTAL_EMAIL_RATE_PERIOD
    per_ip = hit(scope=f"{scope}:ip", value=client_ip(request), limit=settings.PORTAL_EMAIL_RATE_PER_IP, period=period)
    per_address = hit(
        scope=f"{scope}:address", value=address or "", limit=settings.PORTAL_EMAIL_RATE_PER_ADDRESS, period=period
    )
    return per_ip and per_address
