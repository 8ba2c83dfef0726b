"""Late bilans (issue 17): each row of the staff's list links to the request, shows the holder's contact and has a
"Relancer" button: one e-mail through the outbox, recorded (audit, "Relancé le …"), never twice within 24 hours."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from core.models import AuditEntry
from reports import services
from reports.models import BilanReminder
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")
# The project ended on 14/06/2025 and the fund gives 30 days: due 14/07/2025, late on 01/09/2025.
LATE_DAY = datetime.datetime(2025, 9, 1, 10, 0, tzinfo=PARIS)


@pytest.fixture
def late(world, resident):
    holder = f.HolderFactory(owner=resident, name="Les jardiniers du square", referent_phone="06 12 34 56 78")
    return f.GrantedApplicationFactory(fund=world.fund, created_by=resident, holder=holder, title="Jardin partagé")


def remind(client, application, **data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("reports:remind_holder", args=[application.pk]), data)


def test_the_late_list_links_to_the_request_and_shows_the_holder_contact(client, staff, late):
    client.force_login(staff)
    with time_machine.travel(LATE_DAY, tick=False):
        html = client.get(reverse("reports:staff_bilans")).content.decode()
    assert f'href="{reverse("staff:application", args=[late.pk])}"' in html
    assert 'href="mailto:amina.resident@example.org"' in html
    assert 'href="tel:0612345678"' in html and "06 12 34 56 78" in html
    assert f'action="{reverse("reports:remind_holder", args=[late.pk])}"' in html
    assert "Relancé le" not in html


def test_relancer_sends_one_email_records_it_and_shows_it_on_the_row(client, staff, late, resident):
    client.force_login(staff)
    with time_machine.travel(LATE_DAY, tick=False):
        response = remind(client, late, retour="etat=overdue")
        assert response.status_code == 302
        assert response.url == reverse("reports:staff_bilans") + f"?etat=overdue#bilan-{late.pk}"
        page = client.get(response.url).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [resident.email]
    assert "votre bilan est en retard" in message.subject
    assert "attendu le 14/07/2025, il y a 49 jours" in message.body
    reminder = BilanReminder.objects.get(application=late)
    assert (reminder.kind, reminder.sent_by, reminder.recipient) == ("manual", staff, resident.email)
    entry = AuditEntry.objects.get(action="bilan.manual_reminder")
    assert entry.actor == staff and str(late.pk) == entry.target_id
    assert "Le porteur de la demande" in page and "est relancé par e-mail" in page
    assert "Relancé le 01/09/2025" in page


def test_no_second_reminder_within_24_hours_but_one_the_next_day(client, staff, late):
    client.force_login(staff)
    with time_machine.travel(LATE_DAY, tick=False):
        remind(client, late)
    with time_machine.travel(LATE_DAY + datetime.timedelta(hours=23), tick=False):
        response = remind(client, late)
        page = client.get(response.url).content.decode()
    assert len(mail.outbox) == 1
    assert "a déjà été relancé le 01/09/2025 à 10:00" in page
    assert "attendez 24 heures" in page
    with time_machine.travel(LATE_DAY + datetime.timedelta(hours=25), tick=False):
        remind(client, late)
    assert len(mail.outbox) == 2
    assert BilanReminder.objects.filter(application=late, kind="manual").count() == 2


def test_a_scheduled_reminder_of_the_same_morning_counts_too(staff, late):
    BilanReminder.objects.create(
        application=late,
        kind="after_30",
        due_date=datetime.date(2025, 7, 14),
        recipient="x@example.org",
        sent_at=LATE_DAY - datetime.timedelta(hours=3),
    )
    with time_machine.travel(LATE_DAY, tick=False), pytest.raises(ValidationError, match="déjà été relancé"):
        services.remind_holder(user=staff, application=late, today=LATE_DAY.date())


def test_a_filed_bilan_is_not_chased(staff, late):
    late.status = "bilan_received"
    late.save()
    with pytest.raises(ValidationError, match="n'est plus attendu"):
        services.remind_holder(user=staff, application=late, today=LATE_DAY.date())
    assert not BilanReminder.objects.exists()


def test_other_association_staff_and_the_resident_cannot_chase(client, other_staff, resident, late):
    for user in (other_staff, resident):
        client.force_login(user)
        assert remind(client, late).status_code == 404
    with pytest.raises(PermissionDenied):
        services.remind_holder(user=other_staff, application=late, today=LATE_DAY.date())
    assert not mail.outbox and not BilanReminder.objects.exists()


def test_staff_linked_to_the_holder_cannot_chase(client, world, late):
    linked = f.UserFactory()
    f.AssociationStaffFactory(user=linked, association=world.hommelet)
    f.HolderFactory(owner=linked, name=late.holder.name)  # same group: a declared link (issue 14)
    client.force_login(linked)
    assert remind(client, late).status_code == 404
    assert not mail.outbox


def test_the_late_list_costs_the_same_with_and_without_reminders(client, staff, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    apps = [f.GrantedApplicationFactory(fund=world.fund) for _ in range(3)]

    def count() -> int:
        with time_machine.travel(LATE_DAY, tick=False), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:staff_bilans")).status_code == 200
        return len(queries)

    count()  # the menu reads the user's roles once per day (cached): a first page of the travelled day warms it
    before = count()
    for application in apps:
        BilanReminder.objects.create(
            application=application, kind="manual", due_date=datetime.date(2025, 7, 14), recipient="x@example.org"
        )
    more = [f.GrantedApplicationFactory(fund=world.fund) for _ in range(5)]
    assert more and count() == before


@pytest.fixture
def late_on_behalf(world, staff):
    """A late bilan of a request staff filed for a holder without an account (not taken over yet)."""
    holder = f.HolderFactory(
        owner=staff,
        entered_by_staff=True,
        name="Les voisines de la rue Watteau",
        referent_name="Samia Papier",
        referent_phone="06 11 22 33 44",
    )
    return f.GrantedApplicationFactory(
        fund=world.fund,
        created_by=staff,
        filed_on_behalf_by=staff,
        holder_email="samia.papier@example.org",
        holder=holder,
        title="Goûter de la rue Watteau",
    )


def test_a_request_held_for_its_holder_is_not_chased_by_email_and_staff_are_told_what_to_do(
    client, staff, late_on_behalf
):
    """ "Relancer" would e-mail the staff member who filed the request (its `created_by`) a link the holder cannot
    open: nothing is sent, the row offers the request's page instead and the refusal says how to reach the holder."""
    client.force_login(staff)
    with time_machine.travel(LATE_DAY, tick=False):
        html = client.get(reverse("reports:staff_bilans")).content.decode()
        response = remind(client, late_on_behalf, retour="etat=overdue")
        page = client.get(response.url).content.decode()
    row = html.split(f'id="bilan-{late_on_behalf.pk}"')[1].split("</tr>")[0]
    assert f'action="{reverse("reports:remind_holder", args=[late_on_behalf.pk])}"' not in row
    assert f'href="{reverse("staff:application", args=[late_on_behalf.pk])}#pour-le-compte"' in row
    assert 'href="mailto:samia.papier@example.org"' in row and f"mailto:{staff.email}" not in row
    assert "Suivie par l'équipe pour le porteur (sans compte)" in row
    assert mail.outbox == []
    assert not BilanReminder.objects.filter(application=late_on_behalf).exists()
    assert "suivie par l&#x27;équipe pour le porteur, qui n&#x27;a pas de compte" in page
    assert "appelez Samia Papier au 06 11 22 33 44" in page


def test_once_taken_over_the_holder_is_chased_by_email(client, staff, late_on_behalf, other_resident):
    late_on_behalf.created_by = other_resident
    late_on_behalf.taken_over_at = LATE_DAY - datetime.timedelta(days=3)
    late_on_behalf.save()
    client.force_login(staff)
    with time_machine.travel(LATE_DAY, tick=False):
        remind(client, late_on_behalf)
    assert [m.to for m in mail.outbox] == [[other_resident.email]]
