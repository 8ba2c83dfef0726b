"""Issue 16: bilan dates outside the fund's year, or more than 6 months from the planned dates, ask to confirm.

Saving the section still works (a draft); filing needs the confirmation. The threshold is
`reports.selectors.FAR_FROM_PLANNED_DAYS` (183 days, "more than 6 months").
"""

import datetime

import pytest
from django.urls import reverse

from reports import selectors, services
from reports.models import Bilan
from tests.bilan_fixtures import action_answers, application_fixture, fill_for_submission  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _warnings(application, start, end):
    return selectors.bilan_date_warnings(
        held_from=datetime.datetime(*start, 10, tzinfo=UTC),
        held_until=datetime.datetime(*end, 18, tzinfo=UTC),
        application=application,
    )


def test_dates_near_the_planned_ones_in_the_funds_year_raise_no_warning(application):
    assert selectors.FAR_FROM_PLANNED_DAYS == 183
    assert _warnings(application, (2025, 6, 14), (2025, 6, 14)) == []
    assert _warnings(application, (2025, 9, 1), (2025, 12, 14)) == []  # 183 days after: still fine


def test_dates_far_from_the_planned_ones_or_outside_the_year_are_warned(application):
    [far] = _warnings(application, (2025, 6, 14), (2025, 12, 15))  # 184 days after the planned end
    assert "plus de 6 mois" in far and "14/06/2025" in far
    [other_year] = _warnings(application, (2024, 12, 20), (2025, 6, 14))  # 176 days before, in 2024
    assert "ne sont pas en 2025" in other_year
    assert len(_warnings(application, (2024, 6, 14), (2024, 6, 14))) == 2


def _post_action(client, application, held_from, held_until, **extra):
    return client.post(
        reverse("reports:bilan_section", kwargs={"pk": application.pk, "section": "action"}),
        action_answers(held_from, held_until, **extra),
    )


def test_odd_dates_are_saved_then_confirmed_before_filing(client, application, resident):
    bilan = fill_for_submission(services.start_bilan(user=resident, application=application), resident)
    client.force_login(resident)
    action_url = reverse("reports:bilan_section", kwargs={"pk": application.pk, "section": "action"})
    # Saving the draft works, and keeps the holder on the section with the warning and its checkbox.
    response = _post_action(client, application, "2024-06-14T10:00", "2024-06-14T18:00")
    assert response.status_code == 302 and response["Location"] == action_url
    bilan.refresh_from_db()
    assert bilan.held_from.year == 2024 and not bilan.dates_confirmed
    page = client.get(action_url).content.decode()
    assert "Vérifiez ces dates" in page and "Je confirme ces dates" in page and "ne sont pas en 2025" in page
    # Filing is refused until the dates are confirmed, and says where to do it.
    errors = services.pic_submission_errors(bilan=bilan)
    assert "Je confirme ces dates" in errors["dates_confirmed"][0]
    summary = client.get(reverse("reports:bilan_section", kwargs={"pk": application.pk, "section": "envoi"}))
    assert "Je confirme ces dates" in summary.content.decode()
    # Confirmed: saved, leads on, and the bilan can be filed.
    response = _post_action(client, application, "2024-06-14T10:00", "2024-06-14T18:00", dates_confirmed="on")
    assert response["Location"].endswith("/appreciation/")
    bilan.refresh_from_db()
    assert bilan.dates_confirmed and "dates_confirmed" not in services.pic_submission_errors(bilan=bilan)
    services.submit_bilan(user=resident, bilan=Bilan.objects.get(pk=bilan.pk))


def test_new_dates_need_a_new_confirmation(client, application, resident):
    bilan = services.start_bilan(user=resident, application=application)
    client.force_login(resident)
    _post_action(client, application, "2024-06-14T10:00", "2024-06-14T18:00", dates_confirmed="on")
    bilan.refresh_from_db()
    assert not bilan.dates_confirmed  # the checkbox was not shown for the dates saved before: ignored
    _post_action(client, application, "2024-06-14T10:00", "2024-06-14T18:00", dates_confirmed="on")
    bilan.refresh_from_db()
    assert bilan.dates_confirmed
    _post_action(client, application, "2024-05-14T10:00", "2024-05-14T18:00", dates_confirmed="on")
    bilan.refresh_from_db()
    assert bilan.dates_confirmed  # the checkbox was on the page: confirmed again for the new dates
    services.save_bilan(user=resident, bilan=bilan, data={"held_from": datetime.datetime(2024, 4, 1, tzinfo=UTC)})
    bilan.refresh_from_db()
    assert not bilan.dates_confirmed


def test_ordinary_dates_show_no_checkbox(client, application, resident):
    services.start_bilan(user=resident, application=application)
    client.force_login(resident)
    response = _post_action(client, application, "2025-06-14T10:00", "2025-06-14T18:00")
    assert response["Location"].endswith("/appreciation/")
    page = client.get(reverse("reports:bilan_section", kwargs={"pk": application.pk, "section": "action"}))
    assert "Je confirme ces dates" not in page.content.decode()
