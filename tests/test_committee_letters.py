"""Issue 16, "letters and minutes an association can sign": the committee's settings page (signatory, chair,
secretary, appeal route), the decision letters (greeting by name, co-funders, signatory, appeal route), the
minutes (present / excused / absent, corrected votes with date and reason, signature block) and the bilan PDF
(holder named, certification ticked when filing). Every PDF is read back with pypdf."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.documents import render_minutes_pdf, render_notification_letter_pdf
from committees.models import Attendance, Committee, Decision
from core.french import join_list, of_name, of_names
from core.models import AuditEntry
from reports import services as report_services
from reports.documents.bilan_pdf import render_cvs_bilan_pdf, render_pic_bilan_pdf
from reports.models import BilanStatus
from tests import factories as f
from tests.bilan_fixtures import fill_for_submission
from tests.committee_helpers import (
    ABSTAIN,
    AGAINST,
    FOR,
    cast,
    client_for,
    decided_item,
    eligible_application,
    granted_item,
    make_board,
    page_text,
    page_url,
    pdf_words,
    put_on_agenda,
    seat,
)

# --- French grammar of the letters ------------------------------------------------------------------------


def test_join_list_writes_the_french_list():
    assert join_list([]) == ""
    assert join_list(["Région"]) == "Région"
    assert join_list(["Région", "Ville"]) == "Région et Ville"
    assert join_list(["Région", "Ville", "CAF"]) == "Région, Ville et CAF"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Région Hauts-de-France", "de la Région Hauts-de-France"),
        ("Ville de Roubaix", "de la Ville de Roubaix"),
        ("Département du Nord", "du Département du Nord"),
        ("État", "de l'État"),
        ("Office public de l'habitat", "de l'Office public de l'habitat"),
        ("Métropole Européenne de Lille", "de la Métropole Européenne de Lille"),
        ("CAF du Nord", "de la CAF du Nord"),
        ("Vilogia", "de Vilogia"),
        ("Le Grand Roubaix", "du Grand Roubaix"),
    ],
)
def test_of_name_takes_the_right_article(name, expected):
    assert of_name(name) == expected


def test_of_names_joins_the_cofunders():
    assert of_names(["Région Hauts-de-France", "Ville de Roubaix"]) == (
        "de la Région Hauts-de-France et de la Ville de Roubaix"
    )


# --- A closed session ---------------------------------------------------------------------------------------


@pytest.fixture
def sitting(world, staff):
    """A closed session of the Hommelet committee: chair and secretary set; Alice, Bilal, Chloé, Driss present,
    Emma excused, the elected member absent; one request granted in full, one reduced (1 500 → 1 000 €) after a
    corrected vote, one refused, one deferred."""
    world.fund.max_grant = Decimal("1500")
    world.fund.save()
    board = make_board(world, staff)
    seat(board, staff, count=4)
    services.record_attendance(user=staff, session=board.session, member=board.voters[4], present=False, excused=True)
    services.record_attendance(user=staff, session=board.session, member=board.ex_officio, present=False)
    services.update_committee_settings(
        user=staff,
        committee=board.committee,
        signatory_name="Fatima Exemple",
        signatory_role="présidente du comité",
        chair=board.voters[0],
        secretary_name="Camille Secrétaire",
        secretary_role="chargée de mission",
        appeal_text="",
    )
    holder = f.HolderFactory(name="Les voisins du square", referent_name="Nadia Référente")
    full, _ = granted_item(
        board, staff, eligible_application(world.fund, amount="800", title="Fête des voisins"), "800"
    )
    reduced = put_on_agenda(
        board,
        staff,
        eligible_application(world.fund, amount="1500", title="Repair café", holder=holder, created_by=holder.owner),
    )
    cast(staff, reduced, board.voters[:3], (FOR, FOR, AGAINST))
    services.correct_vote(user=staff, item=reduced, member=board.voters[2], choice=ABSTAIN, reason="Main levée mal lue")
    services.decide(
        user=staff,
        item=reduced,
        outcome=Decision.Outcome.GRANTED,
        amount=Decimal("1000"),
        reason="Le devis de la tonnelle n'est pas retenu",
    )
    refused, _ = decided_item(
        board,
        staff,
        eligible_application(world.fund, title="Voyage à Disneyland"),
        (AGAINST, AGAINST, FOR),
        Decision.Outcome.REFUSED,
        reason="Projet hors du quartier",
    )
    deferred = put_on_agenda(board, staff, eligible_application(world.fund, title="Fresque du square"))
    services.decide(user=staff, item=deferred, outcome=Decision.Outcome.DEFERRED, reason="Devis attendu")
    session = services.close_session(user=staff, session=board.session)
    return {
        "board": board,
        "session": session,
        "full": full,
        "reduced": reduced,
        "refused": refused,
        "deferred": deferred,
    }


def letter(item) -> str:
    return pdf_words(render_notification_letter_pdf(decision=Decision.objects.get(item=item)))


APPEAL = "dans un délai de deux mois à compter de la réception de ce courrier"


# --- Decision letters ---------------------------------------------------------------------------------------


def test_letter_greets_by_name_thanks_the_cofunders_and_is_signed(sitting):
    text = letter(sitting["reduced"])
    assert "Bonjour Nadia Référente," in text
    assert "Madame, Monsieur," not in text
    assert "Ce fonds est mis en œuvre avec le soutien de la Région Hauts-de-France et de la Ville de Roubaix." in text
    assert "Fatima Exemple présidente du comité" in text
    assert text.index("Pour le comité d'attribution") < text.index("Fatima Exemple")


def test_letter_for_a_reduced_grant_states_the_appeal_route(world, sitting):
    text = letter(sitting["reduced"])
    assert "subvention de 1 000,00 € (montant demandé : 1 500,00 €)" in text
    assert "Le comité a accordé un montant inférieur au montant demandé." in text
    assert "Motif : Le devis de la tonnelle n'est pas retenu" in text
    assert "Demander un nouvel examen" in text
    assert APPEAL in text
    association = world.hommelet
    assert f"Écrivez à {association.name}, {association.address}, {association.postcode} {association.city}" in text


def test_letter_for_a_refusal_states_the_appeal_route(sitting):
    text = letter(sitting["refused"])
    assert "n'a pas retenu votre demande" in text and APPEAL in text


def test_letter_for_a_full_grant_or_a_deferral_has_no_appeal(sitting):
    for key in ("full", "deferred"):
        text = letter(sitting[key])
        assert "nouvel examen" not in text and APPEAL not in text, key
    assert "montant inférieur" not in letter(sitting["full"])


def test_letter_uses_the_committees_own_appeal_text(staff, sitting):
    committee = sitting["board"].committee
    committee.appeal_text = "Écrivez au président du conseil d'administration sous un mois."
    committee.save()
    text = letter(sitting["refused"])
    assert "Écrivez au président du conseil d'administration sous un mois." in text
    assert APPEAL not in text


def test_letter_without_signatory_nor_cofunders_falls_back_plainly(world, staff, sitting):
    Committee.objects.filter(pk=sitting["board"].committee.pk).update(signatory_name="", signatory_role="")
    world.fund.cofunders.all().delete()
    text = letter(sitting["full"])
    assert "Fatima Exemple" not in text and "avec le soutien" not in text
    assert f"Pour le comité d'attribution, {world.hommelet.name}" in text


def test_letter_greets_the_author_when_the_request_has_no_holder(world, staff, sitting):
    item = sitting["full"]
    application = item.application
    application.holder = None
    application.save(update_fields=["holder"])
    author = application.created_by
    assert f"Bonjour {author.get_full_name()}," in letter(item)


# --- Minutes ------------------------------------------------------------------------------------------------


def test_minutes_list_present_excused_and_absent_members(sitting):
    text = pdf_words(render_minutes_pdf(session=sitting["session"]))
    assert "Présents (4) : Votant·e Alice, Votant·e Bilal, Votant·e Chloé, Votant·e Driss." in text
    assert "Excusés (1) : Votant·e Emma." in text
    assert "Absents (1) : Élu délégué." in text
    assert "Votant·e Emma Habitant·e Excusé·e" in text


def test_minutes_show_a_corrected_vote_with_its_date_and_reason(sitting):
    text = pdf_words(render_minutes_pdf(session=sitting["session"]))
    correction = sitting["reduced"].votes.get(member=sitting["board"].voters[2]).corrections.get()
    day = timezone.localdate(correction.corrected_at)
    assert f"Votant·e Chloé : vote corrigé le {day:%d/%m/%Y} à " in text
    assert ": contre → abstention. Motif : Main levée mal lue" in text


def test_minutes_end_with_the_signature_block(world, sitting):
    text = pdf_words(render_minutes_pdf(session=sitting["session"]))
    signed_on = sitting["session"].closed_at
    assert f"Fait à Roubaix, le {timezone.localdate(signed_on):%d/%m/%Y}." in text
    block = text[text.index("Fait à Roubaix") :]
    assert "Le président ou la présidente du comité" in block and "Le ou la secrétaire de séance" in block
    assert "Votant·e Alice" in block and "Président·e du comité" in block
    assert "Camille Secrétaire" in block and "chargée de mission" in block
    assert block.count("Signature :") == 2
    assert text.index("Reste de l'enveloppe") < text.index("Fait à Roubaix")


def test_minutes_without_chair_nor_secretary_leave_lines_to_fill(world, staff):
    board = make_board(world, staff)
    seat(board, staff)
    text = pdf_words(render_minutes_pdf(session=board.session))
    block = text[text.index("Fait à") :]
    assert block.count("Nom : ____") == 2


# --- Attendance: excused ------------------------------------------------------------------------------------


def test_attendance_form_notes_an_excused_member(world, staff, board):
    seat(board, staff, count=0)
    emma, alice = board.voters[4], board.voters[0]
    data = {f"presence-member_{alice.pk}": "on", f"presence-excused_{emma.pk}": "on"}
    response = client_for(staff).post(page_url("record_attendance", board.session.pk), data)
    assert response.status_code == 302
    assert Attendance.objects.get(session=board.session, member=emma).excused
    assert Attendance.objects.get(session=board.session, member=alice).present
    page = page_text(client_for(staff).get(page_url("session_detail", board.session.pk)))
    assert f'name="presence-excused_{emma.pk}"' in page and "excusé·e" in page


def test_a_member_ticked_present_and_excused_is_present(world, staff, board):
    seat(board, staff, count=0)
    alice = board.voters[0]
    services.record_attendances(user=staff, session=board.session, presence={alice: True}, excused={alice})
    attendance = Attendance.objects.get(session=board.session, member=alice)
    assert attendance.present and not attendance.excused


# --- The committee's settings page --------------------------------------------------------------------------


def settings_data(**overrides) -> dict:
    data = {
        "signatory_name": "Fatima Exemple",
        "signatory_role": "présidente du comité",
        "chair": "",
        "secretary_name": "Camille Secrétaire",
        "secretary_role": "chargée de mission",
        "appeal_text": "",
    }
    return {**data, **overrides}


def test_staff_set_the_committees_signatory_chair_and_secretary(world, staff):
    committee = world.committee
    chair = f.CommitteeMemberFactory(committee=committee, full_name="Présidente Votante")
    f.CommitteeMemberFactory(committee=committee, full_name="Élue Sans Vote", college="ex_officio")
    client = client_for(staff)
    page = page_text(client.get(page_url("committee_settings", committee.pk)))
    assert "Réglages du comité" in page and "Présidente Votante" in page
    assert "Élue Sans Vote" not in page  # a member without a vote cannot chair

    response = client.post(page_url("committee_settings", committee.pk), settings_data(chair=str(chair.pk)))
    assert response.status_code == 302 and response["Location"] == page_url("committee_detail", committee.pk)
    committee.refresh_from_db()
    assert (committee.signatory_name, committee.signatory_role) == ("Fatima Exemple", "présidente du comité")
    assert committee.chair == chair and committee.secretary_name == "Camille Secrétaire"
    entry = AuditEntry.objects.get(action="committees.update_settings")
    assert entry.actor == staff and entry.data["changes"]["signatory_name"]["after"] == "Fatima Exemple"
    detail = page_text(client.get(page_url("committee_detail", committee.pk)))
    assert "Fatima Exemple, présidente du comité" in detail


def test_settings_errors_say_how_to_fix_and_save_nothing(world, staff):
    committee = world.committee
    client = client_for(staff)
    response = client.post(
        page_url("committee_settings", committee.pk), settings_data(signatory_name="", chair="999999")
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Choisissez le président ou la présidente dans la liste des membres." in text
    response = client.post(page_url("committee_settings", committee.pk), settings_data(signatory_name=""))
    assert response.status_code == 400
    assert "Indiquez le nom de la personne qui signe, ou effacez sa fonction." in page_text(response)
    committee.refresh_from_db()
    assert committee.signatory_role == "" and committee.secretary_name == ""
    assert not AuditEntry.objects.filter(action="committees.update_settings").exists()


def test_casting_vote_needs_a_chair(world, staff):
    committee = world.committee
    committee.tie_rule = Committee.TieRule.CASTING_VOTE
    chair = f.CommitteeMemberFactory(committee=committee)
    committee.chair = chair
    committee.save()
    response = client_for(staff).post(page_url("committee_settings", committee.pk), settings_data(chair=""))
    assert response.status_code == 400
    assert "La voix prépondérante est celle du président ou de la présidente" in page_text(response)
    committee.refresh_from_db()
    assert committee.chair == chair


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_staff", 404),
        ("resident", 404),
        ("committee_member", 403),
        ("region_staff", 404),
        ("outsider", 404),
    ],
)
def test_settings_page_is_refused_to_whoever_does_not_run_the_committee(world, request, persona, status):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = page_url("committee_settings", world.committee.pk)
    assert client.get(url).status_code == status
    assert client.post(url, settings_data()).status_code == status
    world.committee.refresh_from_db()
    assert world.committee.signatory_name == ""


def update_settings(user, committee, **fields):
    """The settings service called with every field blank but `fields`."""
    blank = dict.fromkeys(("signatory_name", "signatory_role", "secretary_name", "secretary_role", "appeal_text"), "")
    return services.update_committee_settings(user=user, committee=committee, **{**blank, "chair": None, **fields})


def test_the_service_refuses_other_associations_staff(world, other_staff):
    with pytest.raises(PermissionDenied):
        update_settings(other_staff, world.committee, signatory_name="X")


def test_the_service_refuses_a_chair_of_another_committee(world, staff):
    stranger = f.CommitteeMemberFactory(committee=f.CommitteeFactory(fund=world.fund))
    with pytest.raises(ValidationError) as error:
        update_settings(staff, world.committee, chair=stranger)
    assert "chair" in error.value.message_dict


def test_the_session_page_offers_a_reason_for_a_vote_correction(world, staff, open_board):
    board, item = open_board
    cast(staff, item, board.voters[:1], (FOR,))
    alice = board.voters[0]
    data = {
        f"correction-{item.pk}-member": str(alice.pk),
        f"correction-{item.pk}-choice": AGAINST,
        f"correction-{item.pk}-reason": "Erreur de saisie",
    }
    response = client_for(staff).post(page_url("correct_vote", board.session.pk, item.pk), data)
    assert response.status_code == 302
    correction = item.votes.get(member=alice).corrections.get()
    assert correction.reason == "Erreur de saisie"
    page = page_text(client_for(staff).get(page_url("session_detail", board.session.pk)))
    assert "Motif : Erreur de saisie" in page


# --- The bilan PDF ------------------------------------------------------------------------------------------


def test_pic_bilan_pdf_names_the_holder_and_prints_the_certification(world, resident, client):
    application = f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    holder = application.holder
    bilan = fill_for_submission(report_services.start_bilan(user=resident, application=application), resident)
    before = pdf_words(render_pic_bilan_pdf(bilan=bilan))
    assert "Bilan pas encore déposé" in before

    client.force_login(resident)
    response = client.post(reverse("reports:bilan_section", kwargs={"pk": application.pk, "section": "envoi"}), {})
    assert response.status_code == 200  # not ticked: not filed, nothing certified
    bilan.refresh_from_db()
    assert bilan.certified_at is None and bilan.status == BilanStatus.DRAFT
    response = client.post(
        reverse("reports:bilan_section", kwargs={"pk": application.pk, "section": "envoi"}), {"confirm": "on"}
    )
    assert response.status_code == 302
    bilan.refresh_from_db()
    assert bilan.certification_text == "Je certifie que les informations de ce bilan sont exactes."
    assert bilan.certified_at is not None

    text = pdf_words(render_pic_bilan_pdf(bilan=bilan))
    assert f"Porteur du projet Collectif d'habitant·es « {holder.name} », représenté par {holder.referent_name}" in text
    assert ", avec 2 co-porteur·ses." in text.replace("co- porteur", "co-porteur")  # a line may break at the hyphen
    ticked = timezone.localtime(bilan.certified_at)
    assert "Certification du porteur « Je certifie que les informations de ce bilan sont exactes. »" in text
    assert f"Case cochée au dépôt du bilan, le {ticked:%d/%m/%Y} à {ticked:%H:%M}." in text


def test_cvs_bilan_pdf_names_an_association_and_its_representative(world, resident):
    holder = f.HolderFactory(
        owner=resident, kind="association", name="Association des jardins", referent_name="Karim Président"
    )
    application = f.GrantedApplicationFactory(fund=f.CvsFundFactory(), created_by=resident, holder=holder)
    bilan = f.CvsBilanFactory(application=application, created_by=resident)
    text = pdf_words(render_cvs_bilan_pdf(bilan=bilan))
    assert "Association « Association des jardins », représentée par Karim Président." in text
    assert "Bilan pas encore déposé" in text


def test_bilan_filed_before_the_certification_was_stored_says_so(world, resident):
    application = f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    bilan = fill_for_submission(report_services.start_bilan(user=resident, application=application), resident)
    bilan = report_services.submit_bilan(user=resident, bilan=bilan)
    type(bilan).objects.filter(pk=bilan.pk).update(certification_text="", certified_at=None)
    bilan.refresh_from_db()
    text = pdf_words(render_pic_bilan_pdf(bilan=bilan))
    assert "avant que le portail conserve le texte de la certification cochée" in text


def test_closed_session_page_lists_excused_members_apart(world, staff, board):
    """The session page lists excused members apart from absent ones once the session is closed."""
    seat(board, staff, count=3)
    services.record_attendance(user=staff, session=board.session, member=board.voters[4], present=False, excused=True)
    services.close_session(user=staff, session=board.session)
    page = page_text(client_for(staff).get(page_url("session_detail", board.session.pk)))
    assert "Votant·e Emma</th><td>Habitant·e</td><td>excusé·e" in page
    assert "Votant·e Emma</th><td>Habitant·e</td><td>absent·e" not in page
