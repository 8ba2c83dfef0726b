"""The inbox as a worklist (issue 17): instructor per request and "Mes dossiers", unread messages of holders, last
activity, and the bulk actions on a selection (assign, put on a session's agenda, export) — all or nothing."""

import datetime
import html
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from applications import services
from applications.models import Application
from applications.workflow import Status
from committees.models import AgendaItem
from core.models import AuditEntry
from tests import factories as f
from tests.committee_helpers import ON_TIME, eligible_application, make_board
from tests.staff_inbox.helpers import get_inbox, read_csv, read_xlsx

SELECTION = "staff:inbox_selection"


@pytest.fixture
def colleague(world):
    user = f.UserFactory(email="colleague.hommelet@example.org", first_name="Inès", last_name="Collègue")
    f.AssociationStaffFactory(user=user, association=world.hommelet)
    return user


def post_selection(client, ids, action, **data):
    return client.post(reverse(SELECTION), {"demandes": [str(pk) for pk in ids], "action": action, **data})


def page_after(client, response) -> str:
    """The page the action leads back to, its HTML entities decoded (messages quote French apostrophes)."""
    assert response.status_code == 302, response.status_code
    return html.unescape(client.get(response.url).content.decode())


# --- Instructor ------------------------------------------------------------------------------------------


def test_staff_assign_a_request_to_themselves_from_its_page_and_find_it_in_mes_dossiers(client, staff, requests_):
    party = requests_["party"]
    client.force_login(staff)
    page = client.get(reverse("staff:application", args=[party.pk])).content.decode()
    assert "Personne n'est encore désigné·e pour l'instruire." in page and "Me l'attribuer" in page

    response = client.post(reverse("staff:assign_instructor", args=[party.pk]), {"instructeur": staff.pk})
    assert response.url.endswith("#instructeur")
    page = client.get(response.url).content.decode()
    assert "Cette demande vous est attribuée" in page and "Attribuée à Claire Porteuse." in page
    party.refresh_from_db()
    assert party.instructor == staff
    assert AuditEntry.objects.filter(action="application.assign_instructor", actor=staff).count() == 1

    mine = get_inbox(client, mine="on")
    assert [a.reference for a in mine.context["page"].object_list] == ["PIC-2025-0001"]
    assert len(get_inbox(client).context["page"].object_list) == 4


def test_the_instructor_must_be_staff_of_the_request_association(client, staff, other_staff, requests_):
    party = requests_["party"]
    client.force_login(staff)
    response = client.post(reverse("staff:assign_instructor", args=[party.pk]), {"instructeur": other_staff.pk})
    assert "Choisissez une personne de l'équipe dans la liste." in page_after(client, response)
    with pytest.raises(ValidationError, match="ne fait pas partie de l'équipe"):
        services.assign_instructor(user=staff, applications=[party], instructor=other_staff)
    party.refresh_from_db()
    assert party.instructor is None


def test_a_colleague_linked_to_the_holder_cannot_be_given_the_request(staff, colleague, requests_):
    party = requests_["party"]
    f.HolderFactory(owner=colleague, name=party.holder.name)  # a declared link (issue 14)
    with pytest.raises(ValidationError, match="a un lien avec son porteur"):
        services.assign_instructor(user=staff, applications=[party], instructor=colleague)


