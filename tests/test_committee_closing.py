"""Committee services: closing a session (letters) and amending a decision afterwards."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from committees import selectors, services
from committees.models import (
    Amendment,
    CommitteeSession,
)
from tests.committee_helpers import (
    AGAINST,
    DEFERRED,
    FOR,
    REFUSED,
    decided_item,
    eligible_application,
    granted_item,
    messages_of,
    put_on_agenda,
    seat,
)

PAID_ON = datetime.date(2025, 6, 2)


# --- Closing and amendments -----------------------------------------------------------------------


def test_closing_needs_every_item_decided_then_locks_the_session(world, staff, board):
    item = put_on_agenda(board, staff, eligible_application(world.fund))
    other = put_on_agenda(board, staff, eligible_application(world.fund))
    seat(board, staff)
    with pytest.raises(ValidationError) as error:
        services.close_session(user=staff, session=board.session)
    assert item.application.reference in messages_of(error.value)
    services.decide(user=staff, item=item, outcome=DEFERRED, reason="Devis manquant")
    services.remove_agenda_item(user=staff, item=other, reason="Reporté")
    session = services.close_session(user=staff, session=board.session)
    assert session.status == CommitteeSession.Status.CLOSED and session.closed_at is not None

    with pytest.raises(ValidationError, match="close"):
        services.add_agenda_item(user=staff, session=session, application=eligible_application(world.fund))
    with pytest.raises(ValidationError, match="close"):
        services.record_vote(user=staff, item=item, member=board.voters[0], choice=FOR)
    with pytest.raises(ValidationError, match="close"):
        services.decide(user=staff, item=item, outcome=REFUSED, reason="Non")
    with pytest.raises(ValidationError, match="close"):
        services.start_vote(user=staff, item=item)
    with pytest.raises(ValidationError, match="close"):
        services.record_attendance(user=staff, session=session, member=board.voters[4], present=True)
    with pytest.raises(ValidationError, match="close"):
        services.declare_recusal(user=staff, item=item, member=board.voters[4], reason="Lien")
    with pytest.raises(ValidationError, match="close"):
        services.close_session(user=staff, session=session)


def test_closing_sends_each_holder_the_letter_as_a_pdf(world, staff, board, django_capture_on_commit_callbacks):
    seat(board, staff)
    granted, _ = granted_item(board, staff, eligible_application(world.fund), "750")
    refused, _ = decided_item(
        board, staff, eligible_application(world.fund), (AGAINST, AGAINST, FOR), REFUSED, reason="Projet à but lucratif"
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.close_session(user=staff, session=board.session)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.application.holder.owner.email for i in (granted, refused))
    for message in mail.outbox:
        ((filename, content, mimetype),) = message.attachments
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")
        assert filename.startswith("notification-PIC-2025-")


def test_amendment_after_closing_is_recorded_and_rechecks_the_envelope(world, staff, board):
    world.fund.envelope = Decimal("1500.00")
    world.fund.save()
    seat(board, staff)
    _, decision = granted_item(board, staff, eligible_application(world.fund, amount="1000"), "800")
    granted_item(board, staff, eligible_application(world.fund, amount="900"), "600")

    with pytest.raises(ValidationError, match="après la clôture"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("700"), reason="Erreur de saisie")
    services.close_session(user=staff, session=board.session)

    with pytest.raises(ValidationError, match="motif"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("700"), reason="")
    with pytest.raises(ValidationError, match="il reste 900,00"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("900.01"), reason="Erreur")
    with pytest.raises(ValidationError, match="Rien n'est modifié"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("800"), reason="Erreur")

    amendment = services.amend_decision(
        user=staff, decision=decision, amount=Decimal("750"), conditions="Factures à fournir", reason="Erreur de saisie"
    )
    assert amendment.amount_delta == Decimal("-50.00")
    assert amendment.changes["amount_granted"] == {"before": "800.00", "after": "750.00"}
    decision.refresh_from_db()
    assert decision.amount_granted == Decimal("800.00")  # the past is never edited
    effective = selectors.effective_decision(decision=decision)
    assert (effective.amount, effective.conditions) == (Decimal("750.00"), "Factures à fournir")
    assert selectors.granted_total(fund=world.fund) == Decimal("1350.00")
    # The 150 € freed are available again, no more.
    services.amend_decision(user=staff, decision=decision, amount=Decimal("900"), reason="Devis revu")
    assert selectors.fund_money_summary(fund=world.fund).remaining == Decimal("0.00")
    assert Amendment.objects.filter(decision=decision).count() == 2


def test_amendment_cannot_go_below_what_is_paid(world, staff, board):
    seat(board, staff)
    item, decision = granted_item(board, staff, eligible_application(world.fund), "500")
    services.close_session(user=staff, session=board.session)
    services.record_payment(
        user=staff, application=item.application, kind="advance", paid_on=PAID_ON, method="transfer"
    )
    with pytest.raises(ValidationError, match="400,00"):
        services.amend_decision(user=staff, decision=decision, amount=Decimal("399.99"), reason="Baisse")
    services.amend_decision(user=staff, decision=decision, amount=Decimal("400"), reason="Baisse")
