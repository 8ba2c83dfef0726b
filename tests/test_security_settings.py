"""Production hardening: `check --deploy`, security headers (CSP, HSTS, frames), secure cookies, templates."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def _production_env(tmp_path, **overrides) -> dict[str, str]:
    """A production start: DEBUG unset, a real-looking secret, no test-suite variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env = {k: v for k, v in env.items() if not k.startswith("PORTAL_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pic_portal.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "portail.example.org",
            "PORTAL_BASE_URL": "https://portail.example.org",
            # Never the developer's database: a query would fail loudly on this empty file.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        }
    )
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_a_weak_secret_key(tmp_path):
    """The check above can fail: a short key is reported."""
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(tmp_path, DJANGO_SECRET_KEY="short"),
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


# One production start for the settings and the headers. The page is the "not found" page, which needs neither
# the database nor collected static files (production serves hashed names from the `collectstatic` manifest)
# and goes through every middleware.
PROBE = """
import json
import django
from django.conf import settings
django.setup()
from django.test import Client

def probe(secure):
    response = Client().get("/page-inexistante/", secure=secure, HTTP_HOST="portail.example.org")
    return {"status": response.status_code, "headers": dict(response.headers)}

print(json.dumps({
    "settings": {name: getattr(settings, name, None) for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_PROXY_SSL_HEADER", "AXES_ENABLED", "AUTHENTICATION_BACKENDS",
    )},
    "https": probe(True),
    "http": probe(False),
}))
"""


@pytest.fixture(scope="module")
def production_probe(tmp_path_factory):
    result = _run([sys.executable, "-c", PROBE], _production_env(tmp_path_factory.mktemp("probe")))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_secure_cookies_hsts_and_no_frames(production_probe):
    values = production_probe["settings"]
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["AXES_ENABLED"] is True
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"


def test_production_responses_carry_hsts_csp_and_frame_refusal(production_probe):
    response = production_probe["https"]
    headers = response["headers"]
    assert response["status"] == 404, headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_production_redirects_plain_http_to_https(production_probe):
    response = production_probe["http"]
    assert response["status"] == 301
    assert response["headers"]["Location"] == "https://portail.example.org/page-inexistante/"


# --- Headers of the pages, in the test suite's own settings (DEBUG off) ------------------------------


def _csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("url_name", ["portal:home", "login", "signup", "core:personal_data"])
def test_pages_send_the_content_security_policy(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"][0] == "'self'"
    assert "'unsafe-inline'" not in csp["style-src"]
    assert "'unsafe-inline'" not in csp["style-src-elem"]
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]


def test_pages_refuse_frames_and_sniffing(client, db):
    response = client.get(reverse("portal:home"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_is_sent_over_https(client, db):
    response = client.get(reverse("portal:home"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_secure_and_http_only_after_log_in(client, resident):
    response = client.post(reverse("login"), {"username": resident.email, "password": DEFAULT_PASSWORD}, secure=True)
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert response.cookies[django_settings.CSRF_COOKIE_NAME]["secure"] is True


def test_password_validators_refuse_short_common_and_numeric_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("court1", "password123", "12345678901"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Tournesol-du-quartier-84")


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _html_templates():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if "pdf" in path.relative_to(ROOT / "templates").parts:
            continue  # rendered by WeasyPrint, never served to a browser
        yield path


def test_templates_have_no_inline_script_nor_event_handler():
    """The policy forbids inline scripts: a template that had one would silently stop working."""
    offenders = []
    for path in _html_templates():
        text = path.read_text(encoding="utf-8")
        for match in SCRIPT_TAG.finditer(text):
            if "src=" not in match.group(1) and "nonce=" not in match.group(1):
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if EVENT_HANDLER.search(text) or "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: on...= attribute or javascript: URL")
    assert offenders == []
