"""A cache for the public pages that anonymous visitors read most (home, open calls, showcase).

An anonymous GET of a decorated view is answered from the cache when the same URL was rendered less than
`PUBLIC_PAGE_CACHE_SECONDS` ago and no data the public pages show has changed since: every save or delete
of such data (requests, decisions, bilans and their photos, funds, reference data) moves a version number
that is part of the cache key, so a withdrawn consent or a new grant shows at the next visit.

Never cached: a logged-in user's page (their name and links are in it), a visitor with a message waiting
(the page would show it to everyone), a response that sets a cookie or is not a plain 200.

With several worker processes, the cache must be shared for the version to reach every worker: set
`REDIS_URL` (see the README). With the default per-process memory cache, a worker may serve a page up to
`PUBLIC_PAGE_CACHE_SECONDS` old.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation

VERSION_KEY = "public-pages:version"


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def invalidate(**_kwargs) -> None:
    """Every public page is rendered afresh at its next visit."""
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    # The day is part of the key: calls open and close at midnight.
    return f"public-page:{current_version()}:{timezone.localdate():%Y%m%d}:{translation.get_language()}:{path}"


def _cacheable_request(request) -> bool:
    if request.method != "GET" or request.user.is_authenticated:
        return False
    return len(get_messages(request)) == 0  # counts without marking the messages as read


def public_page(view):
    """Serve an anonymous visitor's GET from the cache (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if seconds <= 0 or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token was put in the page
        ):
            cache.set(key, (response.content, response["Content-Type"]), timeout=seconds)
        return response

    return wrapper


def watch(*models) -> None:
    """Invalidate the public pages whenever a row of these models is saved or deleted."""
    for model in models:
        post_save.connect(invalidate, sender=model, dispatch_uid=f"public-pages-save-{model._meta.label}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"public-pages-delete-{model._meta.label}")
