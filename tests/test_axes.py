"""Log-in throttling (django-axes): 5 failures for one e-mail address from one IP address lock it for 15 minutes."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD

WRONG = "pas-le-bon-mot-de-passe"


@pytest.fixture(autouse=True)
def axes_on(settings):
    """The suite runs with axes off (see settings.AXES_ENABLED); these tests exercise it."""
    settings.AXES_ENABLED = True


def attempt(client, email, password, ip="203.0.113.7", **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, email, times, ip="203.0.113.7"):
    for _ in range(times):
        attempt(client, email, WRONG, ip=ip)


def test_axes_backend_comes_first():
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_four_failures_do_not_lock(client, resident):
    fail(client, resident.email, 4)
    response = attempt(client, resident.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_fifth_failure_locks_even_the_right_password_with_a_french_page(client, resident):
    for number in range(1, 5):
        response = attempt(client, resident.email, WRONG)
        assert response.status_code == 200, number
        assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()
    response = attempt(client, resident.email, WRONG)
    assert response.status_code == 429

    response = attempt(client, resident.email, DEFAULT_PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert "Connexion bloquée pour un moment" in html
    assert "refusé 5 fois de suite" in html
    assert "bloquée pendant 15 minutes" in html
    assert reverse("password_reset") in html
    assert '<html lang="fr">' in html


def test_lockout_is_per_address_and_ip(client, resident, other_resident):
    fail(client, resident.email, 5)

    # Same address from another IP address: not locked.
    assert attempt(client, resident.email, DEFAULT_PASSWORD, ip="198.51.100.20").status_code == 302
    client.logout()
    # Another address from the same IP address: not locked.
    assert attempt(client, other_resident.email, DEFAULT_PASSWORD).status_code == 302
    client.logout()
    # The locked pair still is.
    assert attempt(client, resident.email, DEFAULT_PASSWORD).status_code == 429


def test_the_address_is_counted_whatever_its_case(client, resident):
    for variant in ("AMINA.resident@example.org", " amina.resident@EXAMPLE.org", "Amina.Resident@example.org"):
        attempt(client, variant, WRONG)
    fail(client, resident.email, 2)
    assert attempt(client, resident.email, DEFAULT_PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {resident.email}


def test_lock_ends_after_fifteen_minutes(client, resident):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, resident.email, 5)
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert attempt(client, resident.email, DEFAULT_PASSWORD).status_code == 429
    # Trying again during the lock started the 15 minutes again (axes' default, against persistent robots).
    with time_machine.travel(start + datetime.timedelta(minutes=14 + 16), tick=False):
        response = attempt(client, resident.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_administrator_can_unlock_with_axes_reset(client, resident):
    fail(client, resident.email, 5)
    assert attempt(client, resident.email, DEFAULT_PASSWORD).status_code == 429

    assert reset(username=resident.email) >= 1

    assert attempt(client, resident.email, DEFAULT_PASSWORD).status_code == 302


def test_a_successful_log_in_resets_the_count(client, resident):
    fail(client, resident.email, 4)
    assert attempt(client, resident.email, DEFAULT_PASSWORD).status_code == 302
    client.logout()
    fail(client, resident.email, 4)
    assert attempt(client, resident.email, DEFAULT_PASSWORD).status_code == 302


def test_no_log_of_successful_log_ins_is_kept(client, resident):
    from axes.models import AccessLog

    assert attempt(client, resident.email, DEFAULT_PASSWORD).status_code == 302
    assert AccessLog.objects.count() == 0


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, resident, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for _ in range(5):
        attempt(client, resident.email, WRONG, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    # Another visitor behind the same proxy is not locked out...
    assert (
        attempt(client, resident.email, DEFAULT_PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.51").status_code
        == 302
    )
    client.logout()
    # ...and a client cannot escape its lock by writing its own X-Forwarded-For: the proxy appends the real one.
    spoofed = "198.51.100.99, 203.0.113.50"
    assert attempt(client, resident.email, DEFAULT_PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=spoofed).status_code == 429
