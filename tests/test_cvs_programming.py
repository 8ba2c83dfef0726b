"""Instruction (eligibility, an opinion per funder), the programming decision per funder within each envelope,
its notification, and the CVS fund page (envelope, programmed, paid by funder)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.workflow import Status
from core.models import OutboxMessage
from cvs import permissions, selectors, services
from cvs.models import FunderOpinion, FundingAsk
from tests.committee_helpers import plain
from tests.cvs_fixtures import cvs_call_fixture, fill_request  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(cvs_call, resident):
    application = fill_request(resident, cvs_call)
    services.submit_cvs_request(user=resident, application=application)
    return application


@pytest.fixture
def eligible(filed, staff):
    services.decide_eligibility(user=staff, application=filed, eligible=True)
    return filed


def program(staff, application, amounts, granted=True, comment=""):
    return services.record_programming(
        user=staff,
        application=application,
        decided_on=datetime.date(2026, 3, 20),
        attendees="MEL\nÉtat\nVille de Roubaix",
        granted=granted,
        amounts=amounts,
        comment=comment,
    )


def test_staff_declare_eligible_through_the_workflow(filed, staff):
    services.decide_eligibility(user=staff, application=filed, eligible=True)
    filed.refresh_from_db()
    assert filed.status == Status.ELIGIBLE
    assert [c.transition for c in filed.status_changes.order_by("pk")] == ["submit", "start_review", "declare_eligible"]
    mail = OutboxMessage.objects.get(template="cvs/emails/eligibility")
    assert "est recevable" in mail.subject and "comité de programmation" in mail.body


def test_ineligible_needs_a_comment(filed, staff):
    with pytest.raises(ValidationError):
        services.decide_eligibility(user=staff, application=filed, eligible=False, comment="")
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED  # nothing half-done (start_review rolled back)


def test_only_the_carrier_staff_decide(filed, other_staff, city_staff, resident):
    for user in (other_staff, city_staff, resident):
        with pytest.raises(PermissionDenied):
            services.decide_eligibility(user=user, application=filed, eligible=True)


def test_a_commune_referent_gives_its_own_funder_opinion_only(cvs_call, filed, city_staff, region_staff, staff):
    assert permissions.opinion_funders(city_staff, filed) == [cvs_call.city]
    services.give_opinion(user=city_staff, application=filed, funder_id=cvs_call.city.pk, opinion="reserved")
    with pytest.raises(PermissionDenied):
        services.give_opinion(user=city_staff, application=filed, funder_id=cvs_call.state.pk, opinion="favourable")
    # The Région's agent reads the request but is not a commune's referent.
    assert permissions.opinion_funders(region_staff, filed) == []
    # The MEL's staff record the other funders' opinions; a new opinion replaces the funder's previous one.
    services.give_opinion(user=staff, application=filed, funder_id=cvs_call.state.pk, opinion="favourable")
    services.give_opinion(
        user=staff, application=filed, funder_id=cvs_call.city.pk, opinion="favourable", comment="Vu en réunion"
    )
    opinions = {o.funder_id: (o.opinion, o.comment) for o in FunderOpinion.objects.filter(request__application=filed)}
    assert opinions == {cvs_call.state.pk: ("favourable", ""), cvs_call.city.pk: ("favourable", "Vu en réunion")}


def test_other_staff_give_no_opinion(filed, other_staff, cvs_call):
    with pytest.raises(PermissionDenied):
        services.give_opinion(user=other_staff, application=filed, funder_id=cvs_call.state.pk, opinion="favourable")


def test_programming_gives_an_amount_per_funder_and_notifies_the_holder(cvs_call, eligible, staff, resident):
    decision = program(staff, eligible, {cvs_call.state.pk: Decimal("1200"), cvs_call.city.pk: Decimal("1000")})
    eligible.refresh_from_db()
    assert eligible.status == Status.GRANTED
    assert decision.granted and decision.attendees.startswith("MEL")
    programmed = dict(
        FundingAsk.objects.filter(request__application=eligible).values_list("funder_id", "amount_programmed")
    )
    assert programmed == {cvs_call.state.pk: Decimal("1200.00"), cvs_call.city.pk: Decimal("1000.00")}
    mail = OutboxMessage.objects.filter(template="cvs/emails/programming").get()
    assert resident.email in mail.recipients
    body = plain(mail.body)
    assert "État — Préfecture du Nord : 1 200,00" in body
    assert "Ville de Roubaix : 1 000,00" in body
    assert "Total : 2 200,00" in body


def test_an_amount_over_the_funder_envelope_is_refused(cvs_call, eligible, staff, resident, other_resident):
    # A first request takes 1 500 € of the State's 5 000 € envelope, then a second one asks 4 000 €.
    program(staff, eligible, {cvs_call.state.pk: Decimal("1500")})
    second = fill_request(other_resident, cvs_call, asks={cvs_call.state.pk: Decimal("4000")})
    services.submit_cvs_request(user=other_resident, application=second)
    services.decide_eligibility(user=staff, application=second, eligible=True)
    with pytest.raises(ValidationError) as error:
        program(staff, second, {cvs_call.state.pk: Decimal("4000")})
    assert "l'enveloppe ne permet plus que 3 500,00" in plain(
        error.value.message_dict[f"amount_{cvs_call.state.pk}"][0]
    )
    second.refresh_from_db()
    assert second.status == Status.ELIGIBLE
    assert not OutboxMessage.objects.filter(
        template="cvs/emails/programming", recipients__icontains=other_resident.email
    ).exists()
    program(staff, second, {cvs_call.state.pk: Decimal("3500")})  # exactly what is left
    second.refresh_from_db()
    assert second.status == Status.GRANTED


def test_more_than_asked_or_a_funder_not_asked_is_refused(cvs_call, eligible, staff):
    with pytest.raises(ValidationError) as error:
        program(staff, eligible, {cvs_call.state.pk: Decimal("1600"), cvs_call.region.pk: Decimal("10")})
    assert set(error.value.message_dict) == {f"amount_{cvs_call.state.pk}", f"amount_{cvs_call.region.pk}"}


def test_not_programmed_needs_a_comment_and_sets_no_amount(cvs_call, eligible, staff):
    with pytest.raises(ValidationError):
        program(staff, eligible, {}, granted=False)
    program(staff, eligible, {}, granted=False, comment="Hors des priorités de l'année.")
    eligible.refresh_from_db()
    assert eligible.status == Status.REFUSED
    assert set(
        FundingAsk.objects.filter(request__application=eligible).values_list("amount_programmed", flat=True)
    ) == {Decimal("0.00")}


def test_only_an_eligible_request_is_programmed_by_carrier_staff(cvs_call, filed, staff, city_staff):
    with pytest.raises(ValidationError):
        program(staff, filed, {cvs_call.state.pk: Decimal("100")})
    services.decide_eligibility(user=staff, application=filed, eligible=True)
    with pytest.raises(PermissionDenied):
        program(city_staff, filed, {cvs_call.state.pk: Decimal("100")})


def test_fund_page_shows_envelope_programmed_and_paid_per_funder(cvs_call, eligible, staff, client, other_resident):
    program(staff, eligible, {cvs_call.state.pk: Decimal("1200"), cvs_call.city.pk: Decimal("1000")})
    FundingAsk.objects.filter(request__application=eligible, funder=cvs_call.state).update(amount_paid=Decimal("600"))
    rows = {row.funder_id: row for row in selectors.funding_rows(cvs_call.fund)}
    state = rows[cvs_call.state.pk]
    assert (state.amount, state.asked, state.programmed, state.paid, state.left) == (
        Decimal("5000.00"),
        Decimal("1500.00"),
        Decimal("1200.00"),
        Decimal("600.00"),
        Decimal("3800.00"),
    )
    assert (rows[cvs_call.region.pk].programmed, rows[cvs_call.region.pk].left) == (Decimal("0"), Decimal("3000.00"))
    client.force_login(staff)
    url = reverse("cvs:fund", args=[cvs_call.fund.slug])
    with CaptureQueriesContext(connection) as few:
        page = plain(client.get(url).content.decode())
    assert "3 800,00" in page and "1 200,00" in page
    for _ in range(3):  # more requests: the same number of queries
        more = fill_request(other_resident, cvs_call, asks={cvs_call.region.pk: Decimal("100")})
        services.submit_cvs_request(user=other_resident, application=more)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_funders_staff_read_the_programming_other_staff_do_not(
    cvs_call, eligible, staff, region_staff, other_staff, client
):
    program(staff, eligible, {cvs_call.state.pk: Decimal("1200")})
    client.force_login(region_staff)
    page = plain(client.get(reverse("cvs:detail", args=[eligible.pk])).content.decode())
    assert "Décision de programmation" in page and "1 200,00" in page
    assert client.get(reverse("cvs:fund", args=[cvs_call.fund.slug])).status_code == 200
    client.force_login(other_staff)
    assert client.get(reverse("cvs:detail", args=[eligible.pk])).status_code == 404
    assert client.get(reverse("cvs:fund", args=[cvs_call.fund.slug])).status_code == 404


def test_each_funder_pays_at_most_its_programmed_amount(cvs_call, eligible, staff, city_staff):
    program(staff, eligible, {cvs_call.state.pk: Decimal("1200")})
    day = datetime.date(2026, 4, 1)
    services.record_funder_payment(
        user=staff, application=eligible, funder_id=cvs_call.state.pk, amount=Decimal("700"), paid_on=day
    )
    with pytest.raises(ValidationError) as error:
        services.record_funder_payment(
            user=staff, application=eligible, funder_id=cvs_call.state.pk, amount=Decimal("600"), paid_on=day
        )
    assert "il reste 500,00" in plain(error.value.message_dict["amount"][0])
    with pytest.raises(ValidationError):  # programmed nothing
        services.record_funder_payment(
            user=staff, application=eligible, funder_id=cvs_call.city.pk, amount=Decimal("1"), paid_on=day
        )
    with pytest.raises(PermissionDenied):
        services.record_funder_payment(
            user=city_staff, application=eligible, funder_id=cvs_call.state.pk, amount=Decimal("1"), paid_on=day
        )
    ask = FundingAsk.objects.get(request__application=eligible, funder=cvs_call.state)
    assert ask.amount_paid == Decimal("700.00")
    assert {row.funder_id: row.paid for row in selectors.funding_rows(cvs_call.fund)}[cvs_call.state.pk] == 700


def test_no_payment_before_programming(cvs_call, eligible, staff):
    with pytest.raises(ValidationError):
        services.record_funder_payment(
            user=staff,
            application=eligible,
            funder_id=cvs_call.state.pk,
            amount=Decimal("1"),
            paid_on=datetime.date(2026, 4, 1),
        )


def test_the_holder_space_speaks_of_the_programming_committee(cvs_call, eligible, resident, client):
    client.force_login(resident)
    page = client.get(reverse("portal:my_applications")).content.decode()
    assert "les financeurs donnent leur avis avant le comité de programmation" in page
    assert "comité d&#x27;attribution" not in page and "comité d'attribution" not in page


def test_a_cvs_request_never_goes_before_a_residents_committee(cvs_call, eligible, staff):
    from committees import services as committee_services
    from tests import factories as f

    committee = f.CommitteeFactory(fund=cvs_call.fund, name="Comité d'attribution par erreur")
    session = f.CommitteeSessionFactory(committee=committee, date=datetime.date.today() + datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as error:
        committee_services.add_agenda_item(user=staff, session=session, application=eligible)
    assert "comité de programmation" in " ".join(error.value.messages)
    eligible.refresh_from_db()
    assert eligible.status == Status.ELIGIBLE


def test_staff_ask_for_more_the_holder_completes_and_files_again(cvs_call, filed, staff, resident):
    with pytest.raises(ValidationError):  # what is missing must be said
        services.ask_for_completion(user=staff, application=filed, comment="")
    services.ask_for_completion(user=staff, application=filed, comment="Joignez le budget de l'an dernier.")
    filed.refresh_from_db()
    assert filed.status == Status.COMPLETION_REQUESTED
    mail = OutboxMessage.objects.get(template="cvs/emails/completion")
    assert "Joignez le budget de l'an dernier." in mail.body and resident.email in mail.recipients
    reference = filed.reference
    services.save_commitments(
        user=resident,
        application=filed,
        data={**dict.fromkeys(services.COMMITMENT_FIELDS, "Complété.")},
    )
    services.submit_cvs_request(user=resident, application=filed)
    filed.refresh_from_db()
    assert filed.status == Status.RESUBMITTED and filed.reference == reference
    services.decide_eligibility(user=staff, application=filed, eligible=True)
    filed.refresh_from_db()
    assert filed.status == Status.ELIGIBLE


def test_only_carrier_staff_ask_for_more(filed, city_staff):
    with pytest.raises(PermissionDenied):
        services.ask_for_completion(user=city_staff, application=filed, comment="Un complément.")


def test_staff_linked_to_the_holder_neither_instruct_nor_program(cvs_call, filed, world):
    from applications.models import HolderLink
    from tests import factories as f

    linked = f.UserFactory(email="membre.bureau@example.org")
    f.AssociationStaffFactory(association=world.hommelet, user=linked)
    HolderLink.objects.create(user=linked, holder=filed.holder, reason="Membre du bureau de l'association")
    assert permissions.opinion_funders(linked, filed) == []
    with pytest.raises(PermissionDenied):
        services.decide_eligibility(user=linked, application=filed, eligible=True)