def test_other_association_staff_cannot_assign(client, other_staff, staff, requests_):
    party = requests_["party"]
    client.force_login(other_staff)
    assert client.post(reverse("staff:assign_instructor", args=[party.pk]), {"instructeur": ""}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.assign_instructor(user=other_staff, applications=[party], instructor=None)


@pytest.mark.parametrize("persona", ["resident", "committee_member", "region_staff", "outsider"])
def test_non_staff_cannot_post_a_selection(client, request, persona, requests_):
    client.force_login(request.getfixturevalue(persona))
    assert post_selection(client, [requests_["party"].pk], "assign", instructeur="").status_code == 403
    assert (
        client.post(reverse("committees:agenda_selection"), {"demandes": [requests_["reading"].pk]}).status_code == 403
    )


# --- Bulk assign and export ------------------------------------------------------------------------------


def test_bulk_assign_gives_every_checked_request_to_the_colleague(client, staff, colleague, requests_):
    client.force_login(staff)
    picked = [requests_["party"], requests_["repair"], requests_["garden"]]
    response = post_selection(client, [a.pk for a in picked], "assign", instructeur=colleague.pk, retour="ordre=title")
    assert response.url == reverse("staff:inbox") + "?ordre=title"
    assert "3 demande(s) attribuée(s) à Inès Collègue." in page_after(client, response)
    assert set(Application.objects.filter(instructor=colleague).values_list("reference", flat=True)) == {
        "PIC-2025-0001",
        "PIC-2025-0002",
        "FPH-2024-0001",
    }


def test_bulk_assign_is_all_or_nothing(client, world, staff, colleague, requests_):
    linked = requests_["repair"]
    f.HolderFactory(owner=colleague, name=linked.holder.name)
    client.force_login(staff)
    response = post_selection(client, [requests_["party"].pk, linked.pk], "assign", instructeur=colleague.pk)
    page = page_after(client, response)
    assert "Aucune demande n'a été attribuée." in page
    assert "Demande PIC-2025-0002 : Inès Collègue a un lien avec son porteur" in page
    assert not Application.objects.filter(instructor__isnull=False).exists()


def test_a_selection_never_reaches_another_association_request(client, staff, requests_):
    client.force_login(staff)
    response = post_selection(client, [requests_["lille"].pk], "assign", instructeur=staff.pk)
    assert response.status_code == 302
    assert not Application.objects.filter(instructor__isnull=False).exists()


def test_empty_or_forged_selections_say_how_to_fix_them(client, staff, requests_):
    client.force_login(staff)
    assert "Cochez au moins une demande dans la liste" in page_after(client, post_selection(client, [], "assign"))
    forged = client.post(reverse(SELECTION), {"demandes": ["1; DROP", "99999999999"], "action": "csv"})
    assert "La sélection n'est pas valide" in page_after(client, forged)


def test_export_the_selection_in_csv_and_xlsx(client, staff, requests_):
    client.force_login(staff)
    ids = [requests_["party"].pk, requests_["garden"].pk, requests_["lille"].pk]
    rows = read_csv(post_selection(client, ids, "csv"))
    assert [(row["reference"], row["status"]) for row in rows] == [
        ("PIC-2025-0001", "submitted"),
        ("FPH-2024-0001", "granted"),
    ]
    sheet = read_xlsx(post_selection(client, ids, "xlsx"))
    assert len(sheet) == 3 and sheet[1][0] == "PIC-2025-0001"


# --- Bulk agenda -----------------------------------------------------------------------------------------


@pytest.fixture
def board_with_candidates(world, staff):
    with time_machine.travel(datetime.datetime(2025, 5, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        board = make_board(world, staff)
    first = eligible_application(world.fund, title="Atelier vélo")
    second = eligible_application(world.fund, title="Fresque du square", status=Status.DEFERRED)
    return board, first, second


def test_bulk_agenda_puts_every_eligible_request_on_the_session(client, staff, board_with_candidates):
    board, first, second = board_with_candidates
    client.force_login(staff)
    page = html.unescape(get_inbox(client).content.decode())
    assert f'<option value="{board.session.pk}">' in page and "Inscrire à l'ordre du jour" in page
    with time_machine.travel(datetime.datetime(2025, 5, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = client.post(
            reverse("committees:agenda_selection"),
            {"demandes": [second.pk, first.pk], "seance": board.session.pk, "invited_to_present": "on"},
        )
    assert "2 demandes inscrites à l'ordre du jour de la séance du 24/05/2025." in page_after(client, response)
    items = AgendaItem.objects.filter(session=board.session).order_by("position")
    assert [item.application_id for item in items] == [first.pk, second.pk]
    assert set(Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        Status.ON_AGENDA
    }
    assert AuditEntry.objects.filter(action="committees.add_agenda_items").count() == 1


def test_bulk_agenda_is_all_or_nothing_and_names_each_refused_request(client, world, staff, board_with_candidates):
    board, first, second = board_with_candidates
    not_yet = eligible_application(world.fund, title="Pas encore instruite", status=Status.UNDER_REVIEW)
    late = eligible_application(
        world.fund, title="Déposée trop tard", submitted_at=ON_TIME + datetime.timedelta(days=20)
    )
    client.force_login(staff)
    with time_machine.travel(datetime.datetime(2025, 5, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = client.post(
            reverse("committees:agenda_selection"),
            {"demandes": [first.pk, not_yet.pk, late.pk, second.pk], "seance": board.session.pk},
        )
    page = page_after(client, response)
    assert "Aucune demande n'a été inscrite à l'ordre du jour." in page
    assert f"La demande {not_yet.reference} ne peut pas être inscrite (statut : En cours d'instruction)" in page
    assert f"La demande {late.reference} n'a pas été déposée au moins 15 jours avant la séance" in page
    assert not AgendaItem.objects.exists()
    first.refresh_from_db()
    assert first.status == Status.ELIGIBLE


def test_bulk_agenda_refuses_a_session_of_another_association(client, world, other_staff, board_with_candidates):
    board, first, _second = board_with_candidates
    client.force_login(other_staff)
    response = client.post(reverse("committees:agenda_selection"), {"demandes": [first.pk], "seance": board.session.pk})
    assert "Cette séance n'est plus prévue" in page_after(client, response)
    assert not AgendaItem.objects.exists()


# --- Unread messages and last activity -------------------------------------------------------------------


def test_a_holder_message_is_flagged_unread_until_staff_open_the_thread(client, staff, resident, world):
    application = f.ApplicationFactory(
        fund=world.fund, created_by=resident, status=Status.SUBMITTED, reference="PIC-2025-0042", budget=False
    )
    with time_machine.travel(datetime.datetime(2025, 6, 2, 8, 30, tzinfo=datetime.UTC), tick=False):
        services.post_message(user=resident, application=application, body="Bonjour, voici le devis.")
        services.post_message(user=resident, application=application, body="Et la photo du lieu.")
    application.refresh_from_db()
    assert application.staff_unread_messages == 2
    assert application.last_activity_at == datetime.datetime(2025, 6, 2, 8, 30, tzinfo=datetime.UTC)

    client.force_login(staff)
    page = get_inbox(client).content.decode()
    assert "2 messages non lus" in page and "02/06/2025 10:30" in page  # Paris time
    assert f'href="{reverse("applications:application_detail", args=[application.pk])}#messages"' in page

    client.force_login(resident)  # the holder reading their own thread changes nothing
    client.get(reverse("applications:application_detail", args=[application.pk]))
    application.refresh_from_db()
    assert application.staff_unread_messages == 2

    client.force_login(staff)
    client.get(reverse("applications:application_detail", args=[application.pk]))
    application.refresh_from_db()
    assert application.staff_unread_messages == 0
    assert "message non lu" not in get_inbox(client).content.decode()
    services.post_message(user=staff, application=application, body="Merci, bien reçu.")
    application.refresh_from_db()
    assert application.staff_unread_messages == 0  # the staff's own message is not "unread"


def test_a_status_change_moves_the_last_activity_and_the_inbox_sorts_by_it(client, staff, requests_):
    repair = requests_["repair"]
    with time_machine.travel(datetime.datetime(2025, 7, 1, 12, 0, tzinfo=datetime.UTC), tick=False):
        services.apply_transition(user=staff, application=repair, transition="declare_eligible", role="staff")
    repair.refresh_from_db()
    assert repair.last_activity_at == datetime.datetime(2025, 7, 1, 12, 0, tzinfo=datetime.UTC)
    client.force_login(staff)
    rows = get_inbox(client, ordre="-last_activity_at").context["page"].object_list
    assert rows[0].reference == "PIC-2025-0002"


def test_at_375_px_reference_title_and_status_stay_and_other_columns_hide(client, staff, requests_):
    client.force_login(staff)
    page = get_inbox(client).content.decode()
    head = page[page.index("<thead>") : page.index("</thead>")]
    # Hidden below 768 px: holder, fund, theme, QPV, instructor, filed, last activity, amount.
    assert head.count('class="d-none d-') + head.count('class="num d-none d-') == 8
    row = page[page.index("<tbody>") : page.index("</tr>", page.index("<tbody>"))]
    assert row.count('class="d-none d-') + row.count('class="num money d-none d-') == 8
    assert '<th scope="row">' in row  # the reference, always shown
    assert 'name="demandes"' in row and 'class="visually-hidden" for="choix-' in row


def test_every_assign_goes_through_one_transaction(staff, colleague, requests_):
    picked = [requests_["party"], requests_["repair"]]
    with TestCase.captureOnCommitCallbacks():
        changed = services.assign_instructor(user=staff, applications=picked, instructor=colleague)
    assert [a.reference for a in changed] == ["PIC-2025-0001", "PIC-2025-0002"]
    # Again: nothing changes, nothing is recorded twice.
    assert services.assign_instructor(user=staff, applications=picked, instructor=colleague) == []
    assert AuditEntry.objects.filter(action="application.assign_instructor").count() == 2


def test_the_selection_form_lets_the_browser_send_any_action(client, staff, board_with_candidates):
    """No `required` field in the one form: a session is needed to put on the agenda, not to assign or export."""
    client.force_login(staff)
    page = get_inbox(client).content.decode()
    form = page[page.index('id="selection-demandes"') : page.index("</form>", page.index('id="selection-demandes"'))]
    assert 'name="seance"' in form and not re.search(r"<(input|select)[^>]*\srequired[\s>=]", form)


def test_bulk_agenda_names_a_request_the_user_may_not_handle_and_saves_nothing(world, staff, board_with_candidates):
    """Staff linked to one holder (issue 14): that request is named with the reason, the other is not put on."""
    from committees import services as committee_services

    board, first, second = board_with_candidates
    linked = f.UserFactory(email="linked.staff@example.org")
    f.AssociationStaffFactory(user=linked, association=world.hommelet)
    f.HolderFactory(owner=linked, name=second.holder.name)
    with (
        time_machine.travel(datetime.datetime(2025, 5, 10, 9, 0, tzinfo=datetime.UTC), tick=False),
        pytest.raises(ValidationError) as refused,
    ):
        committee_services.add_agenda_items(user=linked, session=board.session, applications=[first, second])
    messages = refused.value.messages
    assert messages[0].startswith("Aucune demande n'a été inscrite à l'ordre du jour.")
    assert messages[1].startswith(f"Demande {second.reference} : ")
    assert len(messages) == 2
    assert not AgendaItem.objects.exists()
