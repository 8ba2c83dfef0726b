"""Request plumbing: who is acting (for the audit entries written by signals), and the client's identity
as django-axes sees it (normalised e-mail address, IP address behind the reverse proxy).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The request being handled, or an explicit actor set with `acting_as()`. A context variable is local to a
# thread and to an asyncio task, so two requests served at the same time never see each other's user.
_current_request: ContextVar[HttpRequest | None] = ContextVar("portal_current_request", default=None)
_current_actor: ContextVar[object | None] = ContextVar("portal_current_actor", default=None)


class CurrentUserMiddleware:
    """Remembers the request while it is handled, so `current_user()` can name the actor of a change.

    The user is read lazily, when an audit entry needs it: requests that change nothing cost nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Name the actor of the changes made inside the block (a management command, a test, a service)."""
    token = _current_actor.set(user)
    try:
        yield
    finally:
        _current_actor.reset(token)


def current_user():
    """The logged-in user behind the change being made, or None (a command, an anonymous visitor)."""
    actor = _current_actor.get()
    if actor is not None:
        return actor if getattr(actor, "is_authenticated", False) else None
    request = _current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


# --- django-axes -----------------------------------------------------------------------------------------


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The e-mail address as the log-in compares it (trimmed, lower-case): one counter per address."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD) or ""
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get(settings.AXES_USERNAME_FORM_FIELD, "") or ""
    return str(value).strip().lower()


def client_ip(request: HttpRequest) -> str:
    """The visitor's IP address: REMOTE_ADDR, or the address the trusted reverse proxies put in X-Forwarded-For.

    With PORTAL_TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For is the one the
    first trusted proxy saw; anything left of it was written by the client and is not trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.PORTAL_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The French lockout page (settings.AXES_LOCKOUT_TEMPLATE), with the cool-off time in minutes."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


class PrivateResponseMiddleware:
    """Pages and downloads served to a logged-in user are theirs: `Cache-Control: private, no-store`, so that no
    shared proxy nor the browser's disk keeps a copy (a request, a RIB, a bilan) for the next person at the
    computer. A response that declares itself public (a showcased project's photo) stays as it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import SESSION_KEY

        response = self.get_response(request)
        # Logged in (the session names a user): read from the session, without loading the user.
        session = getattr(request, "session", None)
        logged_in = session is not None and bool(session.get(SESSION_KEY))
        if logged_in and "public" not in response.get("Cache-Control", ""):
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, private=True, no_store=True)
        return response


IDLE_KEY = "_portal_last_activity"
IDLE_LIMIT_KEY = "_portal_idle_seconds"
IDLE_WRITE_EVERY = 60  # seconds: the activity stamp is written at most once a minute


def idle_seconds(user) -> int:
    """How long a session of `user` may stay idle: short for whoever acts on others' data (staff, committee
    members, funders, administrators), longer for residents."""
    backstage = (
        user.is_superuser
        or user.association_links.exists()
        or user.funder_links.exists()
        or user.committee_memberships.exists()
    )
    return settings.PORTAL_STAFF_IDLE_SECONDS if backstage else settings.PORTAL_RESIDENT_IDLE_SECONDS


def stamp_login(sender, request, user, **kwargs) -> None:
    """At log-in (signal `user_logged_in`): the session's idle limit and its first activity, so that the pages
    after it read neither the user nor their roles to enforce it."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session[IDLE_LIMIT_KEY] = idle_seconds(user)
        request.session[IDLE_KEY] = int(time.time())


class IdleSessionMiddleware:
    """Log out a session idle for longer than its limit (`idle_seconds`); the next page asks to log in again.

    It reads the session only (no query for the user): the limit and the last activity are stamped at log-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import SESSION_KEY

        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.get(SESSION_KEY):
            import time

            from django.contrib import messages
            from django.contrib.auth import logout
            from django.contrib.auth.views import redirect_to_login
            from django.utils.translation import gettext as _

            session = request.session
            now = int(time.time())
            limit = session.get(IDLE_LIMIT_KEY)
            if limit is None:  # a session opened before this middleware existed
                limit = session[IDLE_LIMIT_KEY] = idle_seconds(request.user)
            last = session.get(IDLE_KEY)
            if last is not None and now - last > limit:
                logout(request)
                messages.info(
                    request,
                    _("Votre session a expiré après %(minutes)s minutes d'inactivité : reconnectez-vous.")
                    % {"minutes": limit // 60},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= IDLE_WRITE_EVERY:
                session[IDLE_KEY] = now
        return self.get_response(request)
