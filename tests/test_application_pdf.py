"""The PDF receipt: rendered offline, tagged, read back with pypdf."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from applications import services
from applications.documents.receipt import render_receipt_pdf
from applications.models import Holder
from tests import factories as f
from tests.committee_helpers import pdf_text


@pytest.fixture
def filed(world, resident):
    world.fund.max_grant = Decimal("1500.00")
    world.fund.save()
    resident.email_confirmed_at = timezone.now()
    resident.save()
    holder = f.HolderFactory(
        owner=resident,
        kind=Holder.Kind.ASSOCIATION,
        name="Les Jardins du Pile",
        siret=f.make_siret(34567890),
        address="12 rue du Pile",
        postcode="59100",
        city="Roubaix",
        republican_commitment_accepted_at=datetime.datetime(2025, 5, 2, 10, tzinfo=datetime.UTC),
    )
    application = f.ApplicationFactory(
        fund=world.fund,
        created_by=resident,
        holder=holder,
        title="Repair café du Pile",
        theme=world.themes[0],
        amount_requested=Decimal("1234.50"),
        budget=False,
    )
    f.BudgetLineFactory(application=application, side="expense", category="60", label="Outils", amount=Decimal("1000"))
    f.BudgetLineFactory(
        application=application, side="expense", category="61", label="Location de la salle", amount=Decimal("484.50")
    )
    f.BudgetLineFactory(
        application=application,
        side="resource",
        category="70",
        label="Participation des visiteurs",
        amount=Decimal("250"),
    )
    f.AttachmentFactory(application=application, original_name="rib-jardins.pdf")
    f.AttachmentFactory(application=application, kind="statutes", original_name="statuts.pdf")
    with datetime_frozen():
        services.submit_application(user=resident, application=application, today=datetime.date(2025, 5, 24))
    return application


def datetime_frozen():
    return time_machine.travel(datetime.datetime(2025, 5, 24, 9, 30, tzinfo=datetime.UTC), tick=False)


def test_receipt_holds_every_part_of_the_request(filed):
    reader, text = pdf_text(render_receipt_pdf(application=filed))
    for expected in (
        "Centre social de l'Hommelet",
        "PIC Hommelet 2025",
        "Référence : PIC-2025-0001",
        "Demande déposée le 24/05/2025 à 11:30",  # Paris time
        "Les Jardins du Pile",
        "Accepté le 02/05/2025",
        "Repair café du Pile",
        "Innovation sociale",
        "14/06/2025 16:00",
        "Square de la Paix",
        "Quartier Intercommunal Roubaix-Tourcoing",
        "Familles du quartier",
        "1 234,50 €",
        "Outils",
        "Location de la salle",
        "Participation des visiteurs",
        "Total des dépenses",
        "1 484,50 €",
        "rib-jardins.pdf",
        "statuts.pdf",
        "Page 1 sur",
    ):
        assert expected in text, expected
    assert "non équilibré" not in text


def test_receipt_is_a_tagged_a4_pdf(filed):
    reader, _ = pdf_text(render_receipt_pdf(application=filed))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "fr"
    assert "PIC-2025-0001" in reader.metadata.title


def test_receipt_fetches_nothing_from_the_network(filed, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the receipt must not touch the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert render_receipt_pdf(application=filed).startswith(b"%PDF")
