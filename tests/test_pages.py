import datetime

import pytest
import time_machine
from django.urls import reverse


@pytest.mark.parametrize("name", ["portal:home", "core:legal_notice", "core:personal_data", "core:accessibility"])
def test_public_pages_in_french(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html  # skip link
    assert "bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_personal_data_page_shows_dpo_contact_from_settings(client, db, settings):
    settings.DPO_EMAIL = "dpo@asso-exemple.org"
    settings.DPO_NAME = "Délégué RGPD de l'association"
    html = client.get(reverse("core:personal_data")).content.decode()
    assert "dpo@asso-exemple.org" in html
    assert "Délégué RGPD de l&#x27;association" in html


def test_accessibility_statement_follows_rgaa_model(client, db):
    html = client.get(reverse("core:accessibility")).content.decode()
    for heading in [
        "État de conformité",
        "Contenus non accessibles",
        "Retour d'information et contact",
        "Voies de recours",
    ]:
        assert heading in html


@time_machine.travel(datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_home_lists_open_calls_in_french_dates(client, world):
    html = client.get(reverse("portal:home")).content.decode()
    assert "PIC Hommelet 2025" in html
    assert "31/12/2025" in html


@time_machine.travel(datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_closed_calls_are_not_listed(client, world):
    html = client.get(reverse("funds:open_calls")).content.decode()
    assert "PIC Hommelet 2025" not in html
    assert "Aucun appel n'est ouvert" in html


def test_dashboard_requires_login(client, db):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_by_email(client, resident):
    from tests.factories import DEFAULT_PASSWORD

    response = client.post(reverse("login"), {"username": resident.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")


def test_login_error_in_french(client, resident):
    response = client.post(reverse("login"), {"username": resident.email, "password": "mauvais"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()


def test_admin_is_for_the_site_administrator_only(client, admin_user, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    response = client.get("/admin/funds/fund/")
    assert response.status_code == 200


def test_uploaded_files_have_no_public_url(client, db, settings):
    assert not settings.MEDIA_URL
    assert client.get("/media/private/anything.pdf").status_code == 404


@time_machine.travel(datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_open_calls_link_to_a_new_request(client, world):
    html = client.get(reverse("funds:open_calls")).content.decode()
    assert reverse("applications:start_application", args=["pic-hommelet-2025"]) in html
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("applications:start_application", args=["pic-hommelet-2025"]) in home


def test_personal_data_page_points_to_export_and_account_closure(client, db):
    html = client.get(reverse("core:personal_data")).content.decode()
    assert reverse("account") in html
    assert "télécharger toutes vos données" in html


def test_dashboard_links_each_role_to_its_pages(client, world, staff, region_staff, resident):
    client.force_login(staff)
    html = client.get(reverse("portal:dashboard")).content.decode()
    for name in ("staff:inbox", "committees:committee_list", "reports:staff_bilans", "annual:dashboard"):
        assert reverse(name) in html
    assert reverse("annual:report", args=["pic-hommelet-2025", 2025]) in html
    client.force_login(region_staff)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("annual:dashboard") in html
    assert reverse("staff:inbox") not in html
    client.force_login(resident)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("annual:dashboard") not in html
    assert reverse("annual:showcase") in html  # in the navigation, for everyone
