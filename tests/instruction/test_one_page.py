"""One request page for staff (issue 17): timeline, messages, the eligibility grid saved in one click and
pre-filled with the checks the portal already knows, the actions, and where to go next."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Attachment, BudgetLine, CriterionCheck, EligibilityCriterion, HolderLink
from applications.workflow import Status
from core.models import AuditEntry
from tests import factories as f
from tests.instruction.helpers import REFUSED, action_of, client_of, html_of, page_of


def grid_data(application, answers: dict) -> dict:
    """The one grid form's fields: {criterion: ("yes"|"no"|"", comment)}."""
    data = {"version": application.version}
    for criterion, (met, comment) in answers.items():
        data[f"c{criterion.pk}_met"] = met
        data[f"c{criterion.pk}_comment"] = comment
    return data


def criteria_of(application) -> list[EligibilityCriterion]:
    return list(EligibilityCriterion.objects.filter(fund=application.fund).order_by("position", "pk"))


def test_the_grid_is_prefilled_with_what_the_portal_knows_for_the_instructor_to_confirm(reviewed, staff):
    html = html_of(client_of(staff).get(page_of(reviewed)))
    assert "Ce que le portail a vérifié" in html
    assert "Vérifié automatiquement : le quartier « Quartier Intercommunal Roubaix-Tourcoing" in html
    assert "Vérifié automatiquement : dépenses et ressources font 300,00" in html
    assert "Vérifié automatiquement : RIB joint" in html
    assert "Dates dans l'année du fonds" in html and "le projet a lieu en 2025." in html
    assert "Montant dans le plafond" in html and "250,00" in html
    assert html.count("pré-rempli : à confirmer") == 3  # the three default criteria the portal can check
    assert html.count("Enregistrer la grille") == 1
    # Pre-filled is not saved: nothing is recorded until the instructor confirms.
    assert not CriterionCheck.objects.filter(application=reviewed).exists()


def test_a_failed_automatic_check_is_prefilled_as_not_met_with_its_reason(reviewed, staff):
    BudgetLine.objects.filter(application=reviewed, side="resource").delete()
    Attachment.objects.filter(application=reviewed).delete()
    html = html_of(client_of(staff).get(page_of(reviewed)))
    assert "Vérifié automatiquement : Votre budget n'est pas équilibré" in html
    assert "Vérifié automatiquement : manque : Relevé d'identité bancaire (RIB)." in html


def test_the_grid_saves_in_one_click(reviewed, staff):
    criteria = criteria_of(reviewed)
    client = client_of(staff)
    answers = dict.fromkeys(criteria, ("yes", ""))
    answers[criteria[0]] = ("yes", "Quartier vérifié sur la carte.")
    response = client.post(action_of("record_grid", reviewed), grid_data(reviewed, answers))
    assert response.url == page_of(reviewed) + "#grille"
    checks = CriterionCheck.objects.filter(application=reviewed)
    assert checks.count() == len(criteria) and all(check.met is True for check in checks)
    assert checks.get(criterion=criteria[0]).comment == "Quartier vérifié sur la carte."
    assert AuditEntry.objects.filter(action="application.record_grid").count() == 1
    reviewed.refresh_from_db()
    html = html_of(client.get(page_of(reviewed)))
    assert f"Critères obligatoires remplis : {len(criteria)} sur {len(criteria)}." in html
    # Then « recevable »; the page now links to the planned sessions of the fund's committee.
    planned = f.CommitteeSessionFactory(committee=reviewed.fund.committees.first(), date=datetime.date(2025, 4, 2))
    services.declare_eligible(user=staff, application=reviewed)
    html = html_of(client.get(page_of(reviewed)))
    assert "Et ensuite ?" in html and "Séance du 02/04/2025" in html
    assert reverse("committees:session_detail", kwargs={"pk": planned.pk}) in html


def test_a_refused_grid_saves_nothing_and_says_how_to_fix_it(reviewed, staff):
    criteria = criteria_of(reviewed)
    answers = dict.fromkeys(criteria, ("yes", ""))
    answers[criteria[1]] = ("no", "")
    response = client_of(staff).post(action_of("record_grid", reviewed), grid_data(reviewed, answers))
    assert response.status_code == 200
    assert "Expliquez en une phrase pourquoi le critère n'est pas rempli" in html_of(response)
    assert not CriterionCheck.objects.filter(application=reviewed).exists()


