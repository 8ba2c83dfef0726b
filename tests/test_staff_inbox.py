"""The staff inbox (Demandes à instruire): filters, sorting, counts, exports and who may see what."""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.documents.inbox_export import COLUMNS, HEADERS
from applications.inbox import inbox
from applications.models import Application
from applications.workflow import Status
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")

DOCUMENTED_HEADERS = [
    "reference",
    "title",
    "fund",
    "association",
    "holder_name",
    "holder_kind",
    "theme",
    "neighbourhood_code",
    "neighbourhood",
    "status",
    "status_label",
    "submitted_at",
    "amount_requested",
    "starts_on",
    "ends_on",
    "expected_women",
    "expected_men",
    "residents_mobilised",
]


def paris(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def filed(fund, reference, *, status=Status.SUBMITTED, submitted_at=None, holder_name=None, referent=None, **kwargs):
    """A filed request built by the factory, with its status, reference and submission date set directly."""
    if holder_name or referent:
        owner = f.UserFactory()
        kwargs["holder"] = f.HolderFactory(
            owner=owner, name=holder_name or "Collectif", referent_name=referent or "Référent"
        )
        kwargs["created_by"] = owner
    return f.ApplicationFactory(
        fund=fund,
        status=status,
        reference=reference,
        submitted_at=submitted_at or paris(2025, 3, 1),
        budget=False,
        **kwargs,
    )


@pytest.fixture
def hommelet_2024(world):
    """A second fund of the Hommelet association, in another QPV."""
    nouveau_roubaix = f.NeighbourhoodFactory(code="QN05981M", name="Nouveau Roubaix")
    return f.FundFactory(
        association=world.hommelet,
        name="FPH Hommelet 2024",
        slug="fph-hommelet-2024",
        year=2024,
        themes=world.themes,
        neighbourhoods=[nouveau_roubaix],
    )


@pytest.fixture
def requests_(world, hommelet_2024):
    """Four filed Hommelet requests, a Hommelet draft, and a Lille Sud request."""
    innovation, isolement = world.themes
    return {
        "party": filed(
            world.fund,
            "PIC-2025-0001",
            title="Fête des voisins",
            submitted_at=paris(2025, 3, 1, 10),
            amount_requested=Decimal("250.00"),
            theme=innovation,
            holder_name="Collectif de la rue de la Paix",
            referent="Nadia Benali",
        ),
        "repair": filed(
            world.fund,
            "PIC-2025-0002",
            status=Status.UNDER_REVIEW,
            title="Repair café",
            submitted_at=paris(2025, 3, 15, 23, 30),
            amount_requested=Decimal("800.00"),
            theme=isolement,
            holder_name="Les Bricoleurs",
            referent="Karim Haddad",
        ),
        "reading": filed(
            world.fund,
            "PIC-2025-0003",
            status=Status.ELIGIBLE,
            title="Club de lecture",
            submitted_at=paris(2025, 4, 2, 9),
            amount_requested=Decimal("400.00"),
            theme=innovation,
            holder_name="Lire ensemble",
            referent="Sophie Martin",
        ),
        "garden": filed(
            hommelet_2024,
            "FPH-2024-0001",
            status=Status.GRANTED,
            title="Jardin partagé",
            submitted_at=paris(2024, 11, 20, 14),
            amount_requested=Decimal("1000.00"),
            theme=isolement,
            holder_name="Les Jardiniers",
            referent="Paul Lefebvre",
        ),
        "draft": f.ApplicationFactory(fund=world.fund, title="Brouillon secret", budget=False),
        "lille": filed(world.other_fund, "PIC-2025-0001", title="Fête à Lille Sud", holder_name="Voisins de Lille"),
    }


def get_inbox(client, **params):
    response = client.get(reverse("staff:inbox"), params)
    assert response.status_code == 200
    return response


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


def counts(response) -> dict[str, int]:
    return {s.value: s.count for s in response.context["inbox"].status_counts}


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


def bulk_filed(fund, count, *, status=Status.SUBMITTED, prefix="PIC-2025", start=1):
    """`count` filed requests saved in one INSERT (factory-built, so every field is filled)."""
    owner = f.UserFactory()
    holder = f.HolderFactory(owner=owner)
    theme = fund.themes.first()
    neighbourhood = fund.neighbourhoods.first()
    built = f.ApplicationFactory.build_batch(
        count, fund=fund, created_by=owner, holder=holder, theme=theme, neighbourhood=neighbourhood, status=status
    )
    for offset, application in enumerate(built):
        number = start + offset
        application.reference = f"{prefix}-{number:04d}"
        application.number = number
        application.submitted_at = paris(2025, 1, 1) + datetime.timedelta(hours=number)
    return Application.objects.bulk_create(built)


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


# --- Exports ------------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="demandes-')
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")
    header, *body = list(reader)
    assert header == DOCUMENTED_HEADERS
    return [dict(zip(header, row, strict=True)) for row in body]


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == DOCUMENTED_HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    return table


def test_columns_are_defined_once_and_documented(requests_):
    assert HEADERS == DOCUMENTED_HEADERS
    assert all(column.description for column in COLUMNS)
    doc = (Path(settings.BASE_DIR) / "docs" / "exports.md").read_text(encoding="utf-8")
    for header in HEADERS:
        assert f"| `{header}` |" in doc


def test_csv_holds_exactly_the_filtered_sorted_rows_with_plain_values(client, world, staff, requests_):
    client.force_login(staff)
    rows = read_csv(client.get(reverse("staff:inbox_csv"), {"fund": world.fund.pk, "ordre": "amount_requested"}))
    assert [row["reference"] for row in rows] == ["PIC-2025-0001", "PIC-2025-0003", "PIC-2025-0002"]
    party = rows[0]
    assert party == {
        "reference": "PIC-2025-0001",
        "title": "Fête des voisins",
        "fund": "PIC Hommelet 2025",
        "association": "Centre social de l'Hommelet",
        "holder_name": "Collectif de la rue de la Paix",
        "holder_kind": "group",
        "theme": "Innovation sociale",
        "neighbourhood_code": "QN05980M",
        "neighbourhood": "Quartier Intercommunal Roubaix-Tourcoing",
        "status": "submitted",
        "status_label": "Déposée",
        "submitted_at": "2025-03-01T10:00:00+01:00",
        "amount_requested": "250.00",
        "starts_on": "2025-06-14",
        "ends_on": "2025-06-14",
        "expected_women": "30",
        "expected_men": "20",
        "residents_mobilised": "6",
    }
    assert datetime.datetime.fromisoformat(rows[2]["submitted_at"]) == paris(2025, 3, 15, 23, 30)


def test_csv_and_xlsx_follow_every_filter_and_hold_all_pages(client, world, staff):
    bulk_filed(world.fund, 40, status=Status.UNDER_REVIEW)
    bulk_filed(world.fund, 2, status=Status.REFUSED, start=41)
    client.force_login(staff)
    params = {"status": "under_review", "ordre": "-reference"}
    expected = [f"PIC-2025-{n:04d}" for n in range(40, 0, -1)]
    assert [row["reference"] for row in read_csv(client.get(reverse("staff:inbox_csv"), params))] == expected
    assert [row[0] for row in read_xlsx(client.get(reverse("staff:inbox_xlsx"), params))[1:]] == expected


def test_export_links_keep_the_current_filters(client, staff, requests_):
    client.force_login(staff)
    html = get_inbox(client, status="eligible", q="club", page=1).content.decode()
    assert 'href="/equipe/demandes/export.csv?status=eligible&amp;q=club"' in html
    assert 'href="/equipe/demandes/export.xlsx?status=eligible&amp;q=club"' in html
    assert "Exporter en CSV" in html
    assert "Exporter en XLSX" in html


def test_xlsx_keeps_numbers_as_numbers_and_dates_as_dates(client, world, staff, requests_):
    client.force_login(staff)
    response = client.get(reverse("staff:inbox_xlsx"), {"q": "Repair"})
    table = read_xlsx(response)
    assert len(table) == 2
    row = dict(zip(DOCUMENTED_HEADERS, table[1], strict=True))
    assert row["reference"] == "PIC-2025-0002"
    assert row["status_label"] == "En cours d'instruction"
    assert row["amount_requested"] == 800
    assert isinstance(row["amount_requested"], int | float)
    assert row["submitted_at"] == datetime.datetime(2025, 3, 15, 23, 30)  # Paris wall time
    assert row["starts_on"] == datetime.datetime(2025, 6, 14)
    assert row["expected_women"] == 30
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    amount_cell = sheet.cell(row=2, column=DOCUMENTED_HEADERS.index("amount_requested") + 1)
    assert amount_cell.data_type == "n"
    assert amount_cell.number_format == "#,##0.00"
    assert sheet.cell(row=2, column=DOCUMENTED_HEADERS.index("starts_on") + 1).is_date


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://exemple.test","clic")', "+33 6 00", "-2+3", "@SUM(A1)"])
def test_formula_injection_is_neutralised_in_both_formats(client, world, staff, payload):
    filed(world.fund, "PIC-2025-0009", title=payload, holder_name=payload)
    client.force_login(staff)
    row = read_csv(client.get(reverse("staff:inbox_csv")))[0]
    assert row["title"] == "'" + payload
    assert row["holder_name"] == "'" + payload
    response = client.get(reverse("staff:inbox_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    title_cell = sheet.cell(row=2, column=DOCUMENTED_HEADERS.index("title") + 1)
    assert title_cell.value == "'" + payload
    assert title_cell.data_type == "s"


# --- Who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["resident", "region_staff", "city_staff", "committee_member", "outsider"])
@pytest.mark.parametrize("name", ["staff:inbox", "staff:inbox_csv", "staff:inbox_xlsx"])
def test_anyone_but_association_staff_and_admin_is_refused(client, request, requests_, persona, name):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert b"PIC-2025" not in response.content


@pytest.mark.parametrize("name", ["staff:inbox", "staff:inbox_csv", "staff:inbox_xlsx"])
def test_anonymous_is_sent_to_login(client, requests_, name):
    response = client.get(reverse(name), {"status": "submitted"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


def test_urls():
    assert reverse("staff:inbox") == "/equipe/demandes/"
    assert reverse("staff:inbox_csv") == "/equipe/demandes/export.csv"
    assert reverse("staff:inbox_xlsx") == "/equipe/demandes/export.xlsx"


def test_cached_filters_follow_the_users_funds(client, world, staff, other_staff):
    client.force_login(staff)
    page = client.get(reverse("staff:inbox")).content.decode()
    assert world.fund.name in page and world.other_fund.name not in page
    f.FundFactory(association=world.hommelet, name="PIC Hommelet 2026", slug="pic-hommelet-2026", year=2026)
    assert "PIC Hommelet 2026" in client.get(reverse("staff:inbox")).content.decode()
    client.force_login(other_staff)
    page = client.get(reverse("staff:inbox")).content.decode()
    assert world.other_fund.name in page and world.fund.name not in page and "PIC Hommelet 2026" not in page
