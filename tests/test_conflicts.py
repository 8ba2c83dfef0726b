"""Rule 1 of issue 14: nobody acts on a request they hold or are linked to, staff included.

The attacker: a staff member of the carrier association who is also linked to the holder (declared link,
same holder group) or holds the request. Through the HTTP client they try to instruct it, put it on the
agenda, record the votes and the decision, pay it and accept its bilan; each is refused with the reason,
and another staff member does it.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.models import HolderLink
from applications.workflow import Status
from committees.models import Decision, Payment
from reports import services as bilan_services
from reports.models import BilanStatus
from tests import factories as f
from tests.bilan_fixtures import fill_for_submission
from tests.committee_helpers import FOR, client_for, eligible_application, granted_item, make_board, page_text, seat

SESSION_EVENING = datetime.datetime(2025, 5, 24, 17, 30, tzinfo=datetime.UTC)
REASON = "Vous portez cette demande ou vous êtes lié·e à son porteur : un·e autre membre de l'équipe doit"


@pytest.fixture
def linked_staff(world):
    """Hommelet staff who sits on the board of the holder's association (a declared link)."""
    user = f.UserFactory(email="staff.lie@example.org", first_name="Lina", last_name="Liée")
    f.AssociationStaffFactory(association=world.hommelet, user=user)
    return user


def _link(user, holder, reason="Membre du bureau"):
    return HolderLink.objects.create(user=user, holder=holder, reason=reason)


@pytest.fixture
def filed(world, resident):
    return eligible_application(world.fund, status=Status.SUBMITTED, created_by=resident)


def test_linked_staff_cannot_instruct_and_another_staff_member_can(world, filed, staff, linked_staff):
    _link(linked_staff, filed.holder)
    page = reverse("staff:application", kwargs={"pk": filed.pk})
    response = client_for(linked_staff).get(page)
    assert response.status_code == 403 and REASON in page_text(response)
    response = client_for(linked_staff).post(reverse("staff:start_review", kwargs={"pk": filed.pk}), {})
    assert response.status_code == 403 and "l'instruire" in page_text(response)
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED
    # Another member of the team instructs it.
    assert client_for(staff).get(page).status_code == 200
    assert client_for(staff).post(reverse("staff:start_review", kwargs={"pk": filed.pk}), {}).status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.UNDER_REVIEW


def test_staff_owning_a_holder_of_the_same_name_is_linked(world, filed, linked_staff):
    f.HolderFactory(owner=linked_staff, name=filed.holder.name.upper())
    response = client_for(linked_staff).get(reverse("staff:application", kwargs={"pk": filed.pk}))
    assert response.status_code == 403 and REASON in page_text(response)


def test_a_single_conflicted_staff_member_is_told_a_second_person_is_needed(world, filed, linked_staff):
    # Hommelet's only staff member is linked to the holder: nobody else can instruct the request.
    _link(linked_staff, filed.holder)
    response = client_for(linked_staff).get(reverse("staff:application", kwargs={"pk": filed.pk}))
    assert response.status_code == 403 and "une deuxième personne doit rejoindre l'équipe" in page_text(response)


def test_linked_staff_cannot_schedule_vote_decide_or_pay(world, staff, linked_staff):
    with time_machine.travel(SESSION_EVENING, tick=True):
        board = make_board(world, staff)
        application = eligible_application(world.fund)
        _link(linked_staff, application.holder)
        client = client_for(linked_staff)
        session = board.session
        response = client.post(
            reverse("committees:add_item", args=[session.pk]),
            {"ajout-application": application.pk, "ajout-invited_to_present": "on"},
        )
        assert response.status_code == 403 and "l'inscrire à l'ordre du jour" in page_text(response)
        assert not session.items.exists()

        seat(board, staff)
        from committees import services

        item = services.add_agenda_item(user=staff, session=board.session, application=application)
        votes = {f"vote-{item.pk}-member_{member.pk}": FOR for member in board.voters[:3]}
        response = client.post(reverse("committees:record_votes", args=[session.pk, item.pk]), votes)
        assert response.status_code == 403 and "enregistrer les votes" in page_text(response)
        assert not item.votes.exists()
        for member in board.voters[:3]:
            services.record_vote(user=staff, item=item, member=member, choice=FOR)
        prefix = f"decision-{item.pk}"
        response = client.post(
            reverse("committees:decide", args=[session.pk, item.pk]),
            {
                f"{prefix}-outcome": "granted",
                f"{prefix}-amount": "800",
                f"{prefix}-conditions": "",
                f"{prefix}-reason": "",
            },
        )
        assert response.status_code == 403 and "enregistrer la décision" in page_text(response)
        assert not Decision.objects.filter(item=item).exists()
        services.decide(user=staff, item=item, outcome="granted", amount=800)

        response = client.post(
            reverse("committees:payments", args=[world.fund.slug]),
            {"application": application.pk, "kind": "advance", "paid_on": "2025-05-24", "method": "transfer"},
        )
        assert response.status_code == 403 and "enregistrer ce versement" in page_text(response)
        assert not Payment.objects.exists()
        response = client_for(staff).post(
            reverse("committees:payments", args=[world.fund.slug]),
            {"application": application.pk, "kind": "advance", "paid_on": "2025-05-24", "method": "transfer"},
        )
        assert response.status_code == 302 and Payment.objects.count() == 1


def test_staff_who_holds_the_request_cannot_pay_it(world, staff, linked_staff):
    """The staff member who filed the request (the holder themself) never pays it; a colleague does."""
    with time_machine.travel(SESSION_EVENING, tick=True):
        board = make_board(world, staff)
        seat(board, staff)
        application = eligible_application(world.fund, created_by=linked_staff)
        granted_item(board, staff, application, "800")
        response = client_for(linked_staff).post(
            reverse("committees:payments", args=[world.fund.slug]),
            {"application": application.pk, "kind": "advance", "paid_on": "2025-05-24", "method": "transfer"},
        )
        assert response.status_code == 403 and REASON in page_text(response)
        assert not Payment.objects.exists()


def test_linked_staff_cannot_accept_the_bilan(world, resident, staff, linked_staff):
    application = f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    bilan = fill_for_submission(bilan_services.start_bilan(user=resident, application=application), resident)
    bilan = bilan_services.submit_bilan(user=resident, bilan=bilan)
    _link(linked_staff, application.holder)
    url = reverse("reports:accept_bilan", kwargs={"pk": application.pk})
    response = client_for(linked_staff).post(url)
    assert response.status_code == 403 and "étudier son bilan" in page_text(response)
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.SUBMITTED
    assert client_for(staff).post(url).status_code == 302
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.ACCEPTED
