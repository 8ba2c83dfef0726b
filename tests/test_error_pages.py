"""French error pages with the portal's layout; a database that is down gives a maintenance page (503)."""

import pytest
from django.db import OperationalError
from django.template import loader
from django.test import override_settings
from django.urls import path

from core.errors import DatabaseUnavailableMiddleware
from pic_portal import urls as portal_urls


@pytest.mark.parametrize(
    ("code", "title"),
    [(400, "Requête incorrecte"), (403, "Accès refusé"), (404, "Page introuvable"), (500, "Erreur du portail")],
)
def test_error_pages_are_french_and_keep_the_navigation(code, title):
    # No `db` fixture: any query would fail. 500 renders with no database and no request context.
    html = loader.get_template(f"{code}.html").render()
    assert title in html and "Appels ouverts" in html and 'lang="' in html


@override_settings(DEBUG=False)
def test_unknown_page_is_the_french_404(client, db):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def broken(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [path("casse/", broken), *portal_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_database_down_gives_the_maintenance_page(client, db):
    response = client.get("/casse/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Portail en maintenance" in response.content.decode()


def test_other_errors_are_left_to_django(rf):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/"), ValueError("x")) is None


def test_connections_are_checked_before_reuse(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.EMAIL_TIMEOUT == 10
