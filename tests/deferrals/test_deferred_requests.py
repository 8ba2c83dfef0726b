"""Issue 16, a deferred request can move: the holder reads what the committee asked, adds a document and edits
the request, then sends it back; staff and the committee see what changed; messages carry a file both ways."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications import services
from applications.models import Attachment, DeferralRevision
from applications.workflow import AGENDA_SOURCES, Status
from committees import services as committee_services
from committees.selectors.agenda import agenda_candidates
from committees.selectors.pages import session_page
from core.models import AuditEntry, OutboxMessage
from tests.application_views.helpers import budget_data, pdf_bytes, upload_of
from tests.committee_helpers import eligible_application, make_board, put_on_agenda
from tests.deferrals.helpers import ASKED, eligible_with_rib, sent_back, text, words
from tests.request_fixtures import client_of, detail_url, step_url

# --- The deferral keeps what the request said, and what the committee asks -------------------------------


def test_the_deferral_keeps_the_request_as_it_was_and_what_the_committee_asks(deferred):
    assert deferred.status == Status.DEFERRED
    revision = DeferralRevision.objects.get(application=deferred)
    assert revision.reason == ASKED
    assert revision.snapshot["amount_requested"] == "250,00\u00a0€"
    assert revision.snapshot["expenses"].endswith("Goûter et boissons : 300,00\u00a0€")
    assert [ref["kind"] for ref in revision.attachment_ids] == ["bank_details"]
    assert revision.sent_back_at is None


def test_a_rectified_deferral_reason_is_what_the_holder_reads(client, deferred, resident, staff):
    decision = deferred.agenda_items.get().decision
    committee_services.amend_decision(
        user=staff,
        decision=decision,
        reason="Erreur de saisie",
        decision_reason="Devis du transport en car à fournir.",
    )
    assert DeferralRevision.objects.get(application=deferred).reason == "Devis du transport en car à fournir."
    client.force_login(resident)
    assert "Devis du transport en car à fournir." in text(client.get(detail_url(deferred)))


def test_the_holder_reads_what_the_committee_asks_with_a_button_for_each_step(client, deferred, resident):
    client.force_login(resident)
    page = text(client.get(detail_url(deferred)))
    assert "Le comité attend un complément de votre part" in page
    assert ASKED in page
    for label, url in (
        ("Ajouter un document", step_url(deferred, "attachments")),
        ("Modifier ma demande", step_url(deferred, "project")),
        ("Renvoyer ma demande", step_url(deferred, "summary")),
    ):
        assert label in page and url in page
    assert "ajoutez ou modifiez ce qu'il demande, puis renvoyez votre demande" in page


# --- The holder adds a quote, edits the budget and sends it back --------------------------------------------


def test_the_holder_adds_a_quote_edits_the_budget_and_sends_it_back(
    deferred, resident, staff, django_capture_on_commit_callbacks
):
    client = client_of(resident)
    response = client.post(
        step_url(deferred, "attachments"),
        {"piece-kind": "quote", "piece-file": upload_of("devis-car.pdf", pdf_bytes()), "action": "upload"},
    )
    assert response.status_code == 302
    response = client.post(
        step_url(deferred, "budget"),
        budget_data(
            expenses=[("60", "Goûter et boissons", "300.00"), ("62", "Location d'un car", "500.00")],
            resources=[("70", "Buvette", "50.00")],
            amount_requested="750.00",
        ),
    )
    assert response.status_code == 302, text(response)
    summary = text(client.get(step_url(deferred, "summary")))
    assert "Modifications depuis l'ajournement" in summary and "Pas encore renvoyée" in summary
    assert "Renvoyer ma demande" in summary and "Faire connaître votre projet" not in summary

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(deferred, "summary"), {"comment": "Le devis du car est ajouté."})
    assert response.status_code == 302 and response["Location"] == detail_url(deferred)
    deferred.refresh_from_db()
    assert deferred.status == Status.SENT_BACK

    revision = DeferralRevision.objects.get(application=deferred)
    assert revision.sent_back_by == resident and revision.sent_back_at is not None
    changed = {change["field"]: change for change in revision.changes}
    assert set(changed) == {"amount_requested", "expenses"}
    assert (changed["amount_requested"]["old"], changed["amount_requested"]["new"]) == (
        "250,00\u00a0€",
        "750,00\u00a0€",
    )
    assert [(ref["kind"], ref["name"]) for ref in revision.attachments_added] == [("quote", "devis-car.pdf")]

    mail = OutboxMessage.objects.get(template="applications/emails/sent_back_staff")
    assert "staff.hommelet@example.org" in mail.recipients
    assert "Le devis du car est ajouté." in mail.body and "renvoyée" in mail.subject
    assert AuditEntry.objects.filter(action="application.send_back").count() == 1
    audit = AuditEntry.objects.get(action="application.deferral_changes")
    assert audit.data["fields"] == ["amount_requested", "expenses"]

    # Staff see what changed, in French, on their page.
    page = words(client_of(staff).get(reverse("staff:application", kwargs={"pk": deferred.pk})))
    assert "Modifications depuis l'ajournement" in page
    assert "Montant demandé au fonds" in page and "250,00 €" in page and "750,00 €" in page
    assert "Document ajouté : Devis — devis-car.pdf" in page
    assert ASKED in page

    # Sent back, it can no longer be edited, nor sent back twice.
    assert client.get(step_url(deferred, "budget")).status_code == 302
    with pytest.raises(ValidationError, match="qu'après un ajournement"):
        services.send_back_application(user=resident, application=deferred, comment="Encore")


def test_a_sent_back_request_goes_on_a_session_agenda_again_and_its_line_shows_the_changes(
    world, staff, resident, deferred
):
    services.save_step(
        user=resident, application=deferred, step="project", data={"description": "Une sortie à la mer en car."}
    )
    sent_back(deferred, resident)
    assert Status.SENT_BACK in AGENDA_SOURCES
    board = make_board(world, staff, day=datetime.date(2025, 6, 28))
    assert deferred in list(agenda_candidates(session=board.session))
    item = committee_services.add_agenda_item(user=staff, session=board.session, application=deferred)
    deferred.refresh_from_db()
    assert deferred.status == Status.ON_AGENDA

    row = session_page(session=board.session).rows[0]
    assert row.item == item and row.deferral is not None
    assert [change.label for change in row.deferral.fields] == ["Description du projet"]
    response = client_of(staff).get(reverse("committees:session_detail", kwargs={"pk": board.session.pk}))
    page = text(response)
    assert "Modifications depuis l'ajournement" in page and "Une sortie à la mer en car." in page


def test_the_first_session_line_does_not_show_changes_made_after_its_own_deferral(world, staff, resident, deferred):
    services.save_step(user=resident, application=deferred, step="project", data={"description": "Autre texte."})
    first_session = deferred.agenda_items.get().session
    assert session_page(session=first_session).rows[0].deferral is None


def test_the_session_page_costs_the_same_with_more_deferred_requests(world, staff, resident, deferred):
    board = make_board(world, staff, day=datetime.date(2025, 6, 28))
    put_on_agenda(board, staff, deferred)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        session_page(session=board.session)
    for number in range(3):
        other = eligible_with_rib(world, resident)
        services.record_deferral(application=other, reason="Préciser le lieu.")  # as the committee's decision does
        other.description = f"Nouvelle description {number}"
        other.save(update_fields=["description"])
        put_on_agenda(board, staff, other)
    with CaptureQueriesContext(connection) as four:
        session_page(session=board.session)
    assert len(four) == len(one)


# --- Who may send back, and when -------------------------------------------------------------------------


def test_only_the_holder_sends_back(deferred, other_resident, staff, admin_user):
    for user in (other_resident, staff, admin_user):
        with pytest.raises(PermissionDenied):
            services.send_back_application(user=user, application=deferred, comment="Je renvoie")
    deferred.refresh_from_db()
    assert deferred.status == Status.DEFERRED


def test_the_summary_and_steps_are_404_for_anyone_but_the_holder(deferred, other_resident, staff, other_staff):
    for user in (other_resident, staff, other_staff):
        client = client_of(user)
        assert client.get(step_url(deferred, "summary")).status_code == 404
        assert client.post(step_url(deferred, "summary"), {"comment": "x"}).status_code == 404
    deferred.refresh_from_db()
    assert deferred.status == Status.DEFERRED


@pytest.mark.parametrize("status", [Status.ELIGIBLE, Status.ON_AGENDA, Status.GRANTED, Status.REFUSED])
def test_only_a_deferred_request_is_sent_back(world, resident, status):
    application = eligible_application(world.fund, created_by=resident, status=status)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.send_back_application(user=resident, application=application, comment="Je renvoie")
    application.refresh_from_db()
    assert application.status == status


def test_sending_back_with_nothing_changed_asks_what_to_answer(deferred, resident):
    with pytest.raises(ValidationError) as error:
        services.send_back_application(user=resident, application=deferred)
    assert "Rien n'a changé depuis l'ajournement" in " ".join(error.value.message_dict["comment"])
    deferred.refresh_from_db()
    assert deferred.status == Status.DEFERRED
    sent_back(deferred, resident, comment="Le transport sera assuré par la mairie : pas de devis.")
    assert deferred.status == Status.SENT_BACK


def test_a_request_still_incomplete_is_not_sent_back(deferred, resident):
    Attachment.objects.filter(application=deferred).delete()  # the RIB the rules require
    with pytest.raises(ValidationError) as error:
        services.send_back_application(user=resident, application=deferred, comment="Voilà")
    assert "attachments" in error.value.message_dict
    deferred.refresh_from_db()
    assert deferred.status == Status.DEFERRED
    assert not AuditEntry.objects.filter(action="application.deferral_changes").exists()


def test_the_summary_says_what_to_complete_before_sending_back(deferred, resident):
    Attachment.objects.filter(application=deferred).delete()
    page = words(client_of(resident).get(step_url(deferred, "summary")))
    assert "Avant de renvoyer, complétez" in page
    assert "Renvoyer ma demande" not in page  # no button until it is complete
    response = client_of(resident).post(step_url(deferred, "summary"), {"comment": "Voilà"})
    assert response.status_code == 200
    deferred.refresh_from_db()
    assert deferred.status == Status.DEFERRED


def test_an_invalid_upload_after_a_deferral_saves_nothing(deferred, resident):
    client = client_of(resident)
    response = client.post(
        step_url(deferred, "attachments"),
        {"piece-kind": "quote", "piece-file": upload_of("devis.pdf", b"MZ\x90\x00 not a pdf"), "action": "upload"},
    )
    assert response.status_code == 200
    assert "Ce fichier n'est pas un document PDF, JPEG ou PNG" in text(response)
    assert list(Attachment.objects.filter(application=deferred).values_list("kind", flat=True)) == ["bank_details"]


def test_staff_may_still_put_a_deferred_request_on_the_agenda_and_see_its_pending_changes(
    world, staff, resident, deferred
):
    services.save_step(user=resident, application=deferred, step="project", data={"title": "Sortie à la mer"})
    page = text(client_of(staff).get(reverse("staff:application", kwargs={"pk": deferred.pk})))
    assert "Pas encore renvoyée par le porteur" in page and "Sortie à la mer" in page
    board = make_board(world, staff, day=datetime.date(2025, 6, 28))
    committee_services.add_agenda_item(user=staff, session=board.session, application=deferred)
    deferred.refresh_from_db()
    assert deferred.status == Status.ON_AGENDA


def test_staff_of_another_association_never_see_the_changes(deferred, resident, other_staff):
    sent_back(deferred, resident)
    assert client_of(other_staff).get(reverse("staff:application", kwargs={"pk": deferred.pk})).status_code == 404
