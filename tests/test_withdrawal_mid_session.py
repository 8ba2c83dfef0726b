"""Issue 14, rule 3: a holder who withdraws a request while it is on an agenda never locks the session."""

import pytest
from django.urls import reverse

from applications.workflow import Status
from committees.models import CommitteeSession, Decision, Vote
from tests.committee_helpers import (
    FOR,
    client_for,
    decision_data,
    eligible_application,
    page_text,
    page_url,
    pdf_words,
    put_on_agenda,
    seat,
    vote_data,
)

pytestmark = pytest.mark.usefixtures("on_the_session_day")


def test_holder_withdraws_mid_session_staff_close_and_the_minutes_say_so(world, staff, board):
    withdrawn = put_on_agenda(board, staff, eligible_application(world.fund, title="Fête de la soupe"))
    other = put_on_agenda(board, staff, eligible_application(world.fund, title="Repair café"))
    seat(board, staff)
    session = board.session
    desk = client_for(staff)
    voters = board.voters[:3]

    # The holder withdraws from their own space while the committee sits.
    holder = client_for(withdrawn.application.created_by)
    response = holder.post(
        reverse("applications:withdraw_application", args=[withdrawn.application_id]),
        {"comment": "Nous avons trouvé un autre financement."},
    )
    assert response.status_code == 302
    withdrawn.application.refresh_from_db()
    assert withdrawn.application.status == Status.WITHDRAWN

    # The session page says so and offers nothing to vote or decide on that line.
    page = page_text(desk.get(page_url("session_detail", session.pk)))
    assert "Retirée par le porteur le 24/05/2025" in page
    assert f'action="{page_url("decide", session.pk, withdrawn.pk)}"' not in page
    # A vote or a decision posted anyway is a form error in French, not a 500.
    response = desk.post(
        page_url("record_votes", session.pk, withdrawn.pk), vote_data(withdrawn, dict.fromkeys(voters, FOR))
    )
    assert response.status_code == 400 and "Le porteur a retiré la demande" in page_text(response)
    response = desk.post(
        page_url("decide", session.pk, withdrawn.pk), decision_data(withdrawn, "granted", amount="500")
    )
    assert response.status_code == 400 and "Le porteur a retiré la demande" in page_text(response)
    assert not Vote.objects.filter(item=withdrawn).exists()
    assert not Decision.objects.filter(item=withdrawn).exists()

    # The staff decide the other request, then close the session.
    assert (
        desk.post(page_url("record_votes", session.pk, other.pk), vote_data(other, dict.fromkeys(voters, FOR)))
    ).status_code == 302
    response = desk.post(page_url("decide", session.pk, other.pk), decision_data(other, "granted", amount="600"))
    assert response.status_code == 302
    assert "Retirée" not in page_text(desk.get(page_url("close_session", session.pk)))  # nothing pending
    assert desk.post(page_url("close_session", session.pk)).status_code == 302
    session.refresh_from_db()
    assert session.status == CommitteeSession.Status.CLOSED

    response = desk.get(page_url("minutes_pdf", session.pk))
    assert response.status_code == 200
    words = pdf_words(response.content)
    assert "Retirée par le porteur le 24/05/2025" in words
    assert "Accordée" in words
