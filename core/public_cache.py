"""A cache for the public pages that anonymous visitors read most (home, open calls, showcase).

An anonymous GET of a decorated view is answered from the cache when the same URL was rendered less than
`PUBLIC_PAGE_CACHE_SECONDS` ago and no data the public pages show has changed since: every save or delete
of such data (requests, decisions, bilans and their photos, funds, reference data) moves a version number,
and a page is used only if it was rendered under the current version, so a withdrawn consent or a new
grant shows at the next visit. The versions live in the default cache (shared by the workers with
`REDIS_URL`); the pages in each process's memory (the "pages" cache), so a hit costs one short round trip.

Never cached: a logged-in user's page (their name and links are in it), a visitor with a message waiting
(the page would show it to everyone), a response that sets a cookie or is not a plain 200.

With several worker processes, the cache must be shared for the version to reach every worker: set
`REDIS_URL` (see the README). With the default per-process memory cache, a worker may serve a page up to
`PUBLIC_PAGE_CACHE_SECONDS` old.

`personal_page` does the same for a logged-in user's own page (the holder's space): one entry per
session, rendered afresh when the user's requests, holders or account change (a version per user) or
when the public data moves (the open calls it lists).
"""

import functools
import hashlib
import time
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpResponse
from django.utils import timezone, translation

VERSION_KEY = "public-pages:version"


def _version(key: str, found: dict) -> str:
    """The version stored under `key` (read in `found`), created when missing."""
    version = found.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key, "")
    return version


# The public version as this process last read it, and until when (time.monotonic()) it may be reused
# without asking the shared cache: PUBLIC_PAGE_VERSION_SECONDS. A change made in this process clears it at
# once; one made in another worker shows here within that many seconds.
_local_public_version: list = [None, 0.0]


def current_version() -> str:
    version, until = _local_public_version
    now = time.monotonic()
    if version is not None and now < until:
        return version
    version = _version(VERSION_KEY, {VERSION_KEY: cache.get(VERSION_KEY)})
    _local_public_version[:] = [version, now + settings.PUBLIC_PAGE_VERSION_SECONDS]
    return version


def invalidate(**_kwargs) -> None:
    """Every public page is rendered afresh at its next visit."""
    _local_public_version[:] = [None, 0.0]
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _page_key(kind: str, request, *parts: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    # The day is part of the key: calls open and close at midnight.
    return ":".join((kind, *parts, f"{timezone.localdate():%Y%m%d}", translation.get_language() or "", path))


def _logged_in(request) -> bool:
    """Whether the session names a user, read from the session alone (no query for the user)."""
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


def _storable(response) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def public_page(view):
    """Serve an anonymous visitor's GET from the cache (see the module's docstring).

    On a hit, one short round trip to the shared cache (the version) and the page from the process's
    memory, used only if it was rendered under that version.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method != "GET" or _logged_in(request) or len(get_messages(request)) != 0:
            return view(request, *args, **kwargs)
        key = _page_key("public-page", request)
        version = current_version()
        cached = caches["pages"].get(key)
        if cached is not None and cached[0] == version:
            return HttpResponse(cached[1], content_type=cached[2])
        response = view(request, *args, **kwargs)
        # No CSRF token may be cached for everyone: a page that put one in is not stored.
        if _storable(response) and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            caches["pages"].set(key, (version, response.content, response["Content-Type"]), timeout=seconds)
        return response

    return wrapper


def watch(*models) -> None:
    """Invalidate the public pages whenever a row of these models is saved or deleted."""
    for model in models:
        post_save.connect(invalidate, sender=model, dispatch_uid=f"public-pages-save-{model._meta.label}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"public-pages-delete-{model._meta.label}")


def watch_if(model, *, shown, compare_stored: bool = False) -> None:
    """Invalidate the public pages when a saved row of `model` is one they show (`shown(row)`), and on any delete.

    A draft no public page shows is saved without moving the version (and so without emptying the cache of
    every public page). With `compare_stored`, the row as stored before the save is tested too (read in
    `pre_save`, one query): a row that stops being shown invalidates as well.
    """
    label = model._meta.label

    def before(sender, instance, raw=False, **_kwargs):
        instance._public_cache_was_shown = False
        if compare_stored and not raw and instance.pk is not None:
            stored = sender._default_manager.filter(pk=instance.pk).first()
            instance._public_cache_was_shown = stored is not None and bool(shown(stored))

    def after(sender, instance, raw=False, **_kwargs):
        if getattr(instance, "_public_cache_was_shown", False) or (not raw and shown(instance)):
            invalidate()

    pre_save.connect(before, sender=model, weak=False, dispatch_uid=f"public-pages-before-save-{label}")
    post_save.connect(after, sender=model, weak=False, dispatch_uid=f"public-pages-save-{label}")
    post_delete.connect(invalidate, sender=model, dispatch_uid=f"public-pages-delete-{label}")


# --- A logged-in user's own pages ---------------------------------------------------------------------

USER_VERSION_KEY = "personal-pages:{user_id}:version"


def invalidate_user(user_id) -> None:
    """Every cached personal page of this user is rendered afresh at its next visit."""
    if user_id is not None:
        cache.set(USER_VERSION_KEY.format(user_id=user_id), uuid.uuid4().hex, timeout=None)


def personal_page(view):
    """Serve a logged-in user's GET of their own page from the cache, one entry per session.

    Put it above `login_required`: on a hit, the page is answered from the session and one round trip to
    the cache, without loading the user. That is safe because whatever would refuse the user (a changed
    password, a deactivated account) saves the user row, which moves their version: the next visit then
    goes through `login_required` and the view. The session key is in the cache key: the page (and the
    CSRF token in its forms) is only ever served back to the browser it was rendered for.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PERSONAL_PAGE_CACHE_SECONDS
        session = getattr(request, "session", None)
        user_id = session.get(SESSION_KEY) if session is not None else None
        if seconds <= 0 or request.method != "GET" or not user_id or len(get_messages(request)) != 0:
            return view(request, *args, **kwargs)
        session_hash = hashlib.sha256(session.session_key.encode()).hexdigest()
        key = _page_key("personal-page", request, session_hash)
        user_key = USER_VERSION_KEY.format(user_id=user_id)
        found = cache.get_many([VERSION_KEY, user_key])
        versions = (_version(VERSION_KEY, found), _version(user_key, found))
        cached = caches["pages"].get(key)
        if cached is not None and cached[0] == versions:
            return HttpResponse(cached[1], content_type=cached[2])
        response = view(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if _storable(response) and user is not None and str(user.pk) == str(user_id):
            caches["pages"].set(key, (versions, response.content, response["Content-Type"]), timeout=seconds)
        return response

    return wrapper


def _invalidate_owner(field: str):
    def receiver(sender, instance, **_kwargs):
        invalidate_user(getattr(instance, field, None))

    return receiver


def watch_owned(model, owner_field: str) -> None:
    """Invalidate the owner's personal pages whenever a row of `model` is saved or deleted."""
    receiver = _invalidate_owner(owner_field)
    label = model._meta.label
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"personal-pages-save-{label}")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"personal-pages-delete-{label}")
