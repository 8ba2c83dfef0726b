"""Journeys of visitors (public pages) and of Région staff (funders' dashboard, annual report PDF)."""

import pytest

from tests.e2e.conftest import check_page, login, prepare_and_download, visit

pytestmark = pytest.mark.e2e


def test_public_pages(page):
    """A visitor reads the public pages and reaches the sign-up and log-in forms."""
    visit(page, "/", "accueil")
    for name, step in [
        ("Appels ouverts", "appels-ouverts"),
        ("Projets financés", "projets-finances"),
        ("Mentions légales", "mentions-legales"),
        ("Données personnelles", "donnees-personnelles"),
        ("Accessibilité : partiellement conforme", "accessibilite"),
    ]:
        menu = page.get_by_role("button", name="Ouvrir le menu")
        if menu.is_visible() and name in ("Appels ouverts", "Projets financés"):
            menu.click()
        page.get_by_role("link", name=name).first.click()
        page.wait_for_load_state()
        check_page(page, step)
    visit(page, "/fonds/", "fonds")
    visit(page, "/compte/inscription/", "inscription")
    visit(page, "/compte/mot-de-passe/oubli/", "mot-de-passe-oublie")


def test_region_annual_report(page):
    """Région staff open /financeurs/ and download the annual report PDF."""
    login(page, "region@demo.example.org")
    visit(page, "/financeurs/", "tableau-financeurs")
    assert page.get_by_role("heading", level=1).is_visible()
    visit(page, "/rapports/pic-hommelet-2025/2025/", "rapport-annuel")
    name, content = prepare_and_download(page, page.get_by_role("link", name="PDF").first, "rapport-annuel-pdf")
    assert name.endswith(".pdf")
    assert content[:5] == b"%PDF-"
