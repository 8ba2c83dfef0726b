"""The resident's web journey.

In this file: the holder's space, the dashboard and the nav.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, BudgetLine, Holder
from applications.workflow import Status
from tests import factories as f
from tests.application_views.helpers import assert_shows, budget_data, client_of
from tests.request_fixtures import detail_url, step_url

# --- The holder's space, the dashboard and the nav ------------------------------------------------


def test_nav_and_dashboard_lead_to_my_applications(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, title="Fête de la soupe")
    client = client_of(resident)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("portal:my_applications") in dashboard
    assert "Fête de la soupe" in dashboard and detail_url(application) in dashboard
    anonymous = client_of().get(reverse("portal:home")).content.decode()
    assert reverse("portal:my_applications") not in anonymous


def test_my_applications_shows_only_mine(world, resident, other_resident):
    f.ApplicationFactory(fund=world.fund, created_by=resident, title="Mon projet")
    f.ApplicationFactory(fund=world.fund, created_by=other_resident, title="Projet du voisin")
    content = client_of(resident).get(reverse("portal:my_applications")).content.decode()
    assert "Mon projet" in content and "Projet du voisin" not in content


def test_a_closed_call_cannot_be_started(world, resident):
    world.fund.call_closes_on = datetime.date(2025, 2, 1)
    world.fund.save()
    response = client_of(resident).post(reverse("applications:start_application", args=[world.fund.slug]))
    assert_shows(response, "il est clos")
    assert not Application.objects.exists()


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:my_applications"))
    assert response.status_code == 200
    return len(queries)


def test_my_applications_makes_a_constant_number_of_queries(world, resident):
    client = client_of(resident)
    for _ in range(2):
        f.ApplicationFactory(fund=world.fund, created_by=resident)
    with_two = _count_queries(client)
    holder = Holder.objects.filter(owner=resident).first()
    for index in range(18):
        f.ApplicationFactory(
            fund=world.other_fund if index % 2 else world.fund,
            created_by=resident,
            holder=holder,
            status=Status.SUBMITTED if index % 3 else Status.DRAFT,
        )
    assert Application.objects.filter(created_by=resident).count() == 20
    assert _count_queries(client) == with_two
    assert BudgetLine.objects.count() == 40


def test_a_request_in_any_status_costs_no_query_of_its_own(world, resident):
    """The list reads only some columns of a request (`HOLDER_LIST_COLUMNS`): the card and next step of every
    status, PIC and CVS, must find what they show there, or each card would cost a query."""
    client = client_of(resident)
    f.ApplicationFactory(fund=world.fund, created_by=resident, status=Status.GRANTED, filed=True)  # a bilan owed
    with_one = _count_queries(client)
    cvs_fund = f.FundFactory(association=world.fund.association, scheme="cvs")
    for status in Status:
        for fund in (world.fund, cvs_fund):
            f.ApplicationFactory(fund=fund, created_by=resident, status=status, filed=status != Status.DRAFT)
    assert _count_queries(client) == with_one


def test_my_applications_shows_twenty_requests_per_page_newest_first(world, resident):
    for number in range(1, 24):
        f.ApplicationFactory(fund=world.fund, created_by=resident, title=f"Projet numéro {number:02d}")
    client = client_of(resident)
    first = client.get(reverse("portal:my_applications")).content.decode()
    assert "Projet numéro 23" in first and "Projet numéro 04" in first
    assert "Projet numéro 03" not in first
    assert "23 demandes, les plus récentes d'abord — page 1 sur 2." in first
    assert 'aria-label="Pages de mes demandes"' in first
    second = client.get(reverse("portal:my_applications"), {"page": "2"}).content.decode()
    assert "Projet numéro 03" in second and "Projet numéro 01" in second
    assert "Projet numéro 04" not in second
    # Any page number a user may type gives a page, never an error.
    assert client.get(reverse("portal:my_applications"), {"page": "abc"}).status_code == 200
    assert "Projet numéro 01" in client.get(reverse("portal:my_applications"), {"page": "99"}).content.decode()


def test_a_date_without_its_time_is_refused(draft, resident, world):
    before = draft.starts_at
    response = client_of(resident).post(
        step_url(draft, "when_where"),
        {
            "start_date": "2025-06-14",
            "start_time": "",
            "end_date": "2025-06-14",
            "end_time": "18:00",
            "place": "Square",
            "neighbourhood": world.neighbourhood.pk,
            "action": "next",
        },
    )
    assert_shows(response, "Indiquez aussi l'heure, par exemple 14:30.")
    draft.refresh_from_db()
    assert draft.starts_at == before


def test_leaving_an_untouched_budget_saves_nothing_and_refuses_nothing(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, amount_requested=None, budget=False)
    response = client_of(resident).post(
        step_url(application, "budget"),
        budget_data(expenses=[("60", "", "")], resources=[("70", "", "")], action="quit"),
    )
    assert response.url == reverse("portal:my_applications")
    application.refresh_from_db()
    assert application.amount_requested is None and not application.budget_lines.exists()


def test_without_javascript_more_budget_lines_come_after_saving(draft, resident):
    client = client_of(resident)
    page = client.get(step_url(draft, "budget")).content.decode()
    assert 'name="expense-TOTAL_FORMS" value="3"' in page  # 1 saved line + 2 blank ones
    response = client.post(
        step_url(draft, "budget"),
        budget_data(
            expenses=[("60", "Goûter", "200"), ("61", "Location", "100")],
            resources=[("70", "Buvette", "50")],
            amount_requested="250",
            action="stay",
        ),
    )
    assert response.url == step_url(draft, "budget")
    page = client.get(step_url(draft, "budget")).content.decode()
    assert 'name="expense-TOTAL_FORMS" value="4"' in page
    assert 'value="Location"' in page


def test_a_cvs_fund_asks_for_one_of_its_ambitions(world, resident):
    from funds.models import CvsAmbition, CvsStake

    stake = CvsStake.objects.create(number=1, title="Cohésion sociale")
    chosen = CvsAmbition.objects.create(stake=stake, position=1, text="Favoriser le lien social")
    CvsAmbition.objects.create(stake=stake, position=2, text="Ambition d'un autre fonds")
    cvs = f.FundFactory(
        association=world.hommelet,
        slug="cvs-2025",
        scheme="cvs",
        themes=world.themes,
        neighbourhoods=[world.neighbourhood],
    )
    cvs.ambitions.set([chosen])
    application = f.ApplicationFactory(fund=cvs, created_by=resident)
    client = client_of(resident)
    page = client.get(step_url(application, "project")).content.decode()
    assert "Favoriser le lien social" in page and "Ambition d&#x27;un autre fonds" not in page
    pic_page = client.get(step_url(f.ApplicationFactory(fund=world.fund, created_by=resident), "project"))
    assert 'name="ambition"' not in pic_page.content.decode()
    response = client.post(
        step_url(application, "project"),
        {
            "title": "Atelier",
            "theme": world.themes[0].pk,
            "ambition": chosen.pk,
            "objectives": "o",
            "description": "d",
            "action": "next",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.ambition == chosen