def test_a_stale_grid_is_refused(reviewed, staff):
    criteria = criteria_of(reviewed)
    data = grid_data(reviewed, dict.fromkeys(criteria, ("yes", "")))
    services.add_staff_note(user=staff, application=reviewed, body="note")  # does not change the version
    services.record_criterion_check(user=staff, application=reviewed, criterion=criteria[0], met=True)
    response = client_of(staff).post(action_of("record_grid", reviewed), data)
    assert "a été modifiée par quelqu'un d'autre" in html_of(response)
    assert CriterionCheck.objects.filter(application=reviewed).count() == 1


@pytest.mark.parametrize("persona", [*REFUSED])
def test_who_may_not_save_the_grid(request, reviewed, persona):
    criteria = criteria_of(reviewed)
    data = grid_data(reviewed, dict.fromkeys(criteria, ("yes", "")))
    response = client_of(request.getfixturevalue(persona)).post(action_of("record_grid", reviewed), data)
    assert response.status_code == 404
    assert not CriterionCheck.objects.filter(application=reviewed).exists()


def test_the_holder_linked_staff_member_may_not_save_the_grid(reviewed, world):
    linked = f.UserFactory()
    f.AssociationStaffFactory(association=world.hommelet, user=linked)
    HolderLink.objects.create(user=linked, holder=reviewed.holder, reason="Famille")
    criteria = criteria_of(reviewed)
    data = grid_data(reviewed, dict.fromkeys(criteria, ("yes", "")))
    assert client_of(linked).post(action_of("record_grid", reviewed), data).status_code == 403
    assert not CriterionCheck.objects.filter(application=reviewed).exists()


def test_the_timeline_mixes_status_changes_messages_and_documents_in_date_order(reviewed, staff, resident):
    message = services.post_message(user=resident, application=reviewed, body="Voici ma question sur le budget.")
    # The document came first, then the filing and the review (one second apart), then the message.
    start = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)
    Attachment.objects.filter(application=reviewed).update(uploaded_at=start)
    for seconds, change in enumerate(reviewed.status_changes.order_by("pk"), start=1):
        type(change).objects.filter(pk=change.pk).update(created_at=start + datetime.timedelta(seconds=seconds))
    type(message).objects.filter(pk=message.pk).update(created_at=start + datetime.timedelta(days=1))
    html = html_of(client_of(staff).get(page_of(reviewed)))
    timeline = html[html.index('id="historique"') : html.index('id="messages"')]
    order = [timeline.index(text) for text in ("Document ajouté", "Déposée", "En cours d'instruction", "Voici ma")]
    assert order == sorted(order)


def test_staff_write_to_the_holder_from_the_page(reviewed, staff, django_capture_on_commit_callbacks):
    client = client_of(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_of("post_message", reviewed), {"message-body": "Pouvez-vous passer mardi ?"})
    assert response.url == page_of(reviewed) + "#messages"
    assert "Pouvez-vous passer mardi ?" in html_of(client.get(page_of(reviewed)))
    response = client.post(action_of("post_message", reviewed), {"message-body": ""})
    assert "Écrivez votre message avant de l'envoyer." in html_of(response)


def test_after_a_grant_the_page_links_to_the_payments(reviewed, staff):
    type(reviewed).objects.filter(pk=reviewed.pk).update(status=Status.GRANTED)
    html = html_of(client_of(staff).get(page_of(reviewed)))
    assert reverse("committees:payments", kwargs={"slug": reviewed.fund.slug}) in html


def test_after_a_bilan_the_page_links_to_its_review(reviewed, staff):
    type(reviewed).objects.filter(pk=reviewed.pk).update(status=Status.BILAN_RECEIVED)
    html = html_of(client_of(staff).get(page_of(reviewed)))
    assert reverse("reports:bilan", kwargs={"pk": reviewed.pk}) in html and "Étudier le bilan reçu" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_whatever_the_timeline(reviewed, staff, resident, world):
    client = client_of(staff)
    f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 4, 2))
    few = _queries(client, page_of(reviewed))
    for number in range(8):
        services.post_message(user=resident, application=reviewed, body=f"Message {number}")
        services.add_staff_note(user=staff, application=reviewed, body=f"Note {number}")
        f.AttachmentFactory(application=reviewed, kind=Attachment.Kind.QUOTE, original_name=f"devis-{number}.pdf")
    f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 5, 2))
    assert _queries(client, page_of(reviewed)) == few
