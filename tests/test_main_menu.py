"""Issue 16: the main menu shows what each role uses, computed in one place (portal.menu), at no query per page
once the roles are known."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def _menu(client) -> dict[str, str]:
    html = client.get(reverse("funds:open_calls")).content.decode()
    nav = html[html.index('id="menu-principal"') : html.index("</nav>")]
    first_list = nav[: nav.index("</ul>")]
    links = re.findall(r'<a class="nav-link" href="([^"]+)"[^>]*>([^<]+)</a>', first_list)
    return {label: href for href, label in links}


def test_a_resident_sees_their_requests_not_the_staff_pages(client, resident):
    client.force_login(resident)
    menu = _menu(client)
    assert "Mes demandes" in menu and "Mon espace" in menu
    assert not {"Instruction", "Comités", "Tableau de bord des financeurs"} & set(menu)


@pytest.mark.parametrize("persona", ["region_staff", "city_staff"])
def test_funder_staff_see_their_dashboard_and_no_requests(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    menu = _menu(client)
    assert "Mes demandes" not in menu and menu["Tableau de bord des financeurs"] == reverse("annual:dashboard")
    assert "Instruction" not in menu


def test_association_staff_see_their_staff_pages(client, staff):
    client.force_login(staff)
    menu = _menu(client)
    assert menu["Instruction"] == reverse("staff:inbox")
    assert menu["Suivi des bilans"] == reverse("reports:staff_bilans") and "Comités" in menu
    assert "Mes demandes" not in menu


def test_a_committee_member_sees_their_sessions(client, committee_member):
    client.force_login(committee_member)
    menu = _menu(client)
    assert menu["Mon comité et ses séances"] == reverse("committees:committee_list")
    assert "Instruction" not in menu


def test_a_lapsed_member_no_longer_sees_the_committee(client, world):
    import datetime

    user = f.UserFactory()
    f.CommitteeMemberFactory(
        user=user,
        committee=world.committee,
        mandate_start=datetime.date(2023, 1, 1),
        mandate_end=datetime.date(2024, 12, 31),
    )
    client.force_login(user)
    assert "Mon comité et ses séances" not in _menu(client)


def test_anonymous_visitors_see_the_public_links(client, db):
    assert set(_menu(client)) == {"Appels ouverts", "Projets financés"}


def test_a_staff_member_who_files_a_request_gets_my_requests(client, world, staff):
    client.force_login(staff)
    assert "Mes demandes" not in _menu(client)
    f.ApplicationFactory(fund=world.other_fund, created_by=staff)
    assert "Mes demandes" in _menu(client)


def test_a_new_role_shows_at_the_next_page(client, world, resident):
    client.force_login(resident)
    assert "Instruction" not in _menu(client)
    f.AssociationStaffFactory(user=resident, association=world.hommelet)
    assert "Instruction" in _menu(client)


def test_the_menu_costs_no_query_per_page(client, staff):
    """Measured: the roles are read with the log-in (one query); a page then reads none for its menu, the first
    one included; only an expired cache costs the one query again."""
    from django.core.cache import cache

    client.force_login(staff)
    url = reverse("funds:open_calls")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert not [q["sql"] for q in first.captured_queries if "funds_associationstaff" in q["sql"]]
    assert len(first) == len(second)
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    assert len([q for q in cold.captured_queries if "funds_associationstaff" in q["sql"]]) == 1
