"""Committee dates are visible: the open calls and the request form show the fund's next sessions and the last
day to file for each; a project starting before the first session the request can still reach is warned about,
with whom to call, before submission."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import selectors
from applications.models import Application
from committees.models import CommitteeSession
from funds import calendar
from tests import factories as f
from tests.request_fixtures import NOW, client_of, in_march_2025, private_media, step_url  # noqa: F401  (fixtures)


@pytest.fixture
def sessions(world):
    """Hommelet's fund files 15 days before: 20/03 (last day 05/03, passed on 10/03), 24/04 (09/04), 22/05 (07/05)."""
    return [
        f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 3, 20)),
        f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 4, 24)),
        f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 5, 22)),
    ]


def test_a_closed_or_past_session_is_not_listed_and_the_first_reachable_one_is_found(world, sessions):
    f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 2, 20))
    closed = f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 6, 19))
    CommitteeSession.objects.filter(pk=closed.pk).update(status="closed", opened_at=NOW, closed_at=NOW)
    fund_calendar = calendar.calendars(fund_ids=[world.fund.pk, world.other_fund.pk], today=NOW.date())
    dates = [s.date for s in fund_calendar[world.fund.pk].sessions]
    assert dates == [datetime.date(2025, 3, 20), datetime.date(2025, 4, 24), datetime.date(2025, 5, 22)]
    first = fund_calendar[world.fund.pk].first_reachable
    assert (first.date, first.last_filing_day) == (datetime.date(2025, 4, 24), datetime.date(2025, 4, 9))
    assert fund_calendar[world.other_fund.pk].sessions == []
    assert fund_calendar[world.other_fund.pk].first_reachable is None


def test_the_open_calls_show_the_next_sessions_and_their_last_filing_day(client, world, sessions):
    html = client.get(reverse("funds:open_calls")).content.decode()
    assert "Prochains comités d'attribution" in html
    assert "Comité du jeudi 24/04/2025 : déposez votre demande au plus tard le <strong>09/04/2025</strong>." in html
    assert "Comité du jeudi 22/05/2025" in html
    assert "trop tard pour ce comité (dépôt jusqu'au 05/03/2025)" in html
    # The other fund has no session yet: whom to ask.
    assert "Aucune date de comité n'est encore fixée" in html
    assert world.lille_sud.contact_email in html


def test_the_open_calls_cost_the_same_with_more_funds_and_sessions(client, world, sessions):
    def count() -> int:
        from django.core.cache import caches

        caches["pages"].clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("funds:open_calls")).status_code == 200
        return len(queries)

    before = count()
    for day in (12, 13, 14):
        f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 7, day))
    other_committee = f.CommitteeFactory(fund=world.other_fund)
    f.CommitteeSessionFactory(committee=other_committee, date=datetime.date(2025, 9, 1))
    f.FundFactory(name="PIC Épeule 2025", slug="pic-epeule-2025")
    assert count() == before


def test_a_new_session_shows_at_once_on_the_cached_open_calls(client, world):
    assert "24/04/2025" not in client.get(reverse("funds:open_calls")).content.decode()
    f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 4, 24))
    assert "24/04/2025" in client.get(reverse("funds:open_calls")).content.decode()


