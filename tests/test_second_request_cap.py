"""Issue 14, rule 5: one second-request rule (applications.rules.is_second_request) for the request form, the
filing check and the committee's decision, tried by one persona: Amina, who files a second request for her
collectif in the same year."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from applications.models import BudgetLine
from applications.workflow import Status
from committees.models import Decision
from tests import factories as f
from tests.application_views.helpers import budget_data
from tests.committee_helpers import (
    FOR,
    cast,
    client_for,
    decision_data,
    eligible_application,
    page_text,
    page_url,
    put_on_agenda,
    seat,
)

MARCH = datetime.datetime(2025, 3, 10, 9, 30, tzinfo=datetime.UTC)
SECOND_CAP = "pour une deuxième demande, le plafond est de 400,00"


@pytest.fixture
def amina(world, resident):
    """Amina and her collectif; the fund caps a porteur's second request of the year at 400 €."""
    world.fund.max_grant_second_request = Decimal("400.00")
    world.fund.save()
    resident.email_confirmed_at = MARCH
    resident.save(update_fields=["email_confirmed_at"])
    return resident, f.HolderFactory(owner=resident, name="Collectif du square")


def _request(world, amina, *, status, submitted_at=None, amount="250.00", number=None):
    resident, holder = amina
    return f.ApplicationFactory(
        fund=world.fund,
        created_by=resident,
        holder=holder,
        status=status,
        submitted_at=submitted_at,
        amount_requested=Decimal(amount),
        number=number,
        reference=f"PIC-2025-{number:04d}" if number else "",
    )


def _ask(application, amount: str) -> None:
    """The amount and a balanced budget, as saved before any cap applied."""
    application.budget_lines.all().delete()
    BudgetLine.objects.create(application=application, side="expense", category="60", label="Sono", amount=amount)
    type(application).objects.filter(pk=application.pk).update(amount_requested=Decimal(amount))


def _budget_post(client, application, amount: str):
    return client.post(
        reverse("applications:application_step", kwargs={"pk": application.pk, "step": "budget"}),
        budget_data(expenses=[("60", "Location de la sono", amount)], amount_requested=amount),
    )


def _submit(client, application):
    return client.post(
        reverse("applications:application_step", kwargs={"pk": application.pk, "step": "summary"}), follow=True
    )


def test_the_form_and_the_filing_apply_the_cap_to_the_second_request_only(world, amina, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    resident, _holder = amina
    with time_machine.travel(MARCH, tick=False):
        first = _request(
            world, amina, status=Status.SUBMITTED, submitted_at=datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC)
        )
        second = _request(world, amina, status=Status.DRAFT)
        f.AttachmentFactory(application=second)
        client = client_for(resident)

        # The form: 900 € on the second request is refused, with the cap in French.
        response = _budget_post(client, second, "900.00")
        assert response.status_code == 200 and SECOND_CAP in page_text(response)
        second.refresh_from_db()
        assert second.amount_requested == Decimal("250.00")

        # The filing: 900 € saved before the cap (an old draft) is refused at filing with the same words.
        _ask(second, "900.00")
        response = _submit(client, second)
        assert SECOND_CAP in page_text(response)
        second.refresh_from_db()
        assert second.status == Status.DRAFT
        _ask(second, "400.00")
        _submit(client, second)
        second.refresh_from_db()
        assert second.status == Status.SUBMITTED

        # The first request keeps the full cap, even now that a second one is filed.
        type(first).objects.filter(pk=first.pk).update(status=Status.COMPLETION_REQUESTED)
        first.refresh_from_db()
        response = _budget_post(client, first, "900.00")
        assert response.status_code == 302, page_text(response)
        first.refresh_from_db()
        assert first.amount_requested == Decimal("900.00")


@pytest.mark.usefixtures("on_the_session_day")
def test_the_committee_applies_the_same_rule_to_the_same_porteur(world, staff, board, amina):
    # Her first request of the year was filed in February and refused: her May request is her second.
    _request(
        world,
        amina,
        status=Status.REFUSED,
        submitted_at=datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC),
        number=900,
    )
    resident, holder = amina
    second = eligible_application(world.fund, amount="900.00", created_by=resident, holder=holder)
    item = put_on_agenda(board, staff, second)
    seat(board, staff)
    cast(staff, item, board.voters[:3], (FOR, FOR, FOR))
    desk = client_for(staff)

    response = desk.post(page_url("decide", board.session.pk, item.pk), decision_data(item, "granted", amount="900"))
    assert response.status_code == 400
    assert "plafond du fonds pour une deuxième demande du même porteur la même année : au plus 400,00" in page_text(
        response
    )
    assert not Decision.objects.filter(item=item).exists()
    response = desk.post(page_url("decide", board.session.pk, item.pk), decision_data(item, "granted", amount="400"))
    assert response.status_code == 302
    assert Decision.objects.get(item=item).amount_granted == Decimal("400.00")
