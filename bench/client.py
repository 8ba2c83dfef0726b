"""Logged-in sessions and the in-process test client the measures use; the pages they visit."""

from dataclasses import dataclass


def session_store():
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore


def session_for(user) -> str:
    """A logged-in session stored by the portal's session engine (as the log-in view would leave it)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = session_store()()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def client_for(user=None):
    from django.conf import settings
    from django.test import Client

    client = Client()
    if user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_for(user)
    return client


def forget_session(client) -> None:
    """Delete the session `client_for` created (the benchmark leaves no session behind)."""
    from django.conf import settings

    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        session_store()(session_key=cookie.value).delete()


def get_ok(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}, expected 200")
    return response


@dataclass
class Page:
    key: str
    name: str
    path: str
    user: object  # None: anonymous
    who: str
    rows: str = ""
    cache_off: bool = False  # render every time: no page cache, no cached template fragment


def cache_off():
    """Settings under which every GET renders its page (for query counts and the "cache off" timings)."""
    from django.test import override_settings

    return override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, PERSONAL_PAGE_CACHE_SECONDS=0)


def clear_page_caches() -> None:
    from django.core.cache import caches

    caches["pages"].clear()  # the cached template fragments (the inbox's filters)
