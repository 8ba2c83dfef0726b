"""Rule 8 of issue 14: dates and numbers within bounds everywhere, never a 500.

The attacker crafts the URL: a filter date at the end of the calendar on the staff inbox and its
exports, ids beyond 64 bits on the attachment and photo URLs; and staff type a payment date outside
the fund's year.
"""

import datetime
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from committees.models import Payment
from tests import factories as f
from tests.committee_helpers import client_for, eligible_application, granted_item, make_board, seat

HUGE = 2**64
SESSION_EVENING = datetime.datetime(2025, 5, 24, 17, 30, tzinfo=datetime.UTC)
BOUNDS_MESSAGE = "Indiquez une date entre le 01/01/2000 et le 31/12/2100."


@pytest.mark.parametrize("name", ["staff:inbox", "staff:inbox_csv", "staff:inbox_xlsx"])
@pytest.mark.parametrize("param", ["submitted_to", "submitted_from"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_a_crafted_filter_date_is_a_form_error_not_a_500(world, staff, name, param, value):
    f.ApplicationFactory(fund=world.fund, status="submitted", submitted_at=SESSION_EVENING, reference="PIC-2025-0001")
    response = client_for(staff).get(reverse(name), {param: value})
    assert response.status_code == 200
    if name == "staff:inbox":
        assert BOUNDS_MESSAGE in unescape(response.content.decode())


@pytest.mark.parametrize("pk_is_huge", [True, False])
def test_ids_beyond_64_bits_answer_404(world, resident, staff, pk_is_huge):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    pk, other = (HUGE, 1) if pk_is_huge else (application.pk, HUGE)
    for user in (resident, staff):
        client = client_for(user)
        for url in (
            f"/demandes/{pk}/pieces/{other}/",
            f"/demandes/{pk}/bilan/pieces/{other}/",
            f"/projets/{pk}/photos/{other}/",
            f"/demandes/{pk}/",
            f"/equipe/demandes/{pk}/",
            f"/comites/seances/{pk}/points/{other}/notification.pdf",
        ):
            if str(HUGE) in url:
                assert client.get(url).status_code == 404, url


def test_the_largest_64_bit_id_is_still_a_plain_404(world, resident, staff):
    assert client_for(resident).get(f"/demandes/{2**63 - 1}/pieces/{2**63 - 1}/").status_code == 404
    for year in (2**63 - 1, HUGE, 10**30):
        url = reverse("annual:report", args=[world.fund.slug, 2025]).replace("/2025/", f"/{year}/")
        assert client_for(staff).get(url).status_code == 404, url


def _pay(client, world, application, paid_on):
    return client.post(
        reverse("committees:payments", args=[world.fund.slug]),
        {"application": application.pk, "kind": "advance", "paid_on": paid_on, "method": "transfer"},
    )


def test_a_payment_date_before_the_funds_year_or_in_the_future_is_refused(world, staff):
    with time_machine.travel(SESSION_EVENING, tick=True):
        board = make_board(world, staff)
        seat(board, staff)
        application = eligible_application(world.fund)
        granted_item(board, staff, application, "800")
        client = client_for(staff)
        first_day = world.fund.first_payment_day
        response = _pay(client, world, application, (first_day - datetime.timedelta(days=1)).isoformat())
        assert response.status_code == 400
        assert "ne peut pas précéder l'année du fonds" in unescape(response.content.decode())
        response = _pay(client, world, application, "2025-05-25")
        assert response.status_code == 400 and "dans le futur" in unescape(response.content.decode())
        assert not Payment.objects.exists()
        assert _pay(client, world, application, "2025-05-24").status_code == 302
        assert Payment.objects.get().amount == Decimal("640.00")


def test_every_url_id_is_bounded_to_a_database_id():
    """Every integer in a URL goes through `<id:…>` (core.converters): `<int:…>` would let a 20-digit id reach
    the database and answer 500."""
    from django.urls import get_resolver
    from django.urls.converters import IntConverter

    def patterns(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if hasattr(entry, "url_patterns"):
                yield from patterns(entry, route)
            else:
                yield route, entry.pattern.converters

    unbounded = [
        route
        for route, converters in patterns(get_resolver())
        if any(type(c) is IntConverter for c in converters.values()) and not route.startswith("admin/")
    ]
    assert unbounded == []
