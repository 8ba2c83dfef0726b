"""Committee pages: the payments of a fund (statement, form, CSV)."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.workflow import Status
from committees import services
from committees.models import (
    Payment,
)
from tests.committee_helpers import (
    client_for,
    page_text,
    page_url,
)

# The evening of the session of 24/05/2025: requests filed on 1 May are on time.
pytestmark = pytest.mark.usefixtures("on_the_session_day")

PAID_ON = datetime.date(2025, 5, 24)


# --- Payments -------------------------------------------------------------------------------------


def test_the_fund_page_shows_the_money_summary_to_whoever_reads_the_fund(world, staff, region_staff, granted_requests):
    first, _second = granted_requests
    services.record_payment(user=staff, application=first, kind="advance", paid_on=PAID_ON, method="transfer")
    for user in (staff, region_staff):
        page = page_text(client_for(user).get(reverse("portal:fund_detail", args=[world.fund.slug])))
        assert "Suivi financier" in page
        summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert "Enveloppe 20 000,00 €" in summary
        assert "Accordé 1 000,00 €" in summary
        assert "Versé 480,00 €" in summary
        assert "Reste de l'enveloppe (non accordé) 19 000,00 €" in summary
        assert "Reste à verser (accordé, pas encore versé) 520,00 €" in summary
        # Région 70 %, Ville de Roubaix 30 %.
        assert "Région Hauts-de-France 70 % 14 000,00 € 700,00 € 336,00 € 13 300,00 €" in summary
        assert "Ville de Roubaix 30 % 6 000,00 € 300,00 € 144,00 € 5 700,00 €" in summary


def test_staff_record_a_payment_with_the_advance_prefilled(world, staff, granted_requests):
    first, _second = granted_requests
    client = client_for(staff)
    page = page_text(client.get(page_url("payments", world.fund.slug), {"demande": first.pk}))
    assert 'value="480,00"' in page  # 80 % of 600 €
    assert f'<option value="{first.pk}" selected>' in page
    response = client.post(
        page_url("payments", world.fund.slug),
        {
            "application": first.pk,
            "kind": "advance",
            "paid_on": "2025-05-24",
            "method": "transfer",
            "reference": "VIR-2025-118",
            "amount": "480,00",
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.recorded_by, payment.reference) == (Decimal("480.00"), staff, "VIR-2025-118")
    first.refresh_from_db()
    assert first.status == Status.ADVANCE_PAID
    # The same advance again is a form error, not a 500.
    response = client.post(
        page_url("payments", world.fund.slug),
        {"application": first.pk, "kind": "advance", "paid_on": "2025-05-24", "method": "transfer", "amount": ""},
    )
    assert response.status_code == 400 and "déjà enregistré" in page_text(response)
    assert Payment.objects.count() == 1


def test_funder_staff_read_the_statement_and_csv_but_never_record(world, staff, region_staff, granted_requests):
    first, _second = granted_requests
    client = client_for(region_staff)
    page = page_text(client.get(page_url("payments", world.fund.slug)))
    assert first.reference in page and "Enregistrer le versement" not in page
    assert client.get(page_url("payments_csv", world.fund.slug)).status_code == 200
    response = client.post(
        page_url("payments", world.fund.slug),
        {"application": first.pk, "kind": "advance", "paid_on": "2025-05-24", "method": "transfer"},
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()
    # Reading a fund's money is not sitting on its committee.
    assert client.get(page_url("committee_detail", world.committee.pk)).status_code == 404


def test_payments_csv_columns(world, staff, granted_requests):
    first, second = granted_requests
    services.record_payment(
        user=staff, application=first, kind="advance", paid_on=PAID_ON, method="cheque", reference="CHQ 0042"
    )
    response = client_for(staff).get(page_url("payments_csv", world.fund.slug))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="versements-{world.fund.slug}-2025-05-24.csv"' in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    header = "reference;title;holder;amount_granted;kind;paid_on;amount;method;payment_reference;recorded_by"
    assert rows[0] == header.split(";")
    assert rows[1] == [
        first.reference,
        "Repair café",
        first.holder.name,
        "600.00",
        "advance",
        "2025-05-24",
        "480.00",
        "cheque",
        "CHQ 0042",
        str(staff),
    ]
    # A granted request not paid yet; a title starting with "=" is not run as a formula.
    assert rows[2] == [second.reference, "'=Fête du square", second.holder.name, "400.00", "", "", "", "", "", ""]
    assert len(rows) == 3


def test_payments_xlsx_is_for_people_beside_the_csv(world, staff, region_staff, granted_requests):

    from openpyxl import load_workbook

    first, second = granted_requests
    services.record_payment(
        user=staff, application=first, kind="advance", paid_on=PAID_ON, method="cheque", reference="CHQ 0042"
    )
    page = client_for(staff).get(page_url("payments", world.fund.slug)).content.decode()
    assert page_url("payments_xlsx", world.fund.slug) in page and page_url("payments_csv", world.fund.slug) in page
    response = client_for(region_staff).get(page_url("payments_xlsx", world.fund.slug))
    assert response.status_code == 200
    assert f'filename="versements-{world.fund.slug}-2025-05-24.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Versements"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "Référence",
        "Projet",
        "Porteur de projet",
        "Montant accordé (€)",
        "Versement",
        "Versé le",
        "Montant versé (€)",
        "Mode de paiement",
        "Référence du paiement",
        "Enregistré par",
    ]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Versement"], row["Mode de paiement"]) == ("Acompte", "Chèque")
    assert row["Montant versé (€)"] == 480 and sheet["G2"].data_type == "n"
    assert row["Versé le"] == datetime.datetime(2025, 5, 24) and sheet["F2"].is_date
    assert rows[2][4] is None and rows[2][1] == "'=Fête du square"


def test_payments_xlsx_refused_to_who_may_not_read_the_fund(world, resident, granted_requests):
    assert client_for(resident).get(page_url("payments_xlsx", world.fund.slug)).status_code == 404
