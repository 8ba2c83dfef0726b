"""Shared by the tests of this folder (split from one module): constants, helpers and fixtures."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

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


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="demandes-')
    raw = response.getvalue()  # streamed (StreamingHttpResponse) or not
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
    # The XLSX is for people: French headers (the CSV keeps the documented codes).
    from applications.documents.inbox_export import COLUMNS
    from core.tabular import people_headers

    assert table[0] == people_headers(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    return table
