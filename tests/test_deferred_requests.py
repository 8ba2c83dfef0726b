"""Issue 16, a deferred request can move: the holder reads what the committee asked, adds a document and edits
the request, then sends it back; staff and the committee see what changed; messages carry a file both ways."""

import datetime
import html
import re
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Attachment, DeferralRevision, Message
from applications.workflow import AGENDA_SOURCES, Status
from committees import services as committee_services
from committees.selectors.agenda import agenda_candidates
from committees.selectors.pages import session_page
from core.models import AuditEntry, OutboxMessage
from portal import privacy
from tests import factories as f
from tests.application_views.helpers import budget_data, pdf_bytes, png_bytes, upload_of
from tests.committee_helpers import DEFERRED, eligible_application, make_board, put_on_agenda, seat
from tests.request_fixtures import client_of

# The evening of the session of 24/05/2025; the request's project is on 14/06/2025.
EVENING = datetime.datetime(2025, 5, 24, 17, 30, tzinfo=datetime.UTC)
ASKED = "Devis du transport à fournir, et budget à préciser."


@pytest.fixture(autouse=True)
def on_the_session_evening():
    with time_machine.travel(EVENING, tick=True):
        yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _eligible_with_rib(world, owner):
    application = eligible_application(
        world.fund, amount="250.00", created_by=owner, holder=f.HolderFactory(owner=owner)
    )
    f.AttachmentFactory(application=application)
    return application


@pytest.fixture
def deferred(world, staff, resident):
    """A request of `resident` deferred by the committee on 24/05/2025, asking for a quote."""
    board = make_board(world, staff)
    item = put_on_agenda(board, staff, _eligible_with_rib(world, resident))
    seat(board, staff, count=3)
    committee_services.decide(user=staff, item=item, outcome=DEFERRED, reason=ASKED)
    committee_services.close_session(user=staff, session=board.session)
    application = item.application
    application.refresh_from_db()
    return application


def _text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