@pytest.fixture
def draft(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    f.AttachmentFactory(application=application)  # the RIB: the summary offers the submit button
    return application


def test_the_first_step_and_the_summary_show_the_next_sessions(world, resident, draft, sessions):
    client = client_of(resident)
    for step in ("holder", "summary"):
        html = client.get(step_url(draft, step)).content.decode()
        assert "Comité du jeudi 24/04/2025 : déposez votre demande au plus tard le <strong>09/04/2025</strong>." in html
    # A step that has nothing to do with dates does not repeat them.
    assert "Prochains comités" not in client.get(step_url(draft, "people")).content.decode()


def _dates(world, day: str, **extra) -> dict:
    return {
        "start_date": day,
        "start_time": "14:00",
        "end_date": day,
        "end_time": "18:00",
        "place": "Square de la Paix",
        "neighbourhood": world.neighbourhood.pk,
        "action": "next",
        **extra,
    }


def test_a_project_before_the_first_reachable_session_is_warned_on_the_dates_step_with_whom_to_call(
    world, resident, draft, sessions
):
    world.hommelet.contact_phone = "03 20 00 00 00"
    world.hommelet.save()
    client = client_of(resident)
    # The dates step carries the warning, hidden until a start date before 24/04/2025 is typed (committee_date.js).
    html = client.get(step_url(draft, "when_where")).content.decode()
    assert 'data-first-committee="2025-04-24"' in html
    assert 'id="date-avant-comite" hidden' in html
    assert html.index('id="id_start_date"') < html.index("date-avant-comite") < html.index('id="id_end_date"')
    assert "js/committee_date.js" in html

    response = client.post(step_url(draft, "when_where"), _dates(world, "2025-04-12"), follow=True)
    # Saved, and said at once on the next page (without JavaScript too), with whom to call.
    assert response.redirect_chain[-1][0] == step_url(draft, "people")
    draft.refresh_from_db()
    assert draft.starts_at.date() == datetime.date(2025, 4, 12)
    assert (
        "Attention : votre projet commence le 12/04/2025, avant le comité du 24/04/2025, le premier que votre "
        "demande peut encore atteindre (dépôt au plus tard le 09/04/2025). Avant de déposer, appelez ou écrivez à "
        "Centre social de l&#x27;Hommelet (03 20 00 00 00, " + world.hommelet.contact_email + ")"
    ) in response.content.decode()

    # Back on the dates step, the warning shows.
    html = client.get(step_url(draft, "when_where")).content.decode()
    assert "Attention : votre projet commence avant le comité" in html
    assert 'id="date-avant-comite" hidden' not in html
    assert (
        "Votre projet commence le <span data-project-start>12/04/2025</span>. Déposée aujourd'hui, votre demande "
        "passera au plus tôt au comité du 24/04/2025 (dépôt au plus tard le 09/04/2025)"
    ) in html
    assert 'href="tel:0320000000"' in html
    assert world.hommelet.contact_email in html

    # Saving the same date again says nothing more.
    again = client.post(step_url(draft, "when_where"), _dates(world, "2025-04-12", version=draft.version), follow=True)
    assert "Attention : votre projet commence le" not in again.content.decode()

    # The summary says it too, before the submit button, with a link back to the dates.
    summary = client.get(step_url(draft, "summary")).content.decode()
    assert "Attention : votre projet commence avant le comité" in summary
    assert summary.index("date-avant-comite") < summary.index("Déposer ma demande")
    assert step_url(draft, "when_where") in summary

    # A date after the committee: no warning any more.
    later = client.post(step_url(draft, "when_where"), _dates(world, "2025-05-02", version=draft.version + 1))
    assert later.status_code == 302
    assert "Attention : votre projet commence avant" not in client.get(step_url(draft, "summary")).content.decode()


def test_a_project_after_the_first_reachable_session_is_not_warned(world, resident, draft, sessions):
    # The factory's project is on 14/06/2025, after the 24/04 session.
    html = client_of(resident).get(step_url(draft, "summary")).content.decode()
    assert "Attention : votre projet commence avant le comité" not in html
    assert selectors.committee_dates(application=draft, today=NOW.date())["starts_too_early"] is False
    Application.objects.filter(pk=draft.pk).update(starts_at=datetime.datetime(2025, 4, 23, 10, tzinfo=datetime.UTC))
    draft.refresh_from_db()
    assert selectors.committee_dates(application=draft, today=NOW.date())["starts_too_early"] is True


def test_the_form_steps_read_the_sessions_in_one_query(world, resident, draft, sessions, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = selectors.committee_dates(application=draft, today=NOW.date())
    assert len(found["committee_calendar"].rows()) == 3
