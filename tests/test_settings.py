import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start_django(env_overrides: dict[str, str], *, dropped: str, printed: str) -> subprocess.CompletedProcess:
    """Django set up in a fresh process, without the DJANGO_* variables and `dropped` of this one, printing
    `printed` (settings' values)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != dropped}
    env.update(env_overrides)
    code = f"import django; from django.conf import settings; django.setup(); print({printed})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "pic_portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _load_settings(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    return _start_django(
        env_overrides, dropped="DATABASE_URL", printed="settings.DEBUG, settings.DATABASES['default']['ENGINE']"
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "portail.example.org"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
        ({}, "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_start_refused_without_secret(env, missing):
    result = _load_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_start_with_secrets_uses_sqlite_by_default():
    result = _load_settings({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "portail.example.org"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_database_url_switches_to_postgresql():
    result = _load_settings({"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/whatever"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.postgresql"]


def test_development_start_needs_no_secret():
    result = _load_settings({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_french_locale_and_paris_time(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.MEDIA_URL is None or settings.MEDIA_URL == ""


def test_production_start_refused_without_base_url_for_email_links():
    result = _load_settings(
        {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "portail.example.org", "PORTAL_BASE_URL": ""}
    )
    assert result.returncode != 0
    assert "PORTAL_BASE_URL" in result.stderr


def _cache_and_sessions(env_overrides: dict[str, str]) -> list[str]:
    result = _start_django(
        {"DJANGO_DEBUG": "1", **env_overrides},
        dropped="REDIS_URL",
        printed="settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_redis_url_gives_a_shared_cache_and_sessions_read_from_it():
    assert _cache_and_sessions({"REDIS_URL": "redis://127.0.0.1:6379/3"}) == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_without_redis_each_process_caches_in_memory_and_sessions_stay_in_the_database():
    assert _cache_and_sessions({}) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]
