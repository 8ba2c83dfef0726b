"""Issue 16: the "À faire" block opening the holder's space, and the bilan due date it shows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import MessageRead
from applications.rules import bilan_due_on
from applications.workflow import Status
from committees.models import Decision
from reports import selectors as report_selectors
from reports.models import BilanStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def _todo_section(response) -> str:
    html = response.content.decode()
    if 'id="a-faire"' not in html:
        return ""
    start = html.index('id="a-faire"')
    return html[start : html.index("</section>", start)]


def _granted(world, resident, **kwargs):
    return f.GrantedApplicationFactory(fund=world.fund, created_by=resident, **kwargs)


# --- The due date ---------------------------------------------------------------------------------------


def test_the_due_date_counts_from_the_later_of_the_project_end_and_the_decision():
    end, decided = datetime.date(2025, 6, 14), datetime.date(2025, 9, 10)
    assert bilan_due_on(project_end=end, decided_on=decided, due_days=30) == datetime.date(2025, 10, 10)
    assert bilan_due_on(project_end=decided, decided_on=end, due_days=30) == datetime.date(2025, 10, 10)
    assert bilan_due_on(project_end=end, decided_on=None, due_days=30) == datetime.date(2025, 7, 14)
    assert bilan_due_on(project_end=None, decided_on=None, due_days=30) is None


def test_a_bilan_is_never_late_on_the_day_the_grant_is_decided(world, resident, staff):
    """The project ended in June 2025; the committee grants it today: the bilan is not late anywhere."""
    today = timezone.localdate()
    application = _granted(world, resident, status=Status.GRANTED)
    f.record_decision(
        application=application,
        outcome=Decision.Outcome.GRANTED,
        amount="250",
        session_date=today,
        decided_by=staff,
    )
    due = today + datetime.timedelta(days=world.fund.bilan_due_days)
    assert report_selectors.bilan_due_date(application) == due
    [row] = report_selectors.bilans_for_holder(user=resident, today=today)
    assert (row.state, row.due_date) == ("upcoming", due)
    [staff_row] = report_selectors.bilans_for_staff(user=staff, today=today)
    assert (staff_row.state, staff_row.due_date) == ("upcoming", due)
    assert not report_selectors.holder_has_overdue_bilan(user=resident, today=today)
    assert report_selectors.reminders_to_send(today=today) == []
    [item] = report_selectors.holder_todo(user=resident, today=today)
    assert (item.kind, item.due_date) == ("bilan", due)


def test_a_bilan_granted_long_after_the_project_is_late_only_after_the_delay(world, resident, staff):
    application = _granted(world, resident)
    f.record_decision(
        application=application,
        outcome=Decision.Outcome.GRANTED,
        amount="250",
        session_date=datetime.date(2025, 9, 1),
        decided_by=staff,
    )
    delay = datetime.timedelta(days=world.fund.bilan_due_days)
    due = datetime.date(2025, 9, 1) + delay
    assert report_selectors.bilan_due_date(application) == due
    for today, state in ((due, "upcoming"), (due + datetime.timedelta(days=1), "overdue")):
        [staff_row] = report_selectors.bilans_for_staff(user=staff, today=today)
        assert staff_row.state == state
        [row] = report_selectors.bilans_for_holder(user=resident, today=today)
        assert row.state == state


# --- The block --------------------------------------------------------------------------------------------


def test_no_block_when_nothing_is_to_do(client, world, resident):
    f.ApplicationFactory(fund=world.fund, created_by=resident, filed=True)
    client.force_login(resident)
    for name in ("portal:my_applications", "portal:dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert _todo_section(response) == ""


def test_the_block_lists_completion_bilan_and_unread_message_with_their_buttons(client, world, resident, staff):
    completion = f.ApplicationFactory(
        fund=world.fund, created_by=resident, filed=True, status=Status.COMPLETION_REQUESTED, title="Repair café"
    )
    granted = _granted(world, resident, title="Fête des voisins")
    filed = f.ApplicationFactory(fund=world.fund, created_by=resident, filed=True, title="Club lecture")
    f.MessageFactory(application=filed, author=staff, body="Pouvez-vous préciser le lieu ?")
    f.MessageFactory(application=filed, body="Message du porteur lui-même : pas à lire.")
    client.force_login(resident)
    block = _todo_section(client.get(reverse("portal:my_applications")))
    assert "Complément demandé" in block and "Repair café" in block
    assert reverse("applications:application_step", args=[completion.pk, "holder"]) in block
    # Granted in June 2025 (factory dates): the bilan is late, with its due date.
    assert "Bilan en retard" in block and "14/07/2025" in block
    assert reverse("reports:bilan", args=[granted.pk]) in block and "Déposer mon bilan" in block
    assert "1 nouveau message" in block and "Club lecture" in block
    assert reverse("applications:application_detail", args=[filed.pk]) + "#messages" in block
    # The same block opens "Mon espace".
    assert "Bilan en retard" in _todo_section(client.get(reverse("portal:dashboard")))


def test_the_block_is_up_to_date_after_reading_the_message(client, world, resident, staff):
    """The holder's space is cached: reading the message (and a new one) moves its version."""
    filed = f.ApplicationFactory(fund=world.fund, created_by=resident, filed=True, title="Club lecture")
    f.MessageFactory(application=filed, author=staff, body="Pouvez-vous préciser le lieu ?")
    client.force_login(resident)
    url = reverse("portal:my_applications")
    assert "1 nouveau message" in _todo_section(client.get(url))
    assert client.get(reverse("applications:application_detail", args=[filed.pk])).status_code == 200
    assert MessageRead.objects.filter(application=filed, user=resident).exists()
    assert _todo_section(client.get(url)) == ""
    # Reading again writes nothing; a new message from the association shows at once.
    f.MessageFactory(application=filed, author=staff, body="Et l'horaire ?")
    assert "1 nouveau message" in _todo_section(client.get(url))


