"""Loos-en-Gohelle's fifty/fifty (seed 003): an idea, meetings, what each side brings, a convention signed by
both parties (in the portal or on paper), the project carried out and showcased; initiatives; bâtisseurs."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEntry, OutboxMessage
from fiftyfifty import selectors, services
from fiftyfifty.models import Builder, Commitment, Initiative, Project, Signature
from fiftyfifty.workflow import TRANSITIONS, InitiativeStatus, Status
from tests.committee_helpers import client_for, page_text
from tests.fifty_helpers import COMMITMENTS, agreed, declare_initiative, fifty_fund, idea, signed_copy


@pytest.fixture
def fund(world):
    return fifty_fund(world)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- The workflow table ------------------------------------------------------------------------------------


def test_every_status_is_reachable_and_every_transition_is_from_the_table():
    targets = {t.target for t in TRANSITIONS}
    assert set(Status.values) - {Status.IDEA} == targets


# --- An idea -----------------------------------------------------------------------------------------------


def test_a_resident_proposes_an_idea_and_the_town_is_told(fund, resident, staff):
    response = client_for(resident).post(
        reverse("fiftyfifty:propose", args=[fund.slug]),
        {"title": "Un verger partagé", "idea": "Planter des arbres fruitiers.", "carried_by": "Amina et ses voisins"},
    )
    project = Project.objects.get(title="Un verger partagé")
    assert response.status_code == 302 and response.url == reverse("fiftyfifty:project", args=[project.pk])
    assert project.status == Status.IDEA and project.proposer == resident
    assert project.contact_email == resident.email
    message = OutboxMessage.objects.get(topic="fifty_idea")
    assert staff.email in message.recipients and "Un verger partagé" in message.subject
    assert AuditEntry.objects.filter(action="fifty.propose", target_id=str(project.pk)).exists()


def test_an_empty_idea_gets_french_errors_and_nothing_is_saved(fund, resident):
    response = client_for(resident).post(reverse("fiftyfifty:propose", args=[fund.slug]), {"title": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in page_text(response)
    assert not Project.objects.exists()


def test_a_pic_fund_does_not_take_ideas_and_a_fifty_fifty_takes_no_grant_request(world, fund, resident):
    assert client_for(resident).get(reverse("fiftyfifty:propose", args=[world.fund.slug])).status_code == 404
    response = client_for(resident).get(reverse("applications:start_application", args=[fund.slug]))
    assert response.status_code == 302 and response.url == reverse("fiftyfifty:propose", args=[fund.slug])


# --- Meetings, commitments, the convention -----------------------------------------------------------------


def test_the_first_meeting_opens_the_study(fund, resident, staff):
    project = idea(fund, resident)
    services.record_meeting(
        actor=staff, project=project, held_on=datetime.date(2025, 3, 4), attendees="", notes="Première rencontre."
    )
    project.refresh_from_db()
    assert project.status == Status.FEASIBILITY and project.meetings.count() == 1


def test_only_the_town_records_meetings_and_commitments(fund, resident, other_staff):
    project = idea(fund, resident)
    with pytest.raises(PermissionDenied):
        services.record_meeting(
            actor=other_staff, project=project, held_on=datetime.date(2025, 3, 4), attendees="", notes="x"
        )
    with pytest.raises(PermissionDenied):
        services.save_commitments(actor=resident, project=project, rows=COMMITMENTS)


def test_a_commitment_of_the_wrong_kind_for_its_side_is_refused(fund, resident, staff):
    project = idea(fund, resident)
    rows = [{"side": "residents", "kind": "financial", "description": "Argent", "value": 10}]
    with pytest.raises(ValidationError):
        services.save_commitments(actor=staff, project=project, rows=rows)
    assert not Commitment.objects.exists()


def test_the_convention_needs_what_each_side_brings(fund, resident, staff):
    project = idea(fund, resident)
    services.record_meeting(actor=staff, project=project, held_on=datetime.date(2025, 3, 4), attendees="", notes="x")
    services.save_commitments(actor=staff, project=project, rows=COMMITMENTS[1:])  # the commune only
    with pytest.raises(ValidationError, match="ce qu'apportent les habitants"):
        services.draft_convention(
            actor=staff, project=project, starts_on=datetime.date(2025, 4, 1), ends_on=datetime.date(2025, 6, 30)
        )
    project.refresh_from_db()
    assert project.status == Status.FEASIBILITY and not hasattr(project, "convention")


def test_the_convention_is_numbered_and_its_pdf_lists_parties_commitments_dates(fund, resident, staff):
    project = agreed(fund, resident, staff)
    assert project.status == Status.AGREED and project.convention.number == "FF-2025-001"
    assert resident.email in OutboxMessage.objects.get(topic="fifty_convention").recipients
    response = client_for(resident).get(reverse("fiftyfifty:convention_pdf", args=[project.pk]))
    text = pdf_text(response.content)
    assert "Convention fifty/fifty n° FF-2025-001" in text
    assert "Centre social de l'Hommelet" in text and "Les parents de l'école du centre" in text
    assert "Peinture de sol" in text and "450,00 €" in text and "Deux samedis de peinture" in text
    assert "Du 01/04/2025 au 30/06/2025 (91 jours)" in text
    assert "Nom, qualité, date et signature" in text


def test_commitments_are_frozen_once_the_convention_is_drafted_until_the_study_is_reopened(fund, resident, staff):
    project = agreed(fund, resident, staff)
    with pytest.raises(ValidationError):
        services.save_commitments(actor=staff, project=project, rows=COMMITMENTS)
    services.reopen_study(actor=staff, project=project)
    services.save_commitments(actor=staff, project=project, rows=COMMITMENTS[:2])
    services.draft_convention(
        actor=staff, project=project, starts_on=datetime.date(2025, 5, 1), ends_on=datetime.date(2025, 7, 31)
    )
    project.refresh_from_db()
    assert project.convention.number == "FF-2025-001" and project.commitments.count() == 2


# --- Signatures ----------------------------------------------------------------------------------------------


def test_both_parties_sign_in_the_portal_and_the_consent_is_recorded(fund, resident, staff):
    project = agreed(fund, resident, staff)
    response = client_for(resident).post(
        reverse("fiftyfifty:sign", args=[project.pk]),
        {"name": "Amina Habitante", "role_title": "habitante, pour le groupe", "accepted": "on"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.AGREED  # the commune has not signed yet
    services.sign_in_portal(
        actor=staff, project=project, name="Claire Porteuse", role_title="adjointe au maire", accepted=True
    )
    project.refresh_from_db()
    assert project.status == Status.SIGNED and project.convention.signed_on is not None
    residents = project.convention.signatures.get(party=Signature.Party.RESIDENTS)
    assert residents.method == "portal" and residents.user == resident and "FF-2025-001" in residents.consent
    text = pdf_text(client_for(staff).get(reverse("fiftyfifty:convention_pdf", args=[project.pk])).content)
    assert "Amina Habitante, habitante, pour le groupe" in text and "accord donné dans le portail" in text


def test_a_signature_without_the_box_ticked_is_refused(fund, resident, staff):
    project = agreed(fund, resident, staff)
    response = client_for(resident).post(
        reverse("fiftyfifty:sign", args=[project.pk]), {"name": "Amina", "role_title": "habitante"}
    )
    assert response.status_code == 400 and not Signature.objects.exists()


def test_nobody_else_signs_and_nobody_signs_twice(fund, resident, other_resident, staff):
    project = agreed(fund, resident, staff)
    with pytest.raises(PermissionDenied):
        services.sign_in_portal(actor=other_resident, project=project, name="B", role_title="x", accepted=True)
    services.sign_in_portal(actor=resident, project=project, name="A", role_title="habitante", accepted=True)
    with pytest.raises(ValidationError):
        services.sign_in_portal(actor=resident, project=project, name="A", role_title="habitante", accepted=True)


def sign_on_paper(staff, project, residents, commune, copy):
    """The staff record the paper signature: (name, role) of each side and the scanned copy."""
    return client_for(staff).post(
        reverse("fiftyfifty:paper_signature", args=[project.pk]),
        {
            "signed_on": datetime.date.today().isoformat(),
            "residents_name": residents[0],
            "residents_role": residents[1],
            "commune_name": commune[0],
            "commune_role": commune[1],
            "signed_copy": copy,
        },
    )


def test_a_paper_signature_keeps_the_signed_copy_and_names_each_signatory(fund, resident, staff):
    project = agreed(fund, resident, staff)
    response = sign_on_paper(
        staff, project, ("Amina Habitante", "habitante"), ("Claire Porteuse", "adjointe au maire"), signed_copy()
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.SIGNED and project.convention.signed_copy
    assert set(project.convention.signatures.values_list("method", flat=True)) == {"paper"}
    download = client_for(resident).get(reverse("fiftyfifty:signed_copy", args=[project.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_paper_signature_without_a_real_document_is_refused_and_nothing_is_kept(fund, resident, staff):
    project = agreed(fund, resident, staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_a_pdf = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = sign_on_paper(staff, project, ("A", "h"), ("C", "m"), not_a_pdf)
    assert response.status_code == 400 and "n'est pas un document PDF" in page_text(response)
    assert not Signature.objects.exists()


# --- Carried out, showcased ---------------------------------------------------------------------------------


def _signed(fund, resident, staff) -> Project:
    project = agreed(fund, resident, staff)
    services.sign_in_portal(actor=resident, project=project, name="Amina", role_title="habitante", accepted=True)
    services.sign_in_portal(actor=staff, project=project, name="Claire", role_title="adjointe", accepted=True)
    project.refresh_from_db()
    return project


def _carry_out(project, actor, **overrides) -> None:
    """`project` carried out as the town records it: public, 14 residents involved, or as `overrides` say."""
    data = {
        "carried_out_on": datetime.date(2025, 6, 21),
        "outcome": "La cour est repeinte.",
        "residents_involved": 14,
        "is_public": True,
    } | overrides
    services.carry_out(actor=actor, project=project, **data)


def test_a_carried_out_project_goes_on_the_showcase_and_the_years_highlight(fund, resident, staff):
    project = _signed(fund, resident, staff)
    response = client_for().get(reverse("fiftyfifty:showcase"))
    assert "Peindre la cour" not in page_text(response)
    _carry_out(project, staff)
    assert "Peindre la cour de l'école" in page_text(client_for().get(reverse("fiftyfifty:showcase")))
    highlight = page_text(client_for().get(reverse("fiftyfifty:highlight", args=[2025])))
    assert "Peindre la cour de l'école" in highlight and "14 habitants impliqués" in highlight
    assert client_for().get(reverse("fiftyfifty:highlight", args=[99999])).status_code == 404


def test_a_project_is_not_carried_out_before_its_convention_is_signed(fund, resident, staff):
    project = agreed(fund, resident, staff)
    with pytest.raises(ValidationError):
        _carry_out(project, staff, carried_out_on=datetime.date(2025, 6, 1), outcome="x", residents_involved=1)


def test_the_proposer_may_stop_the_project_with_a_reason(fund, resident, staff):
    project = idea(fund, resident)
    with pytest.raises(ValidationError):
        services.abandon(actor=resident, project=project, comment=" ")
    services.abandon(actor=resident, project=project, comment="Nous avons déménagé.")
    project.refresh_from_db()
    assert project.status == Status.ABANDONED


# --- Initiatives -------------------------------------------------------------------------------------------


def test_a_residents_initiative_waits_for_the_town_before_it_goes_public(fund, resident, staff):
    initiative = declare_initiative(fund, resident)
    assert initiative.status == InitiativeStatus.DECLARED
    assert client_for().get(reverse("fiftyfifty:initiative", args=[initiative.pk])).status_code == 404
    assert OutboxMessage.objects.filter(topic="fifty_initiative").exists()
    with pytest.raises(ValidationError):
        services.review_initiative(actor=staff, initiative=initiative, decision="reject", comment="")
    response = client_for(staff).post(
        reverse("fiftyfifty:initiative", args=[initiative.pk]), {"decision": "validate", "comment": ""}
    )
    assert response.status_code == 302
    assert client_for().get(reverse("fiftyfifty:initiative", args=[initiative.pk])).status_code == 200


def test_an_initiative_the_town_records_is_public_at_once_and_a_future_one_is_refused(fund, staff):
    data = {
        "title": "Fresque",
        "description": "Une fresque sur le mur de la salle.",
        "carried_by": "Une association",
        "happened_on": datetime.date(2025, 5, 1),
        "residents_involved": 5,
    }
    assert declare_initiative(fund, staff, **data).status == InitiativeStatus.VALIDATED
    with pytest.raises(ValidationError):
        declare_initiative(fund, staff, **data | {"happened_on": datetime.date(2999, 1, 1)})


def test_another_town_cannot_review_an_initiative(fund, resident, other_staff):
    initiative = Initiative.objects.create(
        fund=fund,
        title="x",
        description="y",
        carried_by="z",
        happened_on=datetime.date(2025, 1, 1),
        declared_by=resident,
    )
    with pytest.raises(PermissionDenied):
        services.review_initiative(actor=other_staff, initiative=initiative, decision="validate")
    response = client_for(other_staff).post(
        reverse("fiftyfifty:initiative", args=[initiative.pk]), {"decision": "validate"}
    )
    assert response.status_code == 404


# --- Bâtisseurs and figures --------------------------------------------------------------------------------


def test_a_resident_joins_the_builders_with_consent_and_leaves_erasing_the_entry(world, fund, resident, staff):
    url = reverse("fiftyfifty:join_builders", args=[world.hommelet.slug])
    refused = client_for(resident).post(url, {"name": "Amina", "email": resident.email})
    assert refused.status_code == 400 and not Builder.objects.exists()
    response = client_for(resident).post(
        url, {"name": "Amina", "email": resident.email, "phone": "", "wishes": "Un jardin", "contact_consent": "on"}
    )
    assert response.status_code == 302
    builder = Builder.objects.get(user=resident)
    assert builder.consent_at is not None
    assert "Amina" in page_text(client_for(staff).get(reverse("fiftyfifty:builders")))
    client_for(resident).post(reverse("fiftyfifty:leave_builders", args=[world.hommelet.slug]))
    assert not Builder.objects.exists()


def test_the_figures_count_conventions_support_by_kind_and_residents(
    fund, resident, staff, django_assert_max_num_queries
):
    project = _signed(fund, resident, staff)
    _carry_out(project, staff, carried_out_on=datetime.date.today(), outcome="Fait")
    year = datetime.date.today().year
    with django_assert_max_num_queries(12):
        figures = selectors.figures(user=staff, year=year)
    assert figures["conventions_signed"] == 1 and figures["projects_done"] == 1
    by_kind = {row["kind"]: row["total"] for row in figures["support_by_kind"]}
    assert by_kind["financial"] == 450 and by_kind["technical"] == 120 and by_kind["advice"] == 0
    assert figures["residents_involved"] == 14 and figures["meetings"] == 0  # the meeting was in 2025
    page = page_text(client_for(staff).get(reverse("fiftyfifty:figures"), {"annee": year}))
    assert "570,00 €" in page


def test_the_town_desk_costs_the_same_with_more_projects(fund, resident, staff, django_assert_num_queries):
    idea(fund, resident)
    client = client_for(staff)
    client.get(reverse("fiftyfifty:town_desk"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("fiftyfifty:town_desk"))
    for number in range(10):
        idea(fund, resident, title=f"Idée {number}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("fiftyfifty:town_desk"))
    assert len(many) == len(few)


# --- Who may see what ----------------------------------------------------------------------------------------


def test_a_project_is_hidden_from_other_residents_other_towns_and_funders(
    fund, resident, other_resident, other_staff, region_staff, staff
):
    project = agreed(fund, resident, staff)
    for user in (other_resident, other_staff, region_staff):
        for name in ("project", "convention_pdf", "sign", "abandon"):
            assert client_for(user).get(reverse(f"fiftyfifty:{name}", args=[project.pk])).status_code == 404
    for name in ("record_meeting", "commitments", "draft_convention", "paper_signature", "carry_out"):
        assert client_for(resident).get(reverse(f"fiftyfifty:{name}", args=[project.pk])).status_code == 404
    assert client_for(resident).get(reverse("fiftyfifty:town_desk")).status_code == 404


def test_the_commitments_page_saves_filled_lines_and_leaves_blank_ones(fund, resident, staff):
    project = idea(fund, resident)
    url = reverse("fiftyfifty:commitments", args=[project.pk])
    client = client_for(staff)
    form = client.get(url).context["formset"]
    data = {
        "engagement-TOTAL_FORMS": str(form.total_form_count()),
        "engagement-INITIAL_FORMS": str(form.initial_form_count()),
        "engagement-0-side": "residents",
        "engagement-0-kind": "tasks",
        "engagement-0-description": "Fabrication",
        "engagement-0-value": "",
        "engagement-1-side": "commune",
        "engagement-1-kind": "technical",
        "engagement-1-description": "Atelier",
        "engagement-1-value": "1 250,50",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert sorted(project.commitments.values_list("value", flat=True)) == [0, Decimal("1250.50")]
    data["engagement-1-kind"] = "financial"
    data["engagement-0-kind"] = "advice"  # the residents do not give advice in the table's words
    response = client.post(url, data)
    assert response.status_code == 400 and "Les habitants apportent des tâches" in page_text(response)


def test_personal_data_export_and_account_closing_cover_the_fifty_fifty(world, fund, resident, staff):
    from portal.privacy.closing import close_account
    from portal.privacy.export import export_user_data
    from tests.factories import DEFAULT_PASSWORD

    project = idea(fund, resident, contact_phone="06 00 00 00 00")
    services.join_builders(
        actor=resident,
        association=world.hommelet,
        data={"name": "Amina", "email": resident.email, "phone": "", "wishes": "", "contact_consent": True},
    )
    exported = export_user_data(user=resident)["fifty_fifty"]
    assert exported["projects"][0]["title"] == project.title and exported["builders"][0]["name"] == "Amina"
    close_account(user=resident, password=DEFAULT_PASSWORD)
    project.refresh_from_db()
    assert not Builder.objects.exists() and project.contact_phone == "" and project.contact_email == ""