def _words(response) -> str:
    """The page's text without its tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", _text(response)).split())


def _detail(application) -> str:
    return reverse("applications:application_detail", kwargs={"pk": application.pk})


def _step(application, step) -> str:
    return reverse("applications:application_step", kwargs={"pk": application.pk, "step": step})


def _sent_back(application, resident, *, comment="Le devis est joint.") -> None:
    services.send_back_application(user=resident, application=application, comment=comment)
    application.refresh_from_db()


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
    assert "Devis du transport en car à fournir." in _text(client.get(_detail(deferred)))


def test_the_holder_reads_what_the_committee_asks_with_a_button_for_each_step(client, deferred, resident):
    client.force_login(resident)
    page = _text(client.get(_detail(deferred)))
    assert "Le comité attend un complément de votre part" in page
    assert ASKED in page
    for label, url in (
        ("Ajouter un document", _step(deferred, "attachments")),
        ("Modifier ma demande", _step(deferred, "project")),
        ("Renvoyer ma demande", _step(deferred, "summary")),
    ):
        assert label in page and url in page
    assert "ajoutez ou modifiez ce qu'il demande, puis renvoyez votre demande" in page


# --- The holder adds a quote, edits the budget and sends it back --------------------------------------------


def test_the_holder_adds_a_quote_edits_the_budget_and_sends_it_back(
    deferred, resident, staff, django_capture_on_commit_callbacks
):
    client = client_of(resident)
    response = client.post(
        _step(deferred, "attachments"),
        {"piece-kind": "quote", "piece-file": upload_of("devis-car.pdf", pdf_bytes()), "action": "upload"},
    )
    assert response.status_code == 302
    response = client.post(
        _step(deferred, "budget"),
        budget_data(
            expenses=[("60", "Goûter et boissons", "300.00"), ("62", "Location d'un car", "500.00")],
            resources=[("70", "Buvette", "50.00")],
            amount_requested="750.00",
        ),
    )
    assert response.status_code == 302, _text(response)
    summary = _text(client.get(_step(deferred, "summary")))
    assert "Modifications depuis l'ajournement" in summary and "Pas encore renvoyée" in summary
    assert "Renvoyer ma demande" in summary and "Faire connaître votre projet" not in summary

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_step(deferred, "summary"), {"comment": "Le devis du car est ajouté."})
    assert response.status_code == 302 and response["Location"] == _detail(deferred)
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
    page = _words(client_of(staff).get(reverse("staff:application", kwargs={"pk": deferred.pk})))
    assert "Modifications depuis l'ajournement" in page
    assert "Montant demandé au fonds" in page and "250,00 €" in page and "750,00 €" in page
    assert "Document ajouté : Devis — devis-car.pdf" in page
    assert ASKED in page

    # Sent back, it can no longer be edited, nor sent back twice.
    assert client.get(_step(deferred, "budget")).status_code == 302
    with pytest.raises(ValidationError, match="qu'après un ajournement"):
        services.send_back_application(user=resident, application=deferred, comment="Encore")


def test_a_sent_back_request_goes_on_a_session_agenda_again_and_its_line_shows_the_changes(
    world, staff, resident, deferred
):
    services.save_step(
        user=resident, application=deferred, step="project", data={"description": "Une sortie à la mer en car."}
    )
    _sent_back(deferred, resident)
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
    page = _text(response)
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
        other = _eligible_with_rib(world, resident)
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
        assert client.get(_step(deferred, "summary")).status_code == 404
        assert client.post(_step(deferred, "summary"), {"comment": "x"}).status_code == 404
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
    _sent_back(deferred, resident, comment="Le transport sera assuré par la mairie : pas de devis.")
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
    page = _words(client_of(resident).get(_step(deferred, "summary")))
    assert "Avant de renvoyer, complétez" in page
    assert "Renvoyer ma demande" not in page  # no button until it is complete
    response = client_of(resident).post(_step(deferred, "summary"), {"comment": "Voilà"})
    assert response.status_code == 200
    deferred.refresh_from_db()
    assert deferred.status == Status.DEFERRED


def test_an_invalid_upload_after_a_deferral_saves_nothing(deferred, resident):
    client = client_of(resident)
    response = client.post(
        _step(deferred, "attachments"),
        {"piece-kind": "quote", "piece-file": upload_of("devis.pdf", b"MZ\x90\x00 not a pdf"), "action": "upload"},
    )
    assert response.status_code == 200
    assert "Ce fichier n'est pas un document PDF, JPEG ou PNG" in _text(response)
    assert list(Attachment.objects.filter(application=deferred).values_list("kind", flat=True)) == ["bank_details"]


def test_staff_may_still_put_a_deferred_request_on_the_agenda_and_see_its_pending_changes(
    world, staff, resident, deferred
):
    services.save_step(user=resident, application=deferred, step="project", data={"title": "Sortie à la mer"})
    page = _text(client_of(staff).get(reverse("staff:application", kwargs={"pk": deferred.pk})))
    assert "Pas encore renvoyée par le porteur" in page and "Sortie à la mer" in page
    board = make_board(world, staff, day=datetime.date(2025, 6, 28))
    committee_services.add_agenda_item(user=staff, session=board.session, application=deferred)
    deferred.refresh_from_db()
    assert deferred.status == Status.ON_AGENDA


def test_staff_of_another_association_never_see_the_changes(deferred, resident, other_staff):
    _sent_back(deferred, resident)
    assert client_of(other_staff).get(reverse("staff:application", kwargs={"pk": deferred.pk})).status_code == 404


# --- Messages carry a file, both ways -----------------------------------------------------------------------


def _message_file_url(message) -> str:
    return reverse("applications:message_attachment", kwargs={"pk": message.application_id, "message_pk": message.pk})


def test_messages_carry_a_file_both_ways_and_the_email_names_it(
    deferred, resident, staff, django_capture_on_commit_callbacks
):
    post_url = reverse("applications:post_message", kwargs={"pk": deferred.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(resident).post(
            post_url, {"body": "Voici le devis du car.", "attachment": upload_of("devis.pdf", pdf_bytes())}
        )
    assert response.status_code == 302
    from_holder = Message.objects.get(author=resident)
    assert (from_holder.attachment_name, from_holder.attachment_content_type) == ("devis.pdf", "application/pdf")
    assert from_holder.attachment.name.startswith(f"private/applications/{deferred.pk}/messages/")
    assert "devis" not in from_holder.attachment.name  # stored under a random name
    mail = OutboxMessage.objects.get(template="applications/emails/message_to_staff")
    assert "Un fichier est joint à ce message : « devis.pdf »" in mail.body
    assert mail.attachments == [] and mail.attachment_builders == []

    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(
            user=staff,
            application=deferred,
            body="Merci, voici le modèle de budget.",
            uploaded_file=upload_of("photo.png", png_bytes(), "image/png"),
        )
    from_staff = Message.objects.get(author=staff)
    assert from_staff.attachment_content_type == "image/png"
    reply = OutboxMessage.objects.get(template="applications/emails/message_to_holder")
    assert "« photo.png »" in reply.body

    page = _text(client_of(resident).get(_detail(deferred)))
    assert "Télécharger le fichier joint « devis.pdf »" in page
    assert "Télécharger le fichier joint « photo.png »" in page
    for user in (resident, staff):
        response = client_of(user).get(_message_file_url(from_holder))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert 'filename="devis.pdf"' in response["Content-Disposition"]


def test_a_message_file_is_404_for_whoever_may_not_read_the_thread(
    deferred, resident, other_resident, other_staff, outsider
):
    message = services.post_message(
        user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    for user in (other_resident, other_staff, outsider):
        assert client_of(user).get(_message_file_url(message)).status_code == 404
    assert client_of().get(_message_file_url(message)).status_code == 302  # to the login page
    # Another request's id, or a message without a file: 404 too.
    other = f.ApplicationFactory(fund=deferred.fund, created_by=resident, status=Status.SUBMITTED)
    wrong = reverse("applications:message_attachment", kwargs={"pk": other.pk, "message_pk": message.pk})
    assert client_of(resident).get(wrong).status_code == 404
    plain = services.post_message(user=resident, application=deferred, body="Sans fichier")
    assert client_of(resident).get(_message_file_url(plain)).status_code == 404


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"MZ\x90\x00 an executable renamed", "Ce fichier n'est pas un document PDF, JPEG ou PNG"),
        (b"", "Ce fichier est vide"),
    ],
)
def test_an_invalid_message_file_saves_nothing_and_says_how_to_fix_it(deferred, resident, content, expected):
    with pytest.raises(ValidationError) as error:
        services.post_message(
            user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", content)
        )
    assert expected in " ".join(error.value.message_dict["attachment"])
    assert not Message.objects.exists()
    response = client_of(resident).post(
        reverse("applications:post_message", kwargs={"pk": deferred.pk}),
        {"body": "Le devis", "attachment": upload_of("devis.pdf", content)},
    )
    assert response.status_code == 200
    page = _text(response)
    assert expected in page or "Le fichier soumis est vide" in page
    assert "choisissez-le à nouveau" in page
    assert not Message.objects.exists()
    assert not default_storage.exists(f"private/applications/{deferred.pk}/messages")


def test_a_too_large_message_file_is_refused(settings, deferred, resident):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    big = pdf_bytes() + b"0" * (2 * 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        services.post_message(user=resident, application=deferred, body="Gros", uploaded_file=upload_of("g.pdf", big))
    assert "le maximum est de 1 Mo" in " ".join(error.value.message_dict["attachment"])
    assert not Message.objects.exists()


def test_a_refused_message_stores_no_file(deferred, resident, monkeypatch):
    """The file is written before the row: if the row cannot be saved, the file is removed again."""
    from applications.services import messages as message_services

    def boom(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(message_services, "send_staff_notice", boom)
    with pytest.raises(RuntimeError):
        services.post_message(
            user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
        )
    assert not Message.objects.exists()
    folder = f"private/applications/{deferred.pk}/messages"
    assert not default_storage.exists(folder) or default_storage.listdir(folder) == ([], [])


# --- Personal data: export, purge, orphan files ----------------------------------------------------------


def test_the_export_lists_the_message_files_and_the_deferrals(deferred, resident):
    services.post_message(
        user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    _sent_back(deferred, resident)
    data = privacy.export_user_data(user=resident)
    assert data["messages"][0]["attachment"] == {
        "name": "devis.pdf",
        "content_type": "application/pdf",
        "size": len(pdf_bytes()),
    }
    (request,) = data["applications"]
    assert request["deferrals"][0]["reason"] == ASKED
    assert request["deferrals"][0]["sent_back_at"] is not None


def test_the_purge_erases_message_files_and_deferral_snapshots(
    deferred, resident, staff, django_capture_on_commit_callbacks
):
    message = services.post_message(
        user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    stored = message.attachment.name
    assert default_storage.exists(stored)
    deferred.status = Status.WITHDRAWN
    deferred.save(update_fields=["status"])
    later = timezone.now() + datetime.timedelta(days=10_000)
    with django_capture_on_commit_callbacks(execute=True):
        report = privacy.purge_personal_data(now=later)
    assert report.message_attachments == 1 and report.deferral_revisions == 1
    message.refresh_from_db()
    assert (message.attachment.name, message.attachment_name, message.attachment_size) == ("", "", None)
    assert not default_storage.exists(stored)
    assert not DeferralRevision.objects.filter(application=deferred).exists()
    again = privacy.purge_personal_data(now=later)
    assert again.message_attachments == 0 and again.deferral_revisions == 0


def test_the_orphan_file_finder_knows_the_message_files(settings, deferred, resident):
    message = services.post_message(
        user=resident, application=deferred, body="Le devis", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    path = settings.MEDIA_ROOT / message.attachment.name
    out = StringIO()
    call_command("find_orphan_files", stdout=out)
    assert str(path) not in out.getvalue()
    Message.objects.filter(pk=message.pk).update(attachment="")
    out = StringIO()
    call_command("find_orphan_files", stdout=out)
    assert str(path) in out.getvalue()


def test_cofunders_read_the_request_but_not_the_files_of_its_messages(world, resident, staff, region_staff):
    from applications import permissions
    from tests import factories as f

    application = f.ApplicationFactory(fund=world.fund, created_by=resident, filed=True)
    assert permissions.can_view_application(region_staff, application)
    assert not permissions.can_read_messages(region_staff, application)
    assert permissions.can_read_messages(resident, application) and permissions.can_read_messages(staff, application)
