"""Issue 16, committee members: they read the dossiers they vote on (never the RIB, the staff's notes or the
instruction), get the whole session pack as a PDF built in the background, members without e-mail get a printable
convocation letter, and the e-mailed convocations carry a calendar invitation (.ics)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Attachment
from committees import services
from committees.calendar import SESSION_ICS, session_uid
from committees.documents import SESSION_PACK
from committees.models import CommitteeMember, CommitteeSession
from core import generated_documents
from core.models import GeneratedDocument, OutboxMessage
from core.outbox import build_attachment
from tests import factories as f
from tests.committee_helpers import (
    client_for,
    eligible_application,
    make_board,
    page_text,
    pdf_words,
    put_on_agenda,
    seat,
)

pytestmark = pytest.mark.usefixtures("on_the_session_day")

RIB_NAME = "rib-collectif-secret.pdf"
NOTE = "Note interne : la référente a des dettes"
CHECK_COMMENT = "Commentaire d'instruction confidentiel"
MESSAGE = "Message privé entre le porteur et l'équipe"
PHONE = "06 12 34 56 78"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def agenda(world, staff, media):
    """A planned session (24/05/2025) with one request on its agenda: budget, a quote, statutes, a RIB, a
    staff note, a checked criterion with a comment and a message. A member without e-mail, with an address."""
    board = make_board(world, staff)
    application = eligible_application(world.fund, title="Repair café de l'Épeule", amount="450.00")
    application.holder.referent_phone = PHONE
    application.holder.save()
    f.BudgetLineFactory(application=application, label="Outils et pièces détachées", amount=Decimal("300.00"))
    f.BudgetLineFactory(application=application, label="Café et goûter", amount=Decimal("150.00"))
    f.AttachmentFactory(application=application, kind=Attachment.Kind.QUOTE, original_name="devis-outils.pdf")
    f.AttachmentFactory(application=application, kind=Attachment.Kind.STATUTES, original_name="statuts.pdf")
    rib = f.AttachmentFactory(application=application, kind=Attachment.Kind.BANK_DETAILS, original_name=RIB_NAME)
    f.StaffNoteFactory(application=application, author=staff, body=NOTE)
    f.CriterionCheckFactory(application=application, comment=CHECK_COMMENT)
    f.MessageFactory(application=application, body=MESSAGE)
    item = put_on_agenda(board, staff, application)
    postal = f.CommitteeMemberFactory(
        committee=board.committee,
        user=None,
        email="",
        full_name="Yvette Papier",
        postal_address="3 rue des Lilas\n59100 Roubaix",
    )
    return board, item, rib, postal


def dossier_url(board, item) -> str:
    return reverse("committees:item_dossier", args=[board.session.pk, item.pk])


def piece_url(board, item, attachment) -> str:
    return reverse("committees:dossier_attachment", args=[board.session.pk, item.pk, attachment.pk])


def lapsed(world):
    user = f.UserFactory()
    f.CommitteeMemberFactory(
        committee=world.committee,
        user=user,
        mandate_start=datetime.date(2023, 1, 1),
        mandate_end=datetime.date(2024, 12, 31),
    )
    return user


# --- The dossier of one request -----------------------------------------------------------------------------


def test_member_reads_the_dossier_without_rib_notes_or_instruction(agenda, committee_member):
    board, item, _rib, _postal = agenda
    response = client_for(committee_member).get(dossier_url(board, item))
    assert response.status_code == 200
    text = page_text(response)
    for shown in (
        "Repair café de l'Épeule",
        "Outils et pièces détachées",
        "450,00 €",
        "devis-outils.pdf",
        "statuts.pdf",
    ):
        assert shown in text, shown
    for hidden in (RIB_NAME, NOTE, CHECK_COMMENT, MESSAGE, PHONE, "Relevé d'identité bancaire"):
        assert hidden not in text, hidden
    assert "Vous ne prenez pas part au vote" not in text


def test_the_session_page_links_each_dossier_and_the_pack(agenda, committee_member):
    board, item, _rib, _postal = agenda
    text = client_for(committee_member).get(reverse("committees:session_detail", args=[board.session.pk])).content
    assert dossier_url(board, item).encode() in text
    assert reverse("committees:session_pack", args=[board.session.pk]).encode() in text
    # Convocation letters are the staff's: not offered to members.
    assert b"convocations.pdf" not in text


def test_member_downloads_a_quote_but_never_the_rib(agenda, committee_member):
    board, item, rib, _postal = agenda
    quote = item.application.attachments.get(kind=Attachment.Kind.QUOTE)
    client = client_for(committee_member)
    response = client.get(piece_url(board, item, quote))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="devis-outils.pdf"')
    assert client.get(piece_url(board, item, rib)).status_code == 404


def test_a_piece_of_another_request_is_not_reachable_through_this_line(agenda, committee_member, world):
    board, item, _rib, _postal = agenda
    other = f.AttachmentFactory(
        application=f.ApplicationFactory(fund=world.fund), kind=Attachment.Kind.QUOTE, original_name="autre.pdf"
    )
    assert client_for(committee_member).get(piece_url(board, item, other)).status_code == 404


@pytest.mark.parametrize("persona", ["resident", "other_staff", "region_staff", "outsider"])
def test_who_does_not_read_the_session_gets_404(agenda, persona, request):
    board, item, _rib, _postal = agenda
    client = client_for(request.getfixturevalue(persona))
    quote = item.application.attachments.get(kind=Attachment.Kind.QUOTE)
    for url in (
        dossier_url(board, item),
        piece_url(board, item, quote),
        reverse("committees:session_pack", args=[board.session.pk]),
        reverse("committees:session_pack_pdf", args=[board.session.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_member_whose_mandate_ended_is_refused(agenda, world):
    board, item, _rib, _postal = agenda
    client = client_for(lapsed(world))
    assert client.get(dossier_url(board, item)).status_code == 404
    assert client.get(reverse("committees:session_pack", args=[board.session.pk])).status_code == 404


def test_once_the_session_is_closed_members_are_told_why_and_staff_still_read(agenda, staff, committee_member):
    board, item, _rib, _postal = agenda
    seat(board, staff, count=5)  # 5 of 7 voting members (the persona and Yvette Papier sit too)
    services.start_vote(user=staff, item=item)
    services.decide(user=staff, item=item, outcome="deferred", reason="Devis à préciser")
    services.close_session(user=staff, session=board.session)
    response = client_for(committee_member).get(dossier_url(board, item))
    assert response.status_code == 403
    assert "est close : ses dossiers ne sont plus consultables" in page_text(response)
    pack = client_for(committee_member).get(reverse("committees:session_pack", args=[board.session.pk]))
    assert pack.status_code == 403
    session_page = client_for(committee_member).get(reverse("committees:session_detail", args=[board.session.pk]))
    assert dossier_url(board, item).encode() not in session_page.content
    assert client_for(staff).get(dossier_url(board, item)).status_code == 200


def test_a_member_linked_to_the_holder_reads_it_marked_as_taking_no_part(agenda, committee_member):
    board, item, _rib, _postal = agenda
    member = CommitteeMember.objects.get(committee=board.committee, user=committee_member)
    f.CommitteeMemberLinkFactory(member=member, holder=item.application.holder, reason="Sœur de la référente")
    response = client_for(committee_member).get(dossier_url(board, item))
    assert response.status_code == 200
    assert "Vous ne prenez pas part au vote sur cette demande." in page_text(response)


def test_a_withdrawn_request_has_no_dossier(agenda, committee_member):
    board, item, _rib, _postal = agenda
    type(item.application).objects.filter(pk=item.application_id).update(status="withdrawn")
    assert client_for(committee_member).get(dossier_url(board, item)).status_code == 404


# --- The session pack, built in the background ---------------------------------------------------------------


def test_session_pack_is_prepared_then_ready_then_reused(agenda, committee_member, django_capture_on_commit_callbacks):
    board, item, _rib, _postal = agenda
    client = client_for(committee_member)
    page = reverse("committees:session_pack", args=[board.session.pk])
    pdf = reverse("committees:session_pack_pdf", args=[board.session.pk])

    first = client.get(page)
    assert "Préparer le document" in page_text(first)
    assert client.get(pdf)["Location"] == page  # nothing ready yet: back to the page that prepares it

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(page).status_code == 302
    document = GeneratedDocument.objects.get(kind=SESSION_PACK, key=str(board.session.pk))
    assert document.status == "pending" and document.requested_by == committee_member
    pending = page_text(client.get(page))
    assert "Document en préparation…" in pending
    assert '<meta http-equiv="refresh" content="5">' in pending

    for callback in callbacks:  # what the worker does once the request's transaction has committed
        callback()
    document.refresh_from_db()
    assert document.status == "ready" and document.size > 0
    ready = page_text(client.get(page))
    assert "Le document est prêt." in ready and pdf in ready

    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    words = pdf_words(b"".join(response.streaming_content))
    assert "Dossier de séance du 24/05/2025" in words
    assert "Ordre du jour" in words
    assert "Repair café de l'Épeule" in words and "Outils et pièces détachées" in words and "450,00 €" in words
    assert "devis-outils.pdf" in words
    for hidden in (RIB_NAME, NOTE, CHECK_COMMENT, MESSAGE, PHONE):
        assert hidden not in words, hidden

    # Asking again while nothing changed reuses the built file.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page)
    assert GeneratedDocument.objects.filter(kind=SESSION_PACK).count() == 1

    # A change of what the pack shows makes it out of date: the page offers to prepare it again.
    application = item.application
    application.title = "Repair café de l'Épeule et du Pile"
    application.save()
    assert "Préparer le document" in page_text(client.get(page))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page)
    assert GeneratedDocument.objects.filter(kind=SESSION_PACK).count() == 1  # the old file is deleted
    words = pdf_words(b"".join(client.get(pdf).streaming_content))
    assert "Repair café de l'Épeule et du Pile" in words


def test_session_pack_reads_a_fixed_number_of_queries(agenda, world, staff, django_assert_max_num_queries):
    board, _item, _rib, _postal = agenda
    from committees import selectors

    with django_assert_max_num_queries(4) as one:
        assert len(selectors.session_dossiers(session=board.session)) == 1
    for _ in range(3):
        put_on_agenda(board, staff, eligible_application(world.fund))
    with django_assert_max_num_queries(len(one.captured_queries)):
        dossiers = selectors.session_dossiers(session=board.session)
        assert len(dossiers) == 4
        assert all(isinstance(d.total_resources, Decimal) for d in dossiers)


# --- The generic background documents -------------------------------------------------------------------------


def test_a_failed_build_says_so_and_a_new_request_builds_again(db, django_capture_on_commit_callbacks):
    calls = []

    def broken(key):
        calls.append(key)
        raise RuntimeError("boom")

    generated_documents.register_document(
        "tests.broken", build=broken, fingerprint=lambda key: "same", filename=lambda key: "x.pdf"
    )
    user = f.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        document = generated_documents.request_document(kind="tests.broken", key=7, user=user)
    document.refresh_from_db()
    assert document.status == "failed" and "RuntimeError" in document.error
    assert generated_documents.build(document.pk) is None  # claimed once: never built twice
    with pytest.raises(Exception) as refused:
        generated_documents.file_response(document)
    assert refused.typename == "Http404"
    with django_capture_on_commit_callbacks(execute=True):
        again = generated_documents.request_document(kind="tests.broken", key=7, user=user)
    assert again.pk != document.pk and calls == ["7", "7"]


# --- Printable convocation letters ----------------------------------------------------------------------------


def letters(client, board, query: str = ""):
    return client.get(reverse("committees:convocation_letters_pdf", args=[board.session.pk]) + query)


def test_staff_print_the_letters_of_members_without_email(agenda, staff):
    board, _item, _rib, postal = agenda
    response = letters(client_for(staff), board)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1  # only Yvette Papier has no address: one page
    words = pdf_words(response.content)
    for shown in (
        "Yvette Papier",
        "3 rue des Lilas",
        "59100 Roubaix",
        "samedi 24/05/2025",
        "18:00",
        "Salle Watteeuw, Roubaix",
        "Ordre du jour",
        "Repair café de l'Épeule",
        "450,00 €",
    ):
        assert shown in words, shown
    assert "Votant·e Alice" not in words


def test_staff_print_every_members_letter_one_page_each(agenda, staff):
    board, _item, _rib, _postal = agenda
    members = list(board.committee.members.active_on(board.session.date))
    response = letters(client_for(staff), board, "?tous=1")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == len(members) > 1
    for page, member in zip(reader.pages, sorted(members, key=lambda m: (m.full_name, m.pk)), strict=True):
        assert member.full_name in page.extract_text().replace("\u202f", " ").replace("\u00a0", " ")


def test_one_members_letter_and_refusals(agenda, staff, committee_member, world):
    board, _item, _rib, postal = agenda
    url = reverse("committees:convocation_letter_pdf", args=[board.session.pk, postal.pk])
    response = client_for(staff).get(url)
    assert response.status_code == 200
    assert "Yvette Papier" in pdf_words(response.content)
    assert client_for(committee_member).get(url).status_code == 403  # members read, staff print
    other_committee_member = f.CommitteeMemberFactory(committee=f.CommitteeFactory(fund=world.fund))
    foreign = reverse("committees:convocation_letter_pdf", args=[board.session.pk, other_committee_member.pk])
    assert client_for(staff).get(foreign).status_code == 404


def test_no_member_without_email_leads_back_with_a_way_forward(agenda, staff):
    board, _item, _rib, postal = agenda
    postal.email = "yvette@example.org"
    postal.save()
    response = letters(client_for(staff), board)
    assert response.status_code == 302 and response["Location"].endswith("#convocations-papier")


def test_the_member_form_keeps_a_postal_address(agenda, staff):
    board, _item, _rib, postal = agenda
    services.update_member(
        user=staff,
        member=postal,
        full_name=postal.full_name,
        college=postal.college,
        mandate_start=postal.mandate_start,
        postal_address="  8 place de la Liberté\n59100 Roubaix ",
    )
    postal.refresh_from_db()
    assert postal.postal_address == "8 place de la Liberté\n59100 Roubaix"
    page = client_for(staff).get(reverse("committees:member_edit", args=[postal.pk]))
    assert "8 place de la Liberté" in page_text(page)


# --- The calendar invitation ----------------------------------------------------------------------------------


def parse_ics(content: bytes) -> tuple[list[str], dict[str, tuple[str, str]]]:
    """Physical lines, and {name: (parameters, unescaped value)} of the unfolded content lines."""
    text = content.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    unfolded = text.replace("\r\n ", "").split("\r\n")[:-1]
    fields = {}
    for line in unfolded:
        head, _sep, value = line.partition(":")
        name, _sep, params = head.partition(";")
        out, chars = [], iter(value)
        for char in chars:
            if char == "\\":
                escaped = next(chars)
                out.append("\n" if escaped in "nN" else escaped)
            else:
                assert char not in ",;" or name in ("RRULE",), f"unescaped {char!r} in {line!r}"
                out.append(char)
        fields.setdefault(name, (params, "".join(out)))
    return physical, fields


def test_member_convocations_carry_a_calendar_invitation(agenda, staff, django_capture_on_commit_callbacks):
    board, _item, _rib, _postal = agenda
    session = board.session
    session.place = "Salle Watteeuw; 1er étage, 12 rue de l'Épeule, Roubaix — entrée par la cour, à côté du local vélo"
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_convocations(user=staff, session=session)

    member_mails = OutboxMessage.objects.filter(template="committees/emails/convocation_member")
    assert member_mails.count() == 6  # 5 voters and the ex officio member with an address; not Yvette
    spec = member_mails.first().attachment_builders[0]
    assert spec["builder"] == SESSION_ICS
    filename, content, mimetype = build_attachment(spec)
    assert filename.endswith(".ics") and mimetype == "text/calendar"

    physical, fields = parse_ics(content)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)  # the long location is folded
    assert fields["BEGIN"][1] == "VCALENDAR" and fields["METHOD"][1] == "PUBLISH"
    assert fields["UID"][1] == session_uid(session) == f"seance-{session.pk}@testserver"
    assert fields["DTSTART"][1] == "20250524T160000Z"  # 18:00 in Roubaix (summer time)
    assert fields["DTEND"][1] == "20250524T180000Z"
    assert fields["LOCATION"][1] == session.place
    assert fields["SUMMARY"] == ("LANGUAGE=fr", "Séance du comité : Comité d'attribution de l'Hommelet")
    assert "1. PIC-2025-" in fields["DESCRIPTION"][1] and "Repair café de l'Épeule" in fields["DESCRIPTION"][1]
    # The UID is the same each time the invitation is built: calendars update the event.
    assert parse_ics(build_attachment(spec)[1])[1]["UID"] == fields["UID"]

    # The delivered e-mail carries it as text/calendar.
    sent = [m for m in mail.outbox if "Votant·e" in m.body or "Élu délégué" in m.body]
    assert sent
    attached = [a for a in sent[0].attachments if a[0].endswith(".ics")]
    assert attached and attached[0][2] == "text/calendar"
    assert "Le fichier joint (.ics) ajoute la séance à votre agenda." in sent[0].body
    assert CommitteeSession.objects.get(pk=session.pk).convocations_sent_at is not None


def test_ics_escapes_text_and_folds_long_lines_between_characters():
    from core import ics

    start = datetime.datetime(2025, 12, 1, 18, 0, tzinfo=datetime.UTC)
    summary = "Séance; comité, « Hommelet » \\ " + "é" * 120 + "\nfin"
    content = ics.event_calendar(
        uid="seance-1@example.org", start=start, end=start + datetime.timedelta(hours=2), summary=summary
    )
    for raw in content.split(b"\r\n")[:-1]:
        assert len(raw) <= 75
        raw.decode("utf-8")  # never cut inside a character
    _physical, fields = parse_ics(content)
    assert fields["SUMMARY"][1] == summary
    assert "\\;" in content.decode() and "\\," in content.decode() and "\\\\" in content.decode()


def test_a_build_lost_by_a_dead_worker_is_queued_again(db, django_capture_on_commit_callbacks):
    from django.utils import timezone

    generated_documents.register_document(
        "tests.slow", build=lambda key: b"%PDF-1.4", fingerprint=lambda key: "v1", filename=lambda key: "s.pdf"
    )
    user = f.UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        lost = generated_documents.request_document(kind="tests.slow", key=1, user=user)
    with django_capture_on_commit_callbacks(execute=False):
        assert generated_documents.request_document(kind="tests.slow", key=1, user=user).pk == lost.pk
    GeneratedDocument.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        fresh = generated_documents.request_document(kind="tests.slow", key=1, user=user)
    fresh.refresh_from_db()
    assert fresh.pk != lost.pk and fresh.status == "ready" and fresh.file.read() == b"%PDF-1.4"
    assert not GeneratedDocument.objects.filter(pk=lost.pk).exists()  # the lost row is cleared once one is ready
