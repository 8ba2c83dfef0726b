"""The staff inbox (Demandes à instruire).

In this file: exports, and who may.
"""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from applications.documents.inbox_export import COLUMNS, HEADERS
from applications.workflow import Status
from tests import factories as f
from tests.staff_inbox.helpers import (
    DOCUMENTED_HEADERS,
    bulk_filed,
    filed,
    get_inbox,
    paris,
    read_csv,
    read_xlsx,
)

# --- Exports ------------------------------------------------------------------------------------------


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


PEOPLE_HEADERS = [
    "Référence",
    "Projet",
    "Fonds",
    "Association porteuse",
    "Porteur de projet",
    "Type de porteur",
    "Thématique",
    "Code QPV",
    "Quartier",
    "Statut",
    "Déposée le",
    "Montant demandé (€)",
    "Début du projet",
    "Fin du projet",
    "Femmes attendues",
    "Hommes attendus",
    "Habitant·es mobilisé·es",
]


def test_xlsx_is_for_people_french_headers_labels_and_typed_cells(client, world, staff, requests_):
    client.force_login(staff)
    response = client.get(reverse("staff:inbox_xlsx"), {"q": "Repair"})
    table = read_xlsx(response)
    assert len(table) == 2
    assert list(table[0]) == PEOPLE_HEADERS
    row = dict(zip(PEOPLE_HEADERS, table[1], strict=True))
    assert row["Référence"] == "PIC-2025-0002"
    assert row["Statut"] == "En cours d'instruction"  # the code's French label, not "under_review"
    assert row["Type de porteur"] in {"Collectif d'habitant·es", "Association"}
    assert row["Montant demandé (€)"] == 800
    assert isinstance(row["Montant demandé (€)"], int | float)
    assert row["Déposée le"] == datetime.datetime(2025, 3, 15, 23, 30)  # Paris wall time
    assert row["Début du projet"] == datetime.datetime(2025, 6, 14)
    assert row["Femmes attendues"] == 30
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    amount_cell = sheet.cell(row=2, column=PEOPLE_HEADERS.index("Montant demandé (€)") + 1)
    assert amount_cell.data_type == "n"
    assert amount_cell.number_format == "#,##0.00"
    assert sheet.cell(row=2, column=PEOPLE_HEADERS.index("Début du projet") + 1).is_date


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://exemple.test","clic")', "+33 6 00", "-2+3", "@SUM(A1)"])
def test_formula_injection_is_neutralised_in_both_formats(client, world, staff, payload):
    filed(world.fund, "PIC-2025-0009", title=payload, holder_name=payload)
    client.force_login(staff)
    row = read_csv(client.get(reverse("staff:inbox_csv")))[0]
    assert row["title"] == "'" + payload
    assert row["holder_name"] == "'" + payload
    response = client.get(reverse("staff:inbox_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    title_cell = sheet.cell(row=2, column=PEOPLE_HEADERS.index("Projet") + 1)
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
