"""The staff inbox (Demandes à instruire).

In this file: the list, its filters, sorting, pagination and counts.
"""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.inbox import inbox
from applications.workflow import Status
from tests import factories as f
from tests.staff_inbox.helpers import (
    bulk_filed,
    counts,
    get_inbox,
    read_csv,
    read_xlsx,
    titles,
)

# --- The list and its filters -------------------------------------------------------------------------


def test_staff_see_their_filed_requests_newest_first_never_drafts_nor_other_associations(client, staff, requests_):
    client.force_login(staff)
    response = get_inbox(client)
    assert titles(response) == ["Club de lecture", "Repair café", "Fête des voisins", "Jardin partagé"]
    html = response.content.decode()
    assert "Brouillon secret" not in html
    assert "Fête à Lille Sud" not in html


def test_row_shows_french_date_money_status_and_a_link_to_the_staff_page(client, staff, requests_):
    client.force_login(staff)
    html = get_inbox(client, q="Repair").content.decode()
    repair = requests_["repair"]
    assert f'href="/equipe/demandes/{repair.pk}/"' in html
    assert reverse("staff:application", args=[repair.pk]) == f"/equipe/demandes/{repair.pk}/"
    assert "15/03/2025" in html  # 23:30 in Paris is still 15 March, although it is 22:30 UTC
    assert "800,00\u00a0€" in html
    assert "En cours d&#x27;instruction" in html
    assert "Les Bricoleurs" in html
    assert "PIC Hommelet 2025" in html
    assert "Lutte contre l&#x27;isolement" in html
    assert "Quartier Intercommunal Roubaix-Tourcoing" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "under_review"}, ["Repair café"]),
        ({"status": ["submitted", "eligible"]}, ["Club de lecture", "Fête des voisins"]),
        ({"theme": 1}, ["Repair café", "Jardin partagé"]),  # the second theme of the world, by index
        ({"submitted_from": "2025-03-15"}, ["Club de lecture", "Repair café"]),
        ({"submitted_to": "2025-03-15"}, ["Repair café", "Fête des voisins", "Jardin partagé"]),
        ({"submitted_from": "2025-03-01", "submitted_to": "2025-03-14"}, ["Fête des voisins"]),
        ({"amount_min": "400"}, ["Club de lecture", "Repair café", "Jardin partagé"]),
        ({"amount_max": "400"}, ["Club de lecture", "Fête des voisins"]),
        ({"amount_min": "300", "amount_max": "900"}, ["Club de lecture", "Repair café"]),
        ({"q": "LECTURE"}, ["Club de lecture"]),  # title, case-insensitive
        ({"q": "bricoleurs"}, ["Repair café"]),  # holder name
        ({"q": "Lefebvre"}, ["Jardin partagé"]),  # holder referent
        ({"q": "2025-000"}, ["Club de lecture", "Repair café", "Fête des voisins"]),  # reference
        ({"q": "Lille"}, []),  # another association's request matches the text but is not listed
        ({"q": "fête", "status": "submitted"}, ["Fête des voisins"]),
    ],
)
def test_filters(client, world, staff, requests_, params, expected):
    params = dict(params)
    if "theme" in params:
        params["theme"] = world.themes[params["theme"]].pk
    client.force_login(staff)
    assert titles(get_inbox(client, **params)) == expected


def test_filter_by_fund_and_by_neighbourhood(client, world, staff, requests_, hommelet_2024):
    client.force_login(staff)
    assert titles(get_inbox(client, fund=hommelet_2024.pk)) == ["Jardin partagé"]
    assert titles(get_inbox(client, fund=world.fund.pk)) == ["Club de lecture", "Repair café", "Fête des voisins"]
    nouveau_roubaix = hommelet_2024.neighbourhoods.get()
    assert titles(get_inbox(client, neighbourhood=nouveau_roubaix.pk)) == ["Jardin partagé"]


def test_choices_offer_only_the_managed_funds_and_their_neighbourhoods(client, world, staff, other_staff, requests_):
    client.force_login(staff)
    form = get_inbox(client).context["filterset"].form
    assert {fund.slug for fund in form.fields["fund"].queryset} == {"pic-hommelet-2025", "fph-hommelet-2024"}
    assert {n.code for n in form.fields["neighbourhood"].queryset} == {"QN05980M", "QN05981M"}
    assert "draft" not in dict(form.fields["status"].choices)
    client.force_login(other_staff)
    form = get_inbox(client).context["filterset"].form
    assert {fund.slug for fund in form.fields["fund"].queryset} == {"pic-lille-sud-2025"}
    assert {n.code for n in form.fields["neighbourhood"].queryset} == {"QN05972M"}


