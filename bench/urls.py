"""Benchmark-only URLconf: the portal's URLs plus /bench/bare/, a view that does nothing.

The bare view goes through the whole middleware stack (sessions, CSRF, authentication, CSP, axes...) and
answers "ok": its throughput is the ceiling the portal's pages are compared with. /bench/user/ also loads the
logged-in user (the session row and the user row): the floor of any page behind a log-in. Only `bench.wsgi` (the
gunicorn started by bench/run_bench.py) and the in-process client of the benchmark use this module; the
portal's settings never point to it.
"""

from django.http import HttpResponse
from django.urls import path

from pic_portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")


def user(request):
    return HttpResponse(f"ok {request.user.pk}".encode(), content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/user/", user, name="bench_user"),
    *portal_urlpatterns,
]
