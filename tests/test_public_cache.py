"""The public pages' cache: anonymous visitors get a stored page until the data it shows changes."""

import datetime

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.workflow import Status
from core.public_cache import public_page
from tests import factories as f
from tests.test_showcase import holder, holder_user, showcase, titles  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/", "/appels-a-projets/", "/projets/"]


def _queries(client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("path", PUBLIC_URLS)
def test_second_anonymous_visit_is_served_without_a_query(client, world, path):
    first_count, first = _queries(client, path)
    assert first_count > 0
    second_count, second = _queries(client, path)
    assert second_count == 0
    assert second == first


def test_project_page_is_cached_too(client, showcase):  # noqa: F811 (the imported fixture)
    path = reverse("annual:showcase_project", args=[showcase["a"].pk])
    _queries(client, path)
    assert _queries(client, path)[0] == 0


def test_withdrawn_consent_shows_at_the_next_visit(client, showcase):  # noqa: F811 (the imported fixture)
    a = showcase["a"]
    assert "Jardin des enfants" in titles(client.get("/projets/"))
    project_path = reverse("annual:showcase_project", args=[a.pk])
    assert client.get(project_path).status_code == 200
    a.showcase_consent = False
    a.save(update_fields=["showcase_consent"])
    assert "Jardin des enfants" not in titles(client.get("/projets/"))
    assert client.get(project_path).status_code == 404


def test_a_new_open_fund_shows_at_the_next_visit(client, world):
    page = client.get("/appels-a-projets/").content.decode()
    assert "Fonds tout neuf" not in page
    today = timezone.localdate()
    f.FundFactory(
        association=world.hommelet,
        name="Fonds tout neuf",
        slug="fonds-tout-neuf",
        year=today.year,
        call_opens_on=today - datetime.timedelta(days=1),
        call_closes_on=today + datetime.timedelta(days=30),
    )
    assert "Fonds tout neuf" in client.get("/appels-a-projets/").content.decode()


def test_logged_in_users_never_get_the_anonymous_page(client, world, resident):
    client.get("/")  # cached for anonymous visitors
    client.force_login(resident)
    count, page = _queries(client, "/")
    assert count > 0
    assert "Se déconnecter" in page
    client.logout()
    assert "Se déconnecter" not in client.get("/").content.decode()


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page_and_reads_it():
    calls = []

    @public_page
    def view(request):
        calls.append(len(get_messages(request)))
        from django.http import HttpResponse

        return HttpResponse(f"messages: {len(get_messages(request))}")

    def anonymous_request(with_message: bool):
        from django.contrib.auth.models import AnonymousUser

        request = RequestFactory().get("/page/")
        request.user = AnonymousUser()
        request.session = {}
        request._messages = FallbackStorage(request)
        if with_message:
            request._messages.add(constants.SUCCESS, "Vous êtes déconnecté·e.")
        return request

    assert view(anonymous_request(with_message=True)).content == b"messages: 1"
    assert view(anonymous_request(with_message=False)).content == b"messages: 0"
    assert view(anonymous_request(with_message=False)).content == b"messages: 0"
    assert calls == [1, 0]  # the message page was not stored; the second plain visit came from the cache


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_cache_can_be_turned_off(client, world):
    client.get("/projets/")
    assert _queries(client, "/projets/")[0] > 0


# --- The holder's space, cached per session ------------------------------------------------------------


def test_holders_space_is_served_again_from_the_cache_of_that_session(client, world, resident):
    f.ApplicationFactory(fund=world.fund, created_by=resident, title="Fête des voisins")
    client.force_login(resident)
    first_count, first = _queries(client, reverse("portal:my_applications"))
    second_count, second = _queries(client, reverse("portal:my_applications"))
    assert "Fête des voisins" in first
    assert second == first
    assert second_count < first_count
    assert second_count == 1  # the session (from the database here; from Redis with REDIS_URL), not even the user


def test_a_change_to_the_holders_request_shows_at_the_next_visit(client, world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, title="Fête des voisins")
    client.force_login(resident)
    client.get(reverse("portal:my_applications"))
    application.title = "Fête des voisins et des voisines"
    application.status = Status.SUBMITTED
    application.save()
    page = client.get(reverse("portal:my_applications")).content.decode()
    assert "Fête des voisins et des voisines" in page
    assert "Déposée" in page


def test_each_session_and_each_user_gets_its_own_page(world, resident, other_resident):
    from django.test import Client

    f.ApplicationFactory(fund=world.fund, created_by=resident, title="Projet de Samia")
    f.ApplicationFactory(fund=world.fund, created_by=other_resident, title="Projet du voisin")
    first, second, neighbour = Client(), Client(), Client()
    first.force_login(resident)
    second.force_login(resident)
    neighbour.force_login(other_resident)
    path = reverse("portal:my_applications")
    first.get(path)
    count, _page = _queries(second, path)
    assert count > 2  # another session of the same user: rendered for it
    page = neighbour.get(path).content.decode()
    assert "Projet du voisin" in page and "Projet de Samia" not in page


@override_settings(PERSONAL_PAGE_CACHE_SECONDS=0)
def test_personal_cache_can_be_turned_off(client, world, resident):
    client.force_login(resident)
    client.get(reverse("portal:my_applications"))
    assert _queries(client, reverse("portal:my_applications"))[0] > 2


def test_a_deactivated_account_is_refused_even_with_its_page_in_the_cache(client, world, resident):
    client.force_login(resident)
    path = reverse("portal:my_applications")
    assert client.get(path).status_code == 200
    resident.is_active = False
    resident.save()
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_password_changed_elsewhere_logs_this_session_out_despite_the_cache(client, world, resident):
    client.force_login(resident)
    path = reverse("portal:my_applications")
    assert client.get(path).status_code == 200
    resident.set_password("Un-autre-mot-de-passe-2026")
    resident.save()
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_change_made_by_another_worker_shows_once_the_local_version_expires(client, showcase):  # noqa: F811
    from django.core.cache import cache

    from applications.models import Application
    from core import public_cache

    assert "Jardin des enfants" in titles(client.get("/projets/"))
    # Another worker withdrew the consent: the shared version moved, this process was not told.
    Application.objects.filter(pk=showcase["a"].pk).update(showcase_consent=False)
    cache.set(public_cache.VERSION_KEY, "moved-by-another-worker", timeout=None)
    assert _queries(client, "/projets/")[0] == 0  # still this worker's page, for PUBLIC_PAGE_VERSION_SECONDS
    public_cache._local_public_version[1] = 0.0  # ...which have now passed
    assert "Jardin des enfants" not in titles(client.get("/projets/"))
