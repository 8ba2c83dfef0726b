"""WSGI application of the benchmark's gunicorn: the portal with `bench.urls` as its URLconf.

One settings module for everything: the benchmark only swaps the URLconf, before Django is set up, so the
bare view (/bench/bare/) exists in this process and nowhere else.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pic_portal.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench.urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