def test_filtering_on_another_association_fund_is_refused_and_lists_nothing(client, world, staff, requests_):
    client.force_login(staff)
    response = get_inbox(client, fund=world.other_fund.pk)
    assert titles(response) == []
    assert response.context["filterset"].errors
    html = response.content.decode()
    assert "Un filtre n'est pas valide" in html
    assert "Fête à Lille Sud" not in html
    csv_rows = read_csv(client.get(reverse("staff:inbox_csv"), {"fund": world.other_fund.pk}))
    assert csv_rows == []


def test_asking_for_drafts_lists_nothing(client, staff, requests_):
    client.force_login(staff)
    response = get_inbox(client, status="draft")
    assert titles(response) == []
    assert "Brouillon secret" not in response.content.decode()


def test_other_association_staff_see_none_of_hommelet_requests(client, other_staff, requests_):
    client.force_login(other_staff)
    response = get_inbox(client)
    assert titles(response) == ["Fête à Lille Sud"]
    html = response.content.decode()
    for title in ("Fête des voisins", "Repair café", "Club de lecture", "Jardin partagé"):
        assert title not in html
    assert [row["title"] for row in read_csv(client.get(reverse("staff:inbox_csv")))] == ["Fête à Lille Sud"]
    assert [row[1] for row in read_xlsx(client.get(reverse("staff:inbox_xlsx")))[1:]] == ["Fête à Lille Sud"]


def test_admin_sees_every_association_but_no_draft(client, admin_user, requests_):
    client.force_login(admin_user)
    assert sorted(titles(get_inbox(client))) == sorted(
        ["Club de lecture", "Repair café", "Fête des voisins", "Jardin partagé", "Fête à Lille Sud"]
    )


# --- Sorting -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordre", "expected"),
    [
        ("reference", ["Jardin partagé", "Fête des voisins", "Repair café", "Club de lecture"]),
        ("-reference", ["Club de lecture", "Repair café", "Fête des voisins", "Jardin partagé"]),
        ("title", ["Club de lecture", "Fête des voisins", "Jardin partagé", "Repair café"]),
        ("-title", ["Repair café", "Jardin partagé", "Fête des voisins", "Club de lecture"]),
        ("submitted_at", ["Jardin partagé", "Fête des voisins", "Repair café", "Club de lecture"]),
        ("-submitted_at", ["Club de lecture", "Repair café", "Fête des voisins", "Jardin partagé"]),
        ("amount_requested", ["Fête des voisins", "Club de lecture", "Repair café", "Jardin partagé"]),
        ("-amount_requested", ["Jardin partagé", "Repair café", "Club de lecture", "Fête des voisins"]),
        # Workflow order: Déposée, En cours d'instruction, Recevable, Accordée.
        ("status", ["Fête des voisins", "Repair café", "Club de lecture", "Jardin partagé"]),
        ("-status", ["Jardin partagé", "Club de lecture", "Repair café", "Fête des voisins"]),
        # Unknown keys fall back to the newest submitted first.
        ("description", ["Club de lecture", "Repair café", "Fête des voisins", "Jardin partagé"]),
        ("-created_by__password", ["Club de lecture", "Repair café", "Fête des voisins", "Jardin partagé"]),
    ],
)
def test_sorting_both_ways(client, staff, requests_, ordre, expected):
    client.force_login(staff)
    assert titles(get_inbox(client, ordre=ordre)) == expected


def test_sorted_column_header_has_aria_sort_and_links_to_the_other_direction(client, staff, requests_):
    client.force_login(staff)
    html = get_inbox(client, ordre="title", status="submitted").content.decode()
    assert '<th scope="col" aria-sort="ascending"><a href="?ordre=-title&amp;status=submitted">' in html
    assert html.count("aria-sort=") == 1
    html = get_inbox(client, ordre="-title").content.decode()
    assert '<th scope="col" aria-sort="descending"><a href="?ordre=title">' in html
    html = get_inbox(client).content.decode()
    assert 'aria-sort="descending"><a href="?ordre=submitted_at">' in html
    assert "<caption>" in html


# --- Pagination and counts -----------------------------------------------------------------------------


def test_pagination_25_per_page_and_page_links_keep_the_filters(client, world, staff):
    bulk_filed(world.fund, 30, status=Status.UNDER_REVIEW)
    bulk_filed(world.fund, 3, status=Status.ELIGIBLE, start=31)
    client.force_login(staff)
    first = get_inbox(client, status="under_review", ordre="reference")
    page = first.context["page"]
    assert page.paginator.count == 30
    assert [a.reference for a in page.object_list] == [f"PIC-2025-{n:04d}" for n in range(1, 26)]
    html = first.content.decode()
    assert 'aria-label="Pages de la liste des demandes"' in html
    assert 'href="?status=under_review&amp;ordre=reference&amp;page=2"' in html
    second = get_inbox(client, status="under_review", ordre="reference", page=2)
    assert [a.reference for a in second.context["page"].object_list] == [f"PIC-2025-{n:04d}" for n in range(26, 31)]
    assert "page 2 sur 2" in second.content.decode()
    # A page beyond the last shows the last one.
    assert get_inbox(client, status="under_review", page=99).context["page"].number == 2


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": ["eligible", "granted"]},
        {"status": "granted", "amount_min": "500"},
        {"status": "refused"},
        {"q": "a", "status": "submitted"},
        {"fund": "999999"},
        {"status": "nope"},
    ],
)
def test_the_number_listed_is_the_number_of_rows_shown(client, staff, requests_, params):
    """The paginator's count is read from the counts per status (no second COUNT): it must match the rows."""
    client.force_login(staff)
    page = get_inbox(client, **params).context["page"]
    assert page.paginator.count == len(page.object_list) == len(titles(get_inbox(client, **params)))


