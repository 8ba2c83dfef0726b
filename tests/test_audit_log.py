"""The audit log: role changes recorded by signals, with their actor; append-only; the administrators' page."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from committees.models import CommitteeMember
from core.middleware import CurrentUserMiddleware, acting_as, current_user
from core.models import AuditEntry
from core.services import record_audit
from funds.models import AssociationStaff, FunderStaff
from tests import factories as f


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


# --- Role changes -------------------------------------------------------------------------------------


def test_association_staff_added_and_removed_are_recorded(world, resident):
    link = AssociationStaff.objects.create(association=world.hommelet, user=resident)
    added = entries("roles.association_staff_added").get()
    assert (added.target_type, added.target_id) == ("funds.associationstaff", str(link.pk))
    assert added.actor is None  # no request, no explicit actor: a command
    assert added.data == {
        "user": resident.pk,
        "email": resident.email,
        "association": world.hommelet.pk,
        "association_name": "Centre social de l'Hommelet",
    }
    assert added.summary == "amina.resident@example.org — Centre social de l'Hommelet"

    link_pk = link.pk
    link.delete()
    removed = entries("roles.association_staff_removed").get()
    assert removed.target_id == str(link_pk)
    assert removed.data["email"] == resident.email


def test_funder_staff_added_and_removed_are_recorded(world, resident, admin_user):
    with acting_as(admin_user):
        link = FunderStaff.objects.create(funder=world.region, user=resident)
        link.delete()
    added = entries("roles.funder_staff_added").get()
    removed = entries("roles.funder_staff_removed").get()
    assert added.actor == admin_user
    assert removed.actor == admin_user
    assert added.data["funder_name"] == "Région Hauts-de-France"
    assert removed.data["user"] == resident.pk


def test_committee_seats_and_their_account_are_recorded(world, resident, other_resident):
    member = CommitteeMember.objects.create(
        committee=world.committee,
        user=resident,
        full_name="Amina Habitante",
        college=CommitteeMember.College.RESIDENT,
        mandate_start=datetime.date(2025, 1, 1),
    )
    added = entries("roles.committee_member_added").get()
    assert added.data["user"] == resident.pk
    assert added.data["committee"] == world.committee.pk

    member.full_name = "Amina H."
    member.save()
    assert not entries("roles.committee_member_account_changed").exists()  # not a change of rights

    member.user = other_resident
    member.save()
    changed = entries("roles.committee_member_account_changed").get()
    assert (changed.data["previous_user"], changed.data["user"]) == (resident.pk, other_resident.pk)
    assert changed.data["previous_email"] == resident.email

    member.delete()
    assert entries("roles.committee_member_removed").get().data["full_name"] == "Amina H."


def test_a_user_deleted_takes_their_roles_with_them_on_record(world, resident):
    f.AssociationStaffFactory(association=world.hommelet, user=resident)
    f.FunderStaffFactory(funder=world.region, user=resident)
    resident.delete()
    assert entries("roles.association_staff_removed").count() == 1
    assert entries("roles.funder_staff_removed").count() == 1


@pytest.mark.parametrize(("flag", "name"), [("is_superuser", "superuser"), ("is_staff", "staff")])
def test_administrator_flags_granted_and_revoked(resident, admin_user, flag, name):
    with acting_as(admin_user):
        setattr(resident, flag, True)
        resident.save()
        resident.save()  # unchanged: nothing more
        setattr(resident, flag, False)
        resident.save()
    granted = entries(f"roles.{name}_granted").get(target_id=str(resident.pk))
    revoked = entries(f"roles.{name}_revoked").get(target_id=str(resident.pk))
    assert granted.actor == admin_user
    assert (granted.target_type, granted.target_id) == ("accounts.user", str(resident.pk))
    assert granted.data == {"user": resident.pk, "email": resident.email, "flag": flag, "before": False, "after": True}
    assert revoked.data["after"] is False


def test_creating_an_administrator_is_recorded_and_a_last_login_is_not(db):
    user = f.UserFactory(email="nouvel.admin@example.org", is_superuser=True, is_staff=True)
    assert entries("roles.superuser_granted").filter(target_id=str(user.pk)).count() == 1
    assert entries("roles.staff_granted").filter(target_id=str(user.pk)).count() == 1
    before = AuditEntry.objects.count()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert AuditEntry.objects.count() == before


def test_the_request_user_is_the_actor(world, resident, admin_user):
    def view(request):
        AssociationStaff.objects.create(association=world.hommelet, user=resident)
        return None

    request = RequestFactory().post("/quelque-part/")
    request.user = admin_user
    CurrentUserMiddleware(view)(request)

    assert entries("roles.association_staff_added").get().actor == admin_user
    assert current_user() is None  # forgotten once the request is over


def test_changing_rights_in_the_admin_records_the_administrator(client, admin_user, resident):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[resident.pk])
    assert client.get(url).status_code == 200
    joined = timezone.localtime(resident.date_joined)
    response = client.post(
        url,
        {
            "email": resident.email,
            "first_name": resident.first_name,
            "last_name": resident.last_name,
            "phone": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": joined.strftime("%d/%m/%Y"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    resident.refresh_from_db()
    assert resident.is_superuser
    assert entries("roles.superuser_granted").get(target_id=str(resident.pk)).actor == admin_user
    assert entries("roles.staff_granted").get(target_id=str(resident.pk)).actor == admin_user


def test_a_fixture_load_writes_no_entry(world, resident, tmp_path):
    from django.core.management import call_command

    link = f.AssociationStaffFactory(association=world.hommelet, user=resident)
    fixture = tmp_path / "staff.json"
    call_command("dumpdata", "funds.associationstaff", output=str(fixture), verbosity=0)
    AssociationStaff.objects.filter(pk=link.pk).delete()
    before = AuditEntry.objects.count()
    call_command("loaddata", str(fixture), verbosity=0)
    assert AssociationStaff.objects.filter(pk=link.pk).exists()
    assert AuditEntry.objects.count() == before


# --- The log is append-only ---------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_nor_deleted(resident):
    entry = record_audit(actor=resident, action="test.action", target=resident, summary="avant")
    entry.summary = "après"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.summary == "avant"


def test_the_admin_shows_entries_read_only(client, admin_user, resident):
    entry = record_audit(actor=resident, action="test.action", target=resident, summary="avant")
    client.force_login(admin_user)
    change_url = reverse("admin:core_auditentry_change", args=[entry.pk])

    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"summary": "après", "action": "autre"}).status_code == 403
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    changelist = client.post(
        reverse("admin:core_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert changelist.status_code in {200, 302}
    entry.refresh_from_db()
    assert (entry.summary, entry.action) == ("avant", "test.action")


# --- The page -----------------------------------------------------------------------------------------

URL = "/administration/journal/"


def test_the_page_url():
    assert reverse("portal:audit_log") == URL


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["resident", "staff", "region_staff", "committee_member"])
def test_everyone_but_the_administrator_gets_404(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404


def test_a_django_staff_flag_is_not_enough(client, db):
    client.force_login(f.UserFactory(is_staff=True))
    assert client.get(URL).status_code == 404


def test_the_administrator_reads_the_log_in_french(client, admin_user, world, resident):
    f.AssociationStaffFactory(association=world.hommelet, user=resident)
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Journal d&#x27;audit" in html or "Journal d'audit" in html
    assert "roles.association_staff_added" in html
    assert "amina.resident@example.org — Centre social de l&#x27;Hommelet" in html
    assert "système" in html
    assert client.post(URL).status_code == 405


def _rows(response) -> list[str]:
    return [entry.action for entry in response.context["page"].object_list]


def test_filters_by_action_object_type_actor_and_dates(client, admin_user, resident, other_resident):
    day1 = timezone.make_aware(datetime.datetime(2025, 3, 1, 10, 0))
    day2 = timezone.make_aware(datetime.datetime(2025, 3, 15, 10, 0))
    with time_machine.travel(day1, tick=False):
        record_audit(actor=resident, action="test.first", target=resident)
    with time_machine.travel(day2, tick=False):
        record_audit(actor=other_resident, action="test.second", target=other_resident)
        record_audit(actor=None, action="test.system", target=admin_user)
    client.force_login(admin_user)

    assert _rows(client.get(URL, {"action": "test.first"})) == ["test.first"]
    assert _rows(client.get(URL, {"actor": "BRUNO"})) == ["test.second"]
    assert "test.system" in _rows(client.get(URL, {"actor": "système"}))
    assert "test.first" not in _rows(client.get(URL, {"actor": "système"}))
    assert _rows(client.get(URL, {"date_from": "2025-03-01", "date_to": "2025-03-01"})) == ["test.first"]
    assert _rows(client.get(URL, {"date_from": "2025-03-10", "date_to": "2025-03-20"})) == [
        "test.system",
        "test.second",
    ]
    assert set(_rows(client.get(URL, {"target_type": "accounts.user", "date_to": "2025-03-31"}))) == {
        "test.first",
        "test.second",
        "test.system",
    }
    # An unknown action or reversed dates: the form says so, and lists nothing.
    bad = client.get(URL, {"date_from": "2025-03-20", "date_to": "2025-03-10"})
    assert _rows(bad) == []
    assert "La date de fin doit suivre la date de début." in bad.content.decode()


def test_pagination_keeps_the_filters(client, admin_user, resident):
    for number in range(60):
        record_audit(actor=resident, action="test.many", target=resident, summary=f"n° {number}")
    client.force_login(admin_user)

    first = client.get(URL, {"action": "test.many"})
    assert len(_rows(first)) == 50
    assert first.context["total"] == 60
    assert "?action=test.many&amp;page=2" in first.content.decode()
    second = client.get(URL, {"action": "test.many", "page": 2})
    assert len(_rows(second)) == 10
    assert second.context["page"].object_list[-1].summary == "n° 0"  # oldest last
