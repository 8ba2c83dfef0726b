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