def test_counts_per_status_ignore_the_status_filter_but_follow_the_others(client, world, staff, requests_):
    client.force_login(staff)
    everything = {"submitted": 1, "under_review": 1, "eligible": 1, "granted": 1}
    assert counts(get_inbox(client)) == everything
    response = get_inbox(client, status="eligible")
    assert counts(response) == everything
    assert response.context["inbox"].total == 4
    assert [s.value for s in response.context["inbox"].status_counts if s.selected] == ["eligible"]
    # A selected status keeps its tab, even when nothing else matches it.
    assert counts(get_inbox(client, fund=world.fund.pk, status="granted")) == {
        "submitted": 1,
        "under_review": 1,
        "eligible": 1,
        "granted": 0,
    }
    assert counts(get_inbox(client, amount_min="500")) == {"under_review": 1, "granted": 1}
    html = get_inbox(client, status="eligible", q="a").content.decode()
    assert 'aria-label="Demandes par statut"' in html
    assert re.search(r'aria-current="page"\s+href="\?status=eligible&amp;q=a">Recevable', html)


def test_counts_take_one_aggregate_query(world, staff, requests_):
    bulk_filed(world.fund, 20, status=Status.REFUSED, start=10)
    with CaptureQueriesContext(connection) as queries:
        result = inbox(user=staff, params=QueryDict("status=refused&q=voisins"))
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1
    assert "COUNT(" in grouped[0]
    assert {s.value: s.count for s in result.status_counts} == {"submitted": 1, "refused": 20}


def test_inbox_queries_do_not_depend_on_the_number_of_requests(client, world, staff, hommelet_2024):
    client.force_login(staff)
    bulk_filed(world.fund, 5)

    def queries_for(url, **params):
        caches["pages"].clear()  # count a full render (the filters' HTML is cached once rendered)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(queries), response

    few = {name: queries_for(reverse(name), ordre="status") for name in ("staff:inbox", "staff:inbox_csv")}
    few_xlsx = queries_for(reverse("staff:inbox_xlsx"))
    filtered_few = queries_for(reverse("staff:inbox"), fund=world.fund.pk, q="voisins", amount_min="1")
    bulk_filed(world.fund, 495, start=6)
    many = {name: queries_for(reverse(name), ordre="status") for name in ("staff:inbox", "staff:inbox_csv")}
    many_xlsx = queries_for(reverse("staff:inbox_xlsx"))
    filtered_many = queries_for(reverse("staff:inbox"), fund=world.fund.pk, q="voisins", amount_min="1")

    assert many["staff:inbox"][1].context["page"].paginator.count == 500
    assert len(many["staff:inbox"][1].context["page"].object_list) == 25
    assert len(read_csv(many["staff:inbox_csv"][1])) == 500
    assert len(read_xlsx(many_xlsx[1])) == 501
    assert many["staff:inbox"][0] == few["staff:inbox"][0]
    assert many["staff:inbox_csv"][0] == few["staff:inbox_csv"][0]
    assert many_xlsx[0] == few_xlsx[0]
    assert filtered_many[0] == filtered_few[0]


# --- Who may open it -----------------------------------------------------------------------------------


def test_association_staff_and_the_administrator_open_it_others_are_refused(
    client, world, staff, admin_user, region_staff, resident, requests_
):
    """The inbox's staff check runs only for those who manage no fund (whoever manages one is staff)."""
    unfunded = f.AssociationStaffFactory(association=f.CarrierAssociationFactory(slug="sans-fonds")).user
    for user, status, rows in [(staff, 200, 4), (admin_user, 200, 5), (unfunded, 200, 0)]:
        client.force_login(user)
        response = client.get(reverse("staff:inbox"))
        assert response.status_code == status
        assert response.context["page"].paginator.count == rows
        assert client.get(reverse("staff:inbox_csv")).status_code == 200
    for user in (region_staff, resident):
        client.force_login(user)
        assert client.get(reverse("staff:inbox")).status_code == 403
        assert client.get(reverse("staff:inbox_csv")).status_code == 403
    client.logout()
    assert client.get(reverse("staff:inbox")).status_code == 302