def test_staff_reading_the_request_does_not_mark_the_holders_messages_read(client, world, resident, staff):
    filed = f.ApplicationFactory(fund=world.fund, created_by=resident, filed=True)
    f.MessageFactory(application=filed, author=staff)
    client.force_login(staff)
    assert client.get(reverse("applications:application_detail", args=[filed.pk])).status_code == 200
    assert not MessageRead.objects.exists()
    [item] = report_selectors.holder_todo(user=resident, today=timezone.localdate())
    assert item.kind == "message"


def test_the_block_empties_once_the_bilan_is_filed(client, world, resident):
    granted = _granted(world, resident)
    client.force_login(resident)
    url = reverse("portal:my_applications")
    assert "Bilan en retard" in _todo_section(client.get(url))
    f.BilanFactory(application=granted, status=BilanStatus.SUBMITTED)
    granted.status = Status.BILAN_RECEIVED
    granted.save()
    assert _todo_section(client.get(url)) == ""


def test_a_returned_bilan_asks_for_a_correction(world, resident):
    granted = _granted(world, resident, status=Status.BILAN_DUE)
    f.BilanFactory(application=granted, status=BilanStatus.RETURNED)
    [item] = report_selectors.holder_todo(user=resident, today=timezone.localdate())
    assert item.kind == "bilan_returned"


def _one_request_of_each_kind(world, resident, staff, n: int) -> None:
    for _ in range(n):
        f.ApplicationFactory(fund=world.fund, created_by=resident, filed=True, status=Status.COMPLETION_REQUESTED)
        granted = _granted(world, resident)
        f.record_grant_for_bilan(application=granted, amount="250", decided_by=staff)
        f.MessageFactory(application=granted, author=staff)


@pytest.mark.parametrize("name", ["portal:my_applications", "portal:dashboard"])
def test_the_block_costs_the_same_queries_for_1_or_20_requests(client, world, resident, staff, name):
    client.force_login(resident)
    _one_request_of_each_kind(world, resident, staff, 1)
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse(name))
    assert _todo_section(response).count("<li") == 3
    _one_request_of_each_kind(world, resident, staff, 19)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(reverse(name))
    assert _todo_section(response).count("<li") == 60
    assert len(twenty) == len(one), [q["sql"] for q in twenty.captured_queries]


# --- Every page that names a next step carries its button -----------------------------------------------


@pytest.mark.parametrize(
    ("status", "label", "target"),
    [
        (Status.DRAFT, "Reprendre ma demande", "applications:application_step"),
        (Status.COMPLETION_REQUESTED, "Compléter ma demande", "applications:application_step"),
        (Status.REFUSED, "Lire le motif", "applications:application_detail"),
        (Status.INELIGIBLE, "Lire le motif", "applications:application_detail"),
        (Status.ON_AGENDA, "Demander la date du comité", "funds:fund_help"),
        (Status.GRANTED, "Déposer mon bilan", "reports:bilan"),
        (Status.ADVANCE_PAID, "Déposer mon bilan", "reports:bilan"),
        (Status.BILAN_DUE, "Déposer mon bilan", "reports:bilan"),
        (Status.BILAN_RECEIVED, "Voir mon bilan", "reports:bilan"),
    ],
)
def test_the_request_page_carries_the_button_of_its_next_step(client, world, resident, status, label, target):
    application = _granted(world, resident, status=status)
    client.force_login(resident)
    html = client.get(reverse("applications:application_detail", args=[application.pk])).content.decode()
    alert = html[html.index("Prochaine étape") : html.index("</div>", html.index("Prochaine étape"))]
    assert label in alert
    if target == "funds:fund_help":
        url = reverse(target, args=[world.fund.slug])
    elif target == "applications:application_step":
        # The step itself depends on where the draft was left: the request's steps' common prefix.
        url = reverse(target, args=[application.pk, "holder"]).rsplit("/", 2)[0]
    else:
        url = reverse(target, args=[application.pk])
    assert url in alert
    # The list of the holder's requests carries the same button.
    listing = client.get(reverse("portal:my_applications")).content.decode()
    assert label in listing


def test_a_filed_bilan_no_longer_says_a_deposer(client, world, resident):
    application = _granted(world, resident, status=Status.BILAN_RECEIVED)
    f.BilanFactory(application=application, status=BilanStatus.SUBMITTED)
    client.force_login(resident)
    page = client.get(reverse("reports:bilan", args=[application.pk])).content.decode()
    assert "à déposer" not in page and "vous n'avez plus rien à faire" in page
    mine = client.get(reverse("reports:my_bilans")).content.decode()
    assert "à déposer au plus tard" not in mine and "Déposer mon bilan" not in mine


def test_an_owed_bilan_page_leads_to_its_sections(client, world, resident):
    application = _granted(world, resident)
    f.BilanFactory(application=application)
    client.force_login(resident)
    page = client.get(reverse("reports:bilan", args=[application.pk])).content.decode()
    assert "à déposer au plus tard le 14/07/2025" in page
    assert reverse("reports:bilan_section", args=[application.pk, "envoi"]) in page
    assert "Relire et déposer mon bilan" in page
    mine = client.get(reverse("reports:my_bilans")).content.decode()
    assert "Déposer mon bilan" in mine
