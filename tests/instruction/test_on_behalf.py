"""Filing on behalf of a resident (issue 17): staff open and fill a request for a holder without an account,
record the holder's agreement with the signed paper form, file it, instruct it, and invite the holder to take it
over; a closed call is bypassed only through this path, with a reason kept in the audit log."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import rules, selectors, services
from applications.models import Application, Attachment, Holder, HolderLink
from applications.workflow import Status
from core.models import AuditEntry
from tests import factories as f
from tests.factories.applications import MINIMAL_PDF
from tests.instruction.helpers import client_of, errors, html_of, page_of
from tests.request_fixtures import NEW_GROUP_HOLDER, NOW, step_url

HOLDER_NAME = "Les jardiniers du square"


def signed_form() -> SimpleUploadedFile:
    return SimpleUploadedFile("formulaire-signe.pdf", MINIMAL_PDF, content_type="application/pdf")


@pytest.fixture
def confirmed_staff(staff):
    staff.email_confirmed_at = NOW
    staff.save(update_fields=["email_confirmed_at"])
    return staff


def on_behalf_draft(world, staff, **kwargs) -> Application:
    """A complete draft that `staff` fill in for a holder typed in by them (no agreement recorded yet)."""
    holder = f.HolderFactory(owner=staff, entered_by_staff=True, name=HOLDER_NAME, referent_name="Mme Jardin")
    application = f.ApplicationFactory(
        fund=world.fund,
        created_by=staff,
        filed_on_behalf_by=staff,
        holder=holder,
        holder_email="amina.resident@example.org",
        title="Potager partagé",
        **kwargs,
    )
    f.AttachmentFactory(application=application)
    return application


def filed_on_behalf(world, staff) -> Application:
    application = on_behalf_draft(world, staff)
    services.record_holder_agreement(
        user=staff,
        application=application,
        agreed_on=datetime.date(2025, 3, 8),
        method=Application.AgreementMethod.PAPER_FORM,
        signed_form=signed_form(),
    )
    services.submit_application(user=staff, application=application, today=NOW.date())
    application.refresh_from_db()
    return application


# --- Opening the draft --------------------------------------------------------------------------------------


def test_staff_open_a_draft_for_a_holder_then_fill_the_resident_steps(world, staff):
    client = client_of(staff)
    url = reverse("staff:start_on_behalf")
    html = html_of(client.get(url))
    assert "Déposer une demande pour un porteur" in html and world.fund.name in html
    assert world.other_fund.name not in html  # only the funds of their own association
    response = client.post(url, {"fund": world.fund.pk, "holder_email": "amina.resident@example.org"})
    application = Application.objects.get(filed_on_behalf_by=staff)
    assert response.url == step_url(application, "holder")
    assert application.created_by == staff and application.status == Status.DRAFT
    assert application.holder_email == "amina.resident@example.org" and application.late_entry_reason == ""
    assert AuditEntry.objects.filter(action="application.start_on_behalf", target_id=str(application.pk)).exists()

    # The resident's own holder step, typed by staff: the holder is marked as entered for a resident.
    response = client.post(step_url(application, "holder"), {**NEW_GROUP_HOLDER, "new-name": HOLDER_NAME})
    assert response.status_code == 302, html_of(response)
    application.refresh_from_db()
    assert application.holder.name == HOLDER_NAME and application.holder.entered_by_staff is True
    # The agreement is asked before filing, on the summary step.
    html = html_of(client.get(step_url(application, "summary")))
    assert "Noter l'accord du porteur" in html


@pytest.mark.parametrize("persona", ["resident", "outsider", "committee_member", "region_staff"])
def test_only_association_staff_open_a_draft_for_a_holder(request, world, persona):
    client = client_of(request.getfixturevalue(persona))
    url = reverse("staff:start_on_behalf")
    assert client.get(url).status_code == 403
    assert client.post(url, {"fund": world.fund.pk}).status_code == 403
    assert not Application.objects.filter(filed_on_behalf_by__isnull=False).exists()


def test_other_association_staff_cannot_file_in_a_fund_not_theirs(world, other_staff):
    response = client_of(other_staff).post(reverse("staff:start_on_behalf"), {"fund": world.fund.pk})
    assert response.status_code == 200 and "Choisissez un fonds de la liste." in html_of(response)
    with pytest.raises(Exception) as caught:
        services.start_draft_on_behalf(user=other_staff, fund=world.fund)
    assert "Seule l'équipe de l'association porteuse" in str(caught.value)
    assert not Application.objects.exists()


def test_a_closed_call_needs_a_reason_kept_in_the_audit_log_and_shown_on_the_request(world, staff, resident):
    closed = f.FundFactory(
        association=world.hommelet,
        name="PIC Hommelet 2024",
        slug="pic-hommelet-2024",
        year=2024,
        call_opens_on=datetime.date(2024, 1, 1),
        call_closes_on=datetime.date(2024, 12, 31),
        themes=world.themes,
        neighbourhoods=[world.neighbourhood],
    )
    client = client_of(staff)
    response = client.post(reverse("staff:start_on_behalf"), {"fund": closed.pk})
    assert response.status_code == 200
    assert "écrivez pourquoi dans « Motif de la saisie hors appel »" in html_of(response)
    assert not Application.objects.exists()
    # Residents never bypass the closed call.
    with pytest.raises(Exception) as caught:
        services.start_draft(user=resident, fund=closed)
    assert "il est clos" in errors(caught)

    reason = "Micro-projet réalisé en juin 2024, saisi pour les archives avec son bilan."
    client.post(reverse("staff:start_on_behalf"), {"fund": closed.pk, "late_entry_reason": reason})
    application = Application.objects.get(fund=closed)
    assert application.late_entry_reason == reason
    entry = AuditEntry.objects.get(action="application.late_entry", target_id=str(application.pk))
    assert reason in entry.summary and entry.data["call_open"] is False
    # The closed call does not stop the filing through this path (the other rules still apply).
    Application.objects.filter(pk=application.pk).update(
        title="Fête des jardins 2024",
        holder=f.HolderFactory(owner=staff, entered_by_staff=True, name=HOLDER_NAME),
        theme=world.themes[0],
        objectives="Se retrouver.",
        description="Une fête.",
        starts_at=datetime.datetime(2024, 6, 14, 14, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2024, 6, 14, 18, tzinfo=datetime.UTC),
        place="Square",
        neighbourhood=world.neighbourhood,
        expected_public="Familles",
        expected_women=3,
        expected_men=2,
        residents_mobilised=2,
        amount_requested=100,
    )
    application.refresh_from_db()
    f.BudgetLineFactory(application=application, side="expense", category="60", amount=100)
    f.AttachmentFactory(application=application)
    messages = rules.validate_for_submission(application=application, today=NOW.date())
    assert "summary" in messages and not any("clos" in m for m in messages["summary"])
    assert any("accord du porteur" in m for m in messages["summary"])


def test_a_linked_staff_member_cannot_file_for_that_holder(world, staff):
    HolderLink.objects.create(user=staff, holder_name=HOLDER_NAME, reason="Ma sœur est la référente")
    application = services.start_draft_on_behalf(user=staff, fund=world.fund)
    response = client_of(staff).post(step_url(application, "holder"), {**NEW_GROUP_HOLDER, "new-name": HOLDER_NAME})
    assert response.status_code == 200
    assert "Vous avez déclaré un lien avec ce porteur" in html_of(response)
    application.refresh_from_db()
    assert application.holder_id is None and not Holder.objects.filter(name=HOLDER_NAME).exists()


# --- The holder's agreement and the filing ------------------------------------------------------------------


def test_filing_on_behalf_needs_the_agreement_and_the_signed_paper_form(world, confirmed_staff):
    staff = confirmed_staff
    application = on_behalf_draft(world, staff)
    with pytest.raises(Exception) as caught:
        services.submit_application(user=staff, application=application, today=NOW.date())
    assert "Enregistrez l'accord du porteur" in errors(caught)
    assert "Formulaire papier signé par le porteur" in errors(caught)

    client = client_of(staff)
    url = reverse("staff:holder_agreement", kwargs={"pk": application.pk})
    response = client.post(url, {"agreed_on": "2025-03-08", "method": "paper_form", "version": application.version})
    assert response.status_code == 200 and "Joignez le formulaire papier signé" in html_of(response)
    response = client.post(url, {"agreed_on": "2025-04-08", "method": "paper_form", "signed_form": signed_form()})
    assert "ne peut pas être dans le futur" in html_of(response)
    response = client.post(
        url,
        {
            "agreed_on": "2025-03-08",
            "method": "paper_form",
            "signed_form": signed_form(),
            "version": application.version,
        },
    )
    assert response.url == step_url(application, "summary")
    application.refresh_from_db()
    assert application.holder_agreed_on == datetime.date(2025, 3, 8)
    assert application.attachments.filter(kind=Attachment.Kind.SIGNED_FORM).count() == 1
    assert AuditEntry.objects.filter(action="application.holder_agreement").exists()

    services.submit_application(user=staff, application=application, today=NOW.date())
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.reference
    entry = AuditEntry.objects.get(action="application.submit_on_behalf")
    assert (
        entry.summary == f"Demande {application.reference} déposée par Claire Porteuse pour le compte de {HOLDER_NAME}"
    )


@pytest.mark.parametrize("persona", ["other_staff", "resident", "outsider", "admin_user"])
def test_only_the_filing_staff_member_records_the_agreement(request, world, staff, persona):
    application = on_behalf_draft(world, staff)
    url = reverse("staff:holder_agreement", kwargs={"pk": application.pk})
    assert client_of(request.getfixturevalue(persona)).get(url).status_code == 404
    assert client_of(staff).get(url).status_code == 200


def test_residents_never_see_the_signed_form_kind(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    html = html_of(client_of(resident).get(step_url(application, "attachments")))
    assert "Formulaire papier signé" not in html


# --- Instruction by the staff who filed it ----------------------------------------------------------------


def test_the_staff_who_filed_it_instruct_it_and_the_page_says_for_whom(world, confirmed_staff):
    application = filed_on_behalf(world, confirmed_staff)
    client = client_of(confirmed_staff)
    html = html_of(client.get(page_of(application)))
    assert f"Déposée par Claire Porteuse pour le compte de {HOLDER_NAME}" in html
    assert "le 08/03/2025 : Formulaire papier signé" in html
    assert "aucun : demande saisie par l'équipe pour le porteur" in html
    services.start_review(user=confirmed_staff, application=application)
    assert application.status == Status.UNDER_REVIEW


def test_a_linked_staff_member_cannot_instruct_a_request_filed_on_behalf(world, confirmed_staff, holder_staff_of):
    application = filed_on_behalf(world, confirmed_staff)
    linked = holder_staff_of(HOLDER_NAME)
    assert client_of(linked).get(page_of(application)).status_code == 403
    with pytest.raises(Exception) as caught:
        services.start_review(user=linked, application=application)
    assert "un·e autre membre de l'équipe doit l'instruire" in str(caught.value)


@pytest.fixture
def holder_staff_of(world):
    def make(name: str):
        user = f.UserFactory(email="staff.lie2@example.org", first_name="Lina", last_name="Liée")
        f.AssociationStaffFactory(association=world.hommelet, user=user)
        HolderLink.objects.create(user=user, holder_name=name, reason="Membre du bureau du collectif")
        return user

    return make


def test_the_second_request_cap_counts_the_holder_not_the_staff_member(world, confirmed_staff):
    world.fund.max_grant_second_request = 100
    world.fund.save()
    filed_on_behalf(world, confirmed_staff)
    other = on_behalf_draft(world, confirmed_staff)
    Holder.objects.filter(pk=other.holder_id).update(name="Un autre collectif")
    other.refresh_from_db()
    assert rules.is_second_request(fund=world.fund, user=confirmed_staff, application=other) is False


# --- Taking the request over ------------------------------------------------------------------------------


def test_the_holder_takes_the_request_over_from_the_invitation_link(
    world, confirmed_staff, resident, other_resident, django_capture_on_commit_callbacks
):
    application = filed_on_behalf(world, confirmed_staff)
    staff_client = client_of(confirmed_staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("staff:invite_holder", kwargs={"pk": application.pk}),
            {"invitation-holder_email": "amina.resident@example.org", "invitation-version": application.version},
        )
    assert response.url == page_of(application) + "#pour-le-compte"
    invitations = [m for m in mail.outbox if "reprenez-la avec votre compte" in m.subject]
    assert len(invitations) == 1 and invitations[0].to == ["amina.resident@example.org"]
    link = re.search(r"https?://\S+/demandes/reprendre/\S+/", invitations[0].body).group(0)
    path = link[link.index("/demandes/") :]
    assert AuditEntry.objects.filter(action="application.invite_takeover").exists()

    # The staff member who filed it cannot take it over; anonymous people are asked to log in.
    assert client_of().get(path).status_code == 302
    response = staff_client.post(path)
    assert "Ce lien est destiné au porteur" in html_of(response)

    client = client_of(resident)
    html = html_of(client.get(path))
    assert "Reprendre la demande avec mon compte" in html and "Potager partagé" in html
    response = client.post(path)
    assert response.url == reverse("applications:application_detail", kwargs={"pk": application.pk})
    application.refresh_from_db()
    assert application.created_by == resident and application.taken_over_at is not None
    assert application.filed_on_behalf_by == confirmed_staff
    assert application.holder.owner == resident and application.holder.entered_by_staff is False
    assert list(selectors.applications_for_holder(user=resident)) == [application]
    entry = AuditEntry.objects.get(action="application.take_over")
    assert "déposée par Claire Porteuse pour le compte de" in entry.summary
    # The link has served: it no longer works, for anyone.
    assert client_of(other_resident).get(path).status_code == 404
    # The staff member is no longer its holder's stand-in, and still instructs it.
    html = html_of(staff_client.get(page_of(application)))
    assert "reprise par le porteur avec son compte le 10/03/2025" in html and "amina.resident@example.org" in html


def test_a_forged_or_stale_link_is_refused(world, confirmed_staff, resident):
    application = filed_on_behalf(world, confirmed_staff)
    services.invite_holder_to_take_over(user=confirmed_staff, application=application)
    old = services.takeover_url(application)
    services.invite_holder_to_take_over(user=confirmed_staff, application=application, holder_email="autre@example.org")
    client = client_of(resident)
    old_path = old[old.index("/demandes/") :]
    assert client.get(old_path).status_code == 404
    assert client.get(reverse("applications:take_over", kwargs={"token": "nimporte-quoi"})).status_code == 404
    application.refresh_from_db()
    assert application.created_by == confirmed_staff


@pytest.mark.parametrize("persona", ["other_staff", "resident", "outsider", "region_staff"])
def test_who_may_not_invite_the_holder(request, world, confirmed_staff, persona):
    application = filed_on_behalf(world, confirmed_staff)
    url = reverse("staff:invite_holder", kwargs={"pk": application.pk})
    response = client_of(request.getfixturevalue(persona)).post(url, {"invitation-holder_email": "x@example.org"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.takeover_invited_at is None


def test_only_the_association_staff_bypass_a_closed_call(world, admin_user):
    closed = f.FundFactory(
        association=world.hommelet,
        slug="pic-hommelet-2024",
        year=2024,
        call_opens_on=datetime.date(2024, 1, 1),
        call_closes_on=datetime.date(2024, 12, 31),
    )
    with pytest.raises(PermissionDenied) as caught:
        services.start_draft_on_behalf(user=admin_user, fund=closed, late_entry_reason="Archives")
    assert "hors appel" in str(caught.value)
    # The administrator may still help a resident while the call is open.
    assert services.start_draft_on_behalf(user=admin_user, fund=world.fund).filed_on_behalf_by == admin_user


def checked_holders(html: str) -> list[str]:
    """The values of the holder step's checked radio buttons."""
    radios = re.findall(r"<input[^>]*name=\"choice-holder\"[^>]*>", html)
    return [re.search(r'value="([^"]+)"', radio).group(1) for radio in radios if re.search(r"\bchecked\b", radio)]


def test_a_holder_typed_in_for_another_resident_is_never_pre_chosen(world, staff, resident):
    """Staff who typed in one holder before start a draft for another resident: the holder step does not pre-check
    that other resident's holder (a click on « Enregistrer et continuer » would file for the wrong people); a
    resident's only holder stays pre-checked for them."""
    first = on_behalf_draft(world, staff)
    client = client_of(staff)
    client.post(reverse("staff:start_on_behalf"), {"fund": world.fund.pk})
    second = Application.objects.filter(filed_on_behalf_by=staff).exclude(pk=first.pk).get()
    html = html_of(client.get(step_url(second, "holder")))
    assert checked_holders(html) == ["new"]
    assert f'value="{first.holder_id}"' in html  # still offered

    own = f.HolderFactory(owner=resident, name="Mon collectif")
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=None, title="Brouillon")
    assert checked_holders(html_of(client_of(resident).get(step_url(draft, "holder")))) == [str(own.pk)]
