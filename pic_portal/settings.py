"""Portail PIC settings: one module, driven by environment variables.

Every variable is listed in the README. Development defaults are safe only
with DEBUG on; with DEBUG off a missing secret stops the start.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Set by pytest.ini for the test suite only.
TESTING = env_bool("DJANGO_TESTING", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if not DEBUG:
    missing = [
        name
        for name, value in (("DJANGO_SECRET_KEY", SECRET_KEY), ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production settings (DJANGO_DEBUG is off) need these environment variables: "
            + ", ".join(missing)
            + ". Set them, or set DJANGO_DEBUG=1 for a development start."
        )
else:
    # Development only: a fixed, clearly insecure key so sessions survive restarts.
    SECRET_KEY = SECRET_KEY or "django-insecure-development-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "axes",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "core",
    "accounts",
    "funds",
    "applications",
    # Loos-en-Gohelle's fifty/fifty: beside the requests (funds and accounts below, nothing of the PIC path).
    "fiftyfifty",
    "committees",
    "reports",
    "cvs",
    # Data leaving the portal: webhooks and dossier bundles (above every business app).
    "webhooks",
    "bundles",
    # Data leaving the portal: the SCDL open data files and the read API (above reports, below portal).
    "opendata",
    "api",
    # On top of every app; nothing imports them.
    "portal",
    "devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who is acting, for the audit entries written by signals (core.signals): after authentication.
    "core.middleware.CurrentUserMiddleware",
    # A logged-in user's pages and downloads: Cache-Control: private, no-store.
    "core.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle sessions end (staff and committee: PORTAL_STAFF_IDLE_SECONDS; residents: PORTAL_RESIDENT_IDLE_SECONDS).
    "core.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The database is down: a French maintenance page (503) instead of an error page.
    "core.errors.DatabaseUnavailableMiddleware",
    # Turns a locked-out log-in into the lockout page: last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pic_portal.urls"
WSGI_APPLICATION = "pic_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "portal.menu.main_menu",
            ],
        },
    },
]

# Database: SQLite file by default, DATABASE_URL (postgres://...) for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before reuse: a database restart costs no error page.
        conn_health_checks=True,
    )
}
# PostgreSQL session settings for a web application's short queries (DATABASE_PG_OPTIONS to change, "" for the
# server's own): no JIT compilation (it cost 13-21 ms of a 50 ms aggregate on the funders' dashboard, more than
# it saved), and random_page_cost 1.1 for data on SSD or in memory (the planner then reaches a page's few funds
# through their indexes instead of scanning the region's rows).
PG_SESSION_OPTIONS = os.environ.get("DATABASE_PG_OPTIONS", "-c jit=off -c random_page_cost=1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PG_SESSION_OPTIONS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = PG_SESSION_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out log-in before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
# Carrier associations' staff land on their desk (what waits for them) after logging in.
STAFF_LOGIN_REDIRECT_URL = "portal:desk"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # The test suite only: hashing cost is not what it tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: French UI, Paris time, French formats (24/05/2025, 1 234,50).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["pic_portal.formats"]

# Static files: served by WhiteNoise; Bootstrap's files come from the django-bootstrap-static package (app `bootstrap`).
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploaded files: kept under MEDIA_ROOT, never served by URL. Downloads go
# through views that check who may see them.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = None
MAX_UPLOAD_SIZE = int(os.environ.get("PORTAL_MAX_UPLOAD_SIZE", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Never wait on the mail server without a limit (seconds per SMTP operation; Django's SMTP back-end reads it).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
# The outbox (core.outbox): retries after 1, 2, 4... minutes, at most an hour apart, for a day; then "échec".
OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("PORTAL_OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_RETRY_MAX_SECONDS = float(os.environ.get("PORTAL_OUTBOX_RETRY_MAX_SECONDS", "3600"))
OUTBOX_GIVE_UP_SECONDS = float(os.environ.get("PORTAL_OUTBOX_GIVE_UP_SECONDS", str(24 * 3600)))
# A row `sending` for longer than this lost its worker: the sweep puts it back (well above EMAIL_TIMEOUT).
OUTBOX_STUCK_SECONDS = float(os.environ.get("PORTAL_OUTBOX_STUCK_SECONDS", "900"))
# Retries further away than this are left to the sweep rather than to a delayed task kept by the broker.
OUTBOX_COUNTDOWN_MAX_SECONDS = float(os.environ.get("PORTAL_OUTBOX_COUNTDOWN_MAX_SECONDS", "1800"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Portail PIC <ne-pas-repondre@portail-pic.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Site identity and legal pages.
# Absolute links in e-mails (no trailing slash). Development default: the `make run` server.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not DEBUG and not PORTAL_BASE_URL and not TESTING:
    raise ImproperlyConfigured(
        "Production settings need PORTAL_BASE_URL (e.g. https://portail.example.org) for e-mail links."
    )
PORTAL_NAME = os.environ.get("PORTAL_NAME", "Portail PIC")
PORTAL_PUBLISHER = os.environ.get("PORTAL_PUBLISHER", "Association porteuse du Portail PIC")
PORTAL_PUBLISHER_ADDRESS = os.environ.get("PORTAL_PUBLISHER_ADDRESS", "Adresse à compléter")
PORTAL_HOST_NAME = os.environ.get("PORTAL_HOST_NAME", "Hébergeur à compléter")
DPO_NAME = os.environ.get("PORTAL_DPO_NAME", "Délégué·e à la protection des données")
DPO_EMAIL = os.environ.get("PORTAL_DPO_EMAIL", "dpo@portail-pic.example")
DPO_ADDRESS = os.environ.get("PORTAL_DPO_ADDRESS", "Adresse postale à compléter")
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PORTAL_RETENTION_DAYS", str(5 * 365)))

# Cache: Redis when REDIS_URL is set (shared by every worker process: use it in production), else each
# process's memory. The public pages (home, open calls, showcase) are cached for anonymous visitors.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from the shared cache, written through to the database. Only with a shared cache: with
    # one memory cache per process, a log-out in one worker would leave the session alive in the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portail-pic"}}
# The cached pages themselves stay in each process's memory ("pages"); only their small version numbers live
# in the shared cache above, so a hit costs one short round trip to it.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "portail-pic-pages",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# Background tasks (Celery). A broker (Redis) makes web processes only enqueue; a worker runs the tasks. Without
# one, tasks run in the web process right after the transaction that queued them commits: `make run` needs no
# other server.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = env_bool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once done, so a worker killed mid-task leaves it to another worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Periodic tasks (celery beat, copied into django-celery-beat's tables when beat starts).
CELERY_BEAT_SCHEDULE = {
    "webhooks-retry-due": {"task": "webhooks.retry_due", "schedule": 60.0},
    "bundles-purge-expired": {"task": "bundles.purge_expired", "schedule": 3600.0},
}

# Webhooks: https and public addresses only, unless DEBUG or this setting (development, tests) says otherwise.
WEBHOOKS_ALLOW_INSECURE = env_bool("WEBHOOKS_ALLOW_INSECURE", False)
# Failed deliveries are tried again with a growing delay for this long, then abandoned.
WEBHOOKS_RETRY_WINDOW_SECONDS = int(os.environ.get("WEBHOOKS_RETRY_WINDOW_SECONDS", str(24 * 3600)))
# Dossier bundles (ZIP): how long the download link of a ready bundle stays valid before the file is deleted.
BUNDLE_LINK_DAYS = int(os.environ.get("PORTAL_BUNDLE_LINK_DAYS", "7"))

PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PUBLIC_PAGE_CACHE_SECONDS", "300"))
# How long a worker reuses the public pages' version without asking the shared cache (a change made in
# another worker shows within that delay).
PUBLIC_PAGE_VERSION_SECONDS = float(os.environ.get("PORTAL_PUBLIC_PAGE_VERSION_SECONDS", "2"))
# A logged-in user's own pages (the holder's space), per session; 0 turns it off.
PERSONAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PERSONAL_PAGE_CACHE_SECONDS", "300"))

# The read API (api/, docs/api.md): token authentication only, JSON only, read-only, throttled per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiTokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per API token (api/throttling.py), e.g. PORTAL_API_RATE=5000/hour.
PORTAL_API_RATE = os.environ.get("PORTAL_API_RATE", "1000/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "API du Portail PIC",
    "DESCRIPTION": "Lecture des fonds, demandes, décisions, versements, bilans et chiffres annuels (voir docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Account hygiene. Idle sessions: 30 minutes for whoever acts on others' data, 8 hours for residents.
PORTAL_STAFF_IDLE_SECONDS = int(os.environ.get("PORTAL_STAFF_IDLE_SECONDS", str(30 * 60)))
PORTAL_RESIDENT_IDLE_SECONDS = int(os.environ.get("PORTAL_RESIDENT_IDLE_SECONDS", str(8 * 3600)))
# Password-reset and confirmation e-mails: at most this many per address and per IP in the period (seconds).
PORTAL_EMAIL_RATE_PER_ADDRESS = int(os.environ.get("PORTAL_EMAIL_RATE_PER_ADDRESS", "3"))
PORTAL_EMAIL_RATE_PER_IP = int(os.environ.get("PORTAL_EMAIL_RATE_PER_IP", "10"))
PORTAL_EMAIL_RATE_PERIOD = int(os.environ.get("PORTAL_EMAIL_RATE_PERIOD", "3600"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: secure cookies and HSTS outside development.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # Django's own advice: no gain, and the CSRF token is in every form anyway.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HSTS preload is the domain owner's decision, hard to undo (every subdomain must then serve HTTPS for good)
# and meaningless on a subdomain such as pic.ville.fr, where the portal usually lives: opt in with
# DJANGO_HSTS_PRELOAD=1. `check --deploy` therefore does not warn about it when it is off on purpose.
SILENCED_SYSTEM_CHECKS = [] if env_bool("DJANGO_HSTS_PRELOAD", False) else ["security.W021"]

# Content Security Policy (django-csp). Everything comes from the portal itself: no CDN, no inline script.
# Styles: <style> elements and style sheets from the portal only (or with the request's nonce); style="..."
# attributes are allowed (`style-src-attr 'unsafe-inline'`) because templates use them for computed widths
# (progress bar) and `white-space: pre-wrap`. A style attribute cannot run code, and with `img-src 'self' data:`
# it cannot send anything elsewhere either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-elem": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Log-in throttling (django-axes): 5 failed log-ins for the same e-mail address from the same IP address
# lock that pair out for 15 minutes, even with the right password. A successful log-in resets the count.
# The database keeps the failed attempts only (no log of successful log-ins: it would be personal data
# without a purpose here). The suite turns axes on in the tests that exercise it (tests/test_axes.py):
# Django's test client `login()` authenticates without a request, which axes refuses.
AXES_ENABLED = not TESTING
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the name of the e-mail field in Django's log-in form
AXES_USERNAME_CALLABLE = "core.middleware.axes_username"
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_LOCKOUT_CALLABLE = "core.middleware.lockout_response"  # renders the template above, in French
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy every request comes from the proxy's address: give the number of proxies that append
# to X-Forwarded-For (nginx alone: 1) so the lockout counts the visitor's address. 0: use REMOTE_ADDR.
PORTAL_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO level.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
