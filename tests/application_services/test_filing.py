"""Services of a request.

In this file: submission, completion, withdrawal, messages, permissions and selectors.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from applications import permissions, selectors, services
from applications.models import Application, Message, ReferenceCounter, StatusChange
from applications.workflow import Role, Status
from committees import permissions as committee_permissions
from core.models import AuditEntry
from tests import factories as f
from tests.application_services.helpers import (
    pdf_upload,
    submit,
)

# --- Submission -------------------------------------------------------------------------------------


def test_submission_needs_a_confirmed_email(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    f.AttachmentFactory(application=application)
    with pytest.raises(ValidationError) as caught:
        submit(resident, application)
    text = caught.value.message_dict[NON_FIELD_ERRORS][0]
    assert "Confirmez d'abord votre adresse e-mail" in text
    assert "« Mon compte »" in text
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT


def test_submission_numbers_requests_per_fund_without_gaps(world, confirmed, other_resident):
    other_resident.email_confirmed_at = timezone.now()
    other_resident.save()
    first = f.ApplicationFactory(fund=world.fund, created_by=confirmed)
    second = f.ApplicationFactory(fund=world.fund, created_by=other_resident)
    elsewhere = f.ApplicationFactory(fund=world.other_fund, created_by=confirmed)
    for application in (first, second, elsewhere):
        f.AttachmentFactory(application=application)

    submit(confirmed, first)
    # A refused submission (no bank details) consumes no number.
    incomplete = f.ApplicationFactory(fund=world.fund, created_by=other_resident)
    with pytest.raises(ValidationError):
        submit(other_resident, incomplete)
    submit(other_resident, second)
    submit(confirmed, elsewhere)

    assert (first.reference, first.number) == ("PIC-2025-0001", 1)
    assert (second.reference, second.number) == ("PIC-2025-0002", 2)
    assert elsewhere.reference == "PIC-2025-0001"  # numbering is per fund
    assert Application.objects.get(pk=second.pk).status == Status.SUBMITTED
    assert world.fund.reference_counter.last_number == 2


def test_submission_writes_the_timeline_and_cannot_be_repeated(draft, confirmed):
    submit(confirmed, draft)
    change = StatusChange.objects.get(application=draft)
    assert (change.transition, change.from_status, change.to_status, change.actor) == (
        "submit",
        Status.DRAFT,
        Status.SUBMITTED,
        confirmed,
    )
    assert draft.submitted_at is not None
    with pytest.raises(ValidationError) as caught:
        submit(confirmed, draft)
    assert "déjà été déposée (référence PIC-2025-0001)" in caught.value.messages[0]
    assert AuditEntry.objects.filter(action="application.submit", target_id=str(draft.pk)).count() == 1


def test_submission_sends_the_acknowledgement_with_the_pdf(
    draft, confirmed, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit(confirmed, draft)
        assert mail.outbox == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [confirmed.email]
    assert email.subject == "Votre demande PIC-2025-0001 est bien déposée"
    assert "Référence : PIC-2025-0001" in email.body
    assert f"{settings.PORTAL_BASE_URL}/demandes/{draft.pk}/" in email.body
    assert "&#x27;" not in email.body  # plain text, not HTML-escaped
    name, content, mimetype = email.attachments[0]
    assert (name, mimetype) == ("recepisse-PIC-2025-0001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_a_failed_submission_sends_nothing(world, confirmed, django_capture_on_commit_callbacks):
    application = f.ApplicationFactory(fund=world.fund, created_by=confirmed)  # no bank details
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        submit(confirmed, application)
    assert callbacks == []
    assert mail.outbox == []


# --- Completion, resubmission, withdrawal -----------------------------------------------------------


def test_completion_then_resubmission(draft, confirmed, staff, django_capture_on_commit_callbacks):
    submit(confirmed, draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_completion(user=staff, application=draft, message="Ajoutez le devis du goûter.")
    assert draft.status == Status.COMPLETION_REQUESTED
    notice = mail.outbox[-1]
    assert notice.to == [confirmed.email]
    assert "Ajoutez le devis du goûter." in notice.body

    services.add_attachment(user=confirmed, application=draft, kind="quote", uploaded_file=pdf_upload("devis.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        services.resubmit_application(user=confirmed, application=draft, comment="Devis ajouté.")
    assert Application.objects.get(pk=draft.pk).status == Status.RESUBMITTED
    assert draft.reference == "PIC-2025-0001"  # the reference is kept
    assert staff.email in mail.outbox[-1].to
    assert world_contact(draft) in mail.outbox[-1].to

    timeline = selectors.application_detail(application=draft)["timeline"]
    assert [(c.transition, c.actor, c.comment) for c in timeline] == [
        ("submit", confirmed, ""),
        ("request_completion", staff, "Ajoutez le devis du goûter."),
        ("resubmit", confirmed, "Devis ajouté."),
    ]


def world_contact(application):
    return application.fund.association.contact_email


def test_completion_request_needs_a_message_and_the_funds_staff(draft, confirmed, staff, other_staff):
    submit(confirmed, draft)
    with pytest.raises(PermissionDenied):
        services.request_completion(user=other_staff, application=draft, message="Hors de mon fonds")
    with pytest.raises(PermissionDenied):
        services.request_completion(user=confirmed, application=draft, message="Moi-même")
    with pytest.raises(ValidationError) as caught:
        services.request_completion(user=staff, application=draft, message="   ")
    assert "commentaire est obligatoire" in caught.value.message_dict["comment"][0]
    assert Application.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_resubmission_only_after_a_completion_request(draft, confirmed):
    submit(confirmed, draft)
    with pytest.raises(ValidationError):
        services.resubmit_application(user=confirmed, application=draft)


def test_withdraw_a_filed_request(draft, confirmed, django_capture_on_commit_callbacks):
    submit(confirmed, draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_application(user=confirmed, application=draft, comment="Projet reporté")
    assert Application.objects.get(pk=draft.pk).status == Status.WITHDRAWN
    assert "Projet reporté" in mail.outbox[-1].body
    assert "retirée par le porteur" in mail.outbox[-1].subject


def test_withdraw_after_a_decision_is_refused(draft, confirmed):
    Application.objects.filter(pk=draft.pk).update(status=Status.GRANTED)
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.withdraw_application(user=confirmed, application=draft)
    assert "« Retirer la demande » n'est pas possible quand la demande est « Accordée »" in caught.value.messages[0]


def test_apply_transition_follows_the_table(draft, confirmed, staff):
    with pytest.raises(ValidationError):
        services.apply_transition(user=staff, application=draft, transition="start_review", role=Role.STAFF)
    submit(confirmed, draft)
    with pytest.raises(ValidationError):  # a holder cannot start the review
        services.apply_transition(user=confirmed, application=draft, transition="start_review", role=Role.HOLDER)
    change = services.apply_transition(user=staff, application=draft, transition="start_review", role=Role.STAFF)
    assert (change.from_status, change.to_status) == (Status.SUBMITTED, Status.UNDER_REVIEW)
    assert Application.objects.get(pk=draft.pk).status == Status.UNDER_REVIEW
    with pytest.raises(ValueError):
        services.apply_transition(user=staff, application=draft, transition="teleport", role=Role.STAFF)


# --- Messages ---------------------------------------------------------------------------------------


def test_messages_go_to_the_other_side(draft, confirmed, staff, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):  # not on a draft
        services.post_message(user=confirmed, application=draft, body="Bonjour")
    submit(confirmed, draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(user=confirmed, application=draft, body="Faut-il un devis ?")
    to_staff = mail.outbox[-1]
    assert set(to_staff.to) == {world_contact(draft), staff.email}
    assert "Faut-il un devis ?" in to_staff.body
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(user=staff, application=draft, body="Oui, merci.")
    assert mail.outbox[-1].to == [confirmed.email]
    assert [m.body for m in selectors.application_detail(application=draft)["messages"]] == [
        "Faut-il un devis ?",
        "Oui, merci.",
    ]


def test_outsiders_and_empty_messages_are_refused(draft, confirmed, other_staff, outsider):
    submit(confirmed, draft)
    for user in (other_staff, outsider):
        with pytest.raises(PermissionDenied):
            services.post_message(user=user, application=draft, body="Bonjour")
    with pytest.raises(ValidationError) as caught:
        services.post_message(user=confirmed, application=draft, body="  ")
    assert "Écrivez votre message" in caught.value.message_dict["body"][0]
    with pytest.raises(ValidationError):
        services.post_message(user=confirmed, application=draft, body="x" * 5001)
    assert not Message.objects.exists()


# --- Permissions and selectors ----------------------------------------------------------------------


def test_who_sees_a_request(
    draft, confirmed, other_resident, staff, other_staff, region_staff, city_staff, admin_user, committee_member
):
    # A draft: its owner only (issue 14, rule 7); the association's staff and the administrator once shared.
    readers = (confirmed, staff, admin_user, region_staff, city_staff, other_staff, other_resident)
    assert [permissions.can_view_application(u, draft) for u in readers] == [True] + [False] * 6
    draft.draft_shared_at = timezone.now()
    assert [permissions.can_view_application(u, draft) for u in readers] == [True, True, True] + [False] * 4
    draft.draft_shared_at = None
    submit(confirmed, draft)
    # Filed: the co-funders' staff read it; others still do not.
    assert permissions.can_view_application(region_staff, draft)
    assert permissions.can_view_application(city_staff, draft)
    assert not permissions.can_view_application(other_staff, draft)
    bank_details = draft.attachments.get()
    assert permissions.can_download_attachment(staff, bank_details)
    assert not permissions.can_download_attachment(region_staff, bank_details)
    assert not permissions.can_download_attachment(other_resident, bank_details)
    assert [committee_permissions.role_of(u, draft) for u in (confirmed, staff, committee_member, region_staff)] == [
        Role.HOLDER,
        Role.STAFF,
        Role.COMMITTEE,
        None,
    ]


def test_application_detail_splits_and_totals_the_budget(draft):
    detail = selectors.application_detail(application=draft)
    assert [line.label for line in detail["expenses"]] == ["Goûter et boissons"]
    assert [line.label for line in detail["resources"]] == ["Buvette"]
    assert detail["total_expenses"] == Decimal("300.00")
    assert detail["total_resources"] == Decimal("300.00")
    assert detail["is_balanced"] is True
    assert detail["next_step"] == "Terminez et déposez votre demande."


def test_applications_for_holder_lists_own_requests_in_one_query(
    world, confirmed, other_resident, django_assert_num_queries
):
    mine = [f.ApplicationFactory(fund=world.fund, created_by=confirmed) for _ in range(3)]
    f.ApplicationFactory(fund=world.fund, created_by=other_resident)
    with django_assert_num_queries(1):
        rows = [
            (a.pk, a.fund.association.name, a.theme.name, a.holder.name)
            for a in selectors.applications_for_holder(user=confirmed)
        ]
    assert {pk for pk, *_ in rows} == {a.pk for a in mine}


def test_a_withdrawn_draft_cannot_be_filed_and_takes_no_number(draft, confirmed, world):
    services.withdraw_application(user=confirmed, application=draft)
    with pytest.raises(ValidationError) as caught:
        submit(confirmed, draft)
    assert caught.value.messages == ["Cette demande ne peut plus être déposée (statut : Retirée par le porteur)."]
    assert Application.objects.get(pk=draft.pk).reference == ""
    assert not ReferenceCounter.objects.filter(fund=world.fund, last_number__gt=0).exists()
