"""Services of a request: holders, drafts, steps, budget, documents, workflow, messages, e-mails."""

import datetime
import os
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import permissions, selectors, services
from applications.models import Application, Attachment, Holder, Message, ReferenceCounter, StatusChange
from applications.workflow import Role, Status
from committees import permissions as committee_permissions
from core.models import AuditEntry
from tests import factories as f

TODAY = datetime.date(2025, 5, 24)
PARIS = datetime.timezone(datetime.timedelta(hours=2))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def confirmed(resident):
    resident.email_confirmed_at = timezone.now()
    resident.save()
    return resident


@pytest.fixture
def draft(world, confirmed):
    """A complete draft of the resident's, with its bank details: ready to be filed."""
    application = f.ApplicationFactory(fund=world.fund, created_by=confirmed)
    f.AttachmentFactory(application=application)
    return application


def snapshot(application: Application) -> tuple:
    application = Application.objects.get(pk=application.pk)
    lines = list(application.budget_lines.values_list("side", "category", "label", "amount"))
    return (
        application.title,
        application.starts_at,
        application.ends_at,
        application.amount_requested,
        application.status,
        application.version,
        lines,
        application.attachments.count(),
    )


def pdf_upload(name="rib.pdf", content=f.MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def submit(user, application):
    return services.submit_application(user=user, application=application, today=TODAY)


# --- Holders ----------------------------------------------------------------------------------------


def association_data(**overrides):
    data = {
        "kind": Holder.Kind.ASSOCIATION,
        "name": "Les Jardins partagés du Pile",
        "referent_name": "Amina Habitante",
        "siret": " ".join([f.make_siret(23456789)[:9], f.make_siret(23456789)[9:]]),
        "address": "12 rue du Pile",
        "postcode": "59100",
        "city": "Roubaix",
        "republican_commitment": True,
    }
    return {**data, **overrides}


def test_create_association_records_the_republican_commitment(resident):
    holder = services.create_holder(user=resident, data=association_data())
    assert holder.owner == resident
    assert holder.siret == f.make_siret(23456789)  # spaces removed
    assert holder.republican_commitment_accepted_at is not None
    assert AuditEntry.objects.filter(action="holder.create", target_id=str(holder.pk)).exists()


def test_create_association_without_commitment_or_with_a_bad_siret_is_refused(resident):
    with pytest.raises(ValidationError) as caught:
        services.create_holder(
            user=resident, data=association_data(republican_commitment=False, siret="12345678901234")
        )
    assert set(caught.value.message_dict) >= {"republican_commitment", "siret"}
    assert not Holder.objects.exists()


def test_create_group(resident):
    holder = services.create_holder(
        user=resident,
        data={
            "kind": Holder.Kind.GROUP,
            "name": "Les voisins de la rue de la Paix",
            "referent_name": "Amina Habitante",
            "co_holders_count": 2,
            "co_holders_first_names": "Nadia, Karim",
            "republican_commitment": True,
        },
    )
    assert holder.republican_commitment_accepted_at is None  # only associations subscribe to it


def test_update_holder_is_for_its_owner_only(resident, other_resident):
    holder = services.create_holder(user=resident, data=association_data())
    with pytest.raises(PermissionDenied):
        services.update_holder(user=other_resident, holder=holder, data={"name": "Pris"})
    updated = services.update_holder(user=resident, holder=holder, data={"name": "Jardins du Pile"})
    assert updated.name == "Jardins du Pile"
    assert updated.republican_commitment_accepted_at == holder.republican_commitment_accepted_at


def test_update_holder_with_an_overlong_name_changes_nothing(resident):
    holder = services.create_holder(user=resident, data=association_data())
    with pytest.raises(ValidationError) as caught:
        services.update_holder(user=resident, holder=holder, data={"name": "x" * 201})
    assert "name" in caught.value.message_dict
    assert Holder.objects.get(pk=holder.pk).name == "Les Jardins partagés du Pile"


# --- Drafts and steps -------------------------------------------------------------------------------


def test_start_draft_in_an_open_call(world, resident):
    application = services.start_draft(user=resident, fund=world.fund, today=TODAY)
    assert application.status == Status.DRAFT
    assert application.created_by == resident


def test_start_draft_in_a_closed_call_is_refused(world, resident):
    world.fund.call_closes_on = datetime.date(2025, 4, 30)
    world.fund.save()
    with pytest.raises(ValidationError) as caught:
        services.start_draft(user=resident, fund=world.fund, today=TODAY)
    assert "du 01/01/2025 au 30/04/2025" in caught.value.messages[0]
    assert not Application.objects.exists()


def test_save_step_saves_increments_the_version_and_audits(world, resident):
    application = services.start_draft(user=resident, fund=world.fund, today=TODAY)
    saved = services.save_step(
        user=resident,
        application=application,
        step="project",
        data={
            "title": "  Repair café du samedi ",
            "theme": world.themes[0],
            "ambition": None,
            "objectives": "Réparer ensemble.",
            "description": "Un samedi par mois.",
        },
    )
    assert saved.title == "Repair café du samedi"
    assert (saved.version, saved.last_step) == (2, "project")
    assert application.version == 2  # the caller's object is refreshed too
    assert AuditEntry.objects.filter(action="application.save_step", target_id=str(application.pk)).count() == 1


def test_save_step_holder_must_be_the_users(world, resident, other_resident):
    application = services.start_draft(user=resident, fund=world.fund, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        services.save_step(
            user=resident,
            application=application,
            step="holder",
            data={"holder": f.HolderFactory(owner=other_resident)},
        )
    assert "vous-même enregistré" in caught.value.message_dict["holder"][0]
    mine = f.HolderFactory(owner=resident)
    assert (
        services.save_step(user=resident, application=application, step="holder", data={"holder": mine}).holder == mine
    )


def test_overlong_text_is_refused_and_nothing_changes(draft, confirmed):
    before = snapshot(draft)
    with pytest.raises(ValidationError) as caught:
        services.save_step(user=confirmed, application=draft, step="project", data={"title": "T" * 201})
    assert "200 caractères" in caught.value.message_dict["title"][0]
    assert snapshot(draft) == before


def test_overlong_description_is_refused(draft, confirmed):
    with pytest.raises(ValidationError) as caught:
        services.save_step(user=confirmed, application=draft, step="project", data={"description": "D" * 10_001})
    assert "au plus 10000 caractères (actuellement 10001)" in caught.value.message_dict["description"][0]


def test_inverted_dates_are_refused_and_nothing_changes(draft, confirmed):
    before = snapshot(draft)
    with pytest.raises(ValidationError) as caught:
        services.save_step(
            user=confirmed,
            application=draft,
            step="when_where",
            data={
                "starts_at": datetime.datetime(2025, 7, 1, 18, tzinfo=PARIS),
                "ends_at": datetime.datetime(2025, 7, 1, 14, tzinfo=PARIS),
            },
        )
    assert caught.value.message_dict == {
        "ends_at": ["La fin du projet doit être après son début : vérifiez les dates et les heures."]
    }
    assert snapshot(draft) == before


def test_theme_or_neighbourhood_outside_the_fund_is_refused(draft, confirmed, world):
    foreign = f.ThemeFactory(slug="circuits-courts", name="Circuits courts")
    with pytest.raises(ValidationError) as caught:
        services.save_step(user=confirmed, application=draft, step="project", data={"theme": foreign})
    assert "n'est pas proposée par ce fonds" in caught.value.message_dict["theme"][0]
    with pytest.raises(ValidationError) as caught:
        services.save_step(
            user=confirmed, application=draft, step="when_where", data={"neighbourhood": world.other_neighbourhood}
        )
    assert "n'est pas couvert par ce fonds" in caught.value.message_dict["neighbourhood"][0]


def test_absurd_head_counts_are_refused(draft, confirmed):
    before = snapshot(draft)
    with pytest.raises(ValidationError) as caught:
        services.save_step(user=confirmed, application=draft, step="people", data={"expected_women": 10_000_000})
    assert "expected_women" in caught.value.message_dict
    assert snapshot(draft) == before


def test_unknown_step_is_refused(draft, confirmed):
    with pytest.raises(ValidationError):
        services.save_step(user=confirmed, application=draft, step="status", data={"status": Status.GRANTED})
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_second_resident_cannot_edit_submit_or_withdraw_the_firsts(draft, other_resident):
    other_resident.email_confirmed_at = timezone.now()
    other_resident.save()
    before = snapshot(draft)
    with pytest.raises(PermissionDenied):
        services.save_step(user=other_resident, application=draft, step="project", data={"title": "Pris"})
    with pytest.raises(PermissionDenied):
        services.save_budget(user=other_resident, application=draft, amount_requested=Decimal("1"), lines=[])
    with pytest.raises(PermissionDenied):
        services.add_attachment(user=other_resident, application=draft, kind="other", uploaded_file=pdf_upload())
    with pytest.raises(PermissionDenied):
        services.delete_attachment(user=other_resident, attachment=draft.attachments.get())
    with pytest.raises(PermissionDenied):
        services.submit_application(user=other_resident, application=draft, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.withdraw_application(user=other_resident, application=draft)
    assert snapshot(draft) == before


def test_a_filed_request_is_no_longer_editable(draft, confirmed):
    submit(confirmed, draft)
    with pytest.raises(PermissionDenied):
        services.save_step(user=confirmed, application=draft, step="project", data={"title": "Changé"})
    assert not permissions.can_edit_application(confirmed, draft)


# --- Budget -----------------------------------------------------------------------------------------


LINES = [
    {"side": "expense", "category": "60", "grant_source": "", "label": "Goûter", "amount": Decimal("400")},
    {"side": "expense", "category": "61", "grant_source": "", "label": "Location de tables", "amount": Decimal("100")},
    {"side": "resource", "category": "74", "grant_source": "commune", "label": "Ville", "amount": Decimal("200")},
]


def test_save_budget_replaces_all_lines(draft, confirmed):
    saved = services.save_budget(user=confirmed, application=draft, amount_requested=Decimal("300"), lines=LINES)
    assert saved.amount_requested == Decimal("300")
    assert list(draft.budget_lines.order_by("side", "position").values_list("label", flat=True)) == [
        "Goûter",
        "Location de tables",
        "Ville",
    ]
    assert saved.last_step == "budget"


@pytest.mark.parametrize(
    ("amount_requested", "lines", "expected"),
    [
        (Decimal("-250"), LINES, "supérieur à 0"),
        (Decimal("99999999"), LINES, "demandez au plus 1\u202f000,00\u00a0€"),
        (
            Decimal("300"),
            [*LINES[:2], {**LINES[2], "amount": Decimal("-5")}],
            "Ligne 3 (« Ville ») : Le montant d'une ligne doit être supérieur à 0 €.",
        ),
        (
            Decimal("300"),
            [*LINES, {"side": "expense", "category": "68", "label": "Amortissement", "amount": Decimal("10")}],
            "ne sont pas éligibles",
        ),
        (
            Decimal("300"),
            [*LINES, {"side": "expense", "category": "60", "label": "Yacht", "amount": Decimal("5000000")}],
            "Ligne 4",
        ),
    ],
    ids=["negative-amount", "absurd-amount", "negative-line", "ineligible-line", "absurd-line"],
)
def test_bad_budgets_are_refused_and_nothing_changes(draft, confirmed, amount_requested, lines, expected):
    before = snapshot(draft)
    with pytest.raises(ValidationError) as caught:
        services.save_budget(user=confirmed, application=draft, amount_requested=amount_requested, lines=lines)
    assert expected in " ".join(caught.value.messages)
    assert snapshot(draft) == before


def test_an_unbalanced_budget_is_saved_but_cannot_be_filed(draft, confirmed):
    services.save_budget(user=confirmed, application=draft, amount_requested=Decimal("250"), lines=LINES)
    with pytest.raises(ValidationError) as caught:
        submit(confirmed, draft)
    assert "il manque 50,00\u00a0€ de ressources" in caught.value.message_dict["budget"][0]
    draft.refresh_from_db()
    assert (draft.status, draft.reference, draft.number) == (Status.DRAFT, "", None)


# --- Documents --------------------------------------------------------------------------------------


def test_add_attachment_stores_a_checked_file_under_a_private_random_name(draft, confirmed):
    attachment = services.add_attachment(
        user=confirmed, application=draft, kind="quote", uploaded_file=pdf_upload("devis boulangerie.pdf")
    )
    assert attachment.original_name == "devis boulangerie.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(f.MINIMAL_PDF)
    assert attachment.file.name.startswith(f"private/applications/{draft.pk}/quote/")
    assert "boulangerie" not in attachment.file.name
    with attachment.file.open("rb") as handle:
        assert handle.read() == f.MINIMAL_PDF


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (SimpleUploadedFile("rib.pdf", b"MZ\x90\x00" + b"\x00" * 500, "application/pdf"), "n'est pas un document PDF"),
        (SimpleUploadedFile("gros.pdf", f.MINIMAL_PDF + b"0" * (6 * 1024 * 1024), "application/pdf"), "5 Mo"),
    ],
    ids=["exe-renamed-pdf", "6-mb"],
)
def test_refused_files_are_not_stored(draft, confirmed, settings, upload, expected):
    before = snapshot(draft)
    with pytest.raises(ValidationError) as caught:
        services.add_attachment(user=confirmed, application=draft, kind="quote", uploaded_file=upload)
    assert expected in caught.value.message_dict["file"][0]
    assert snapshot(draft) == before
    quote_folder = settings.MEDIA_ROOT / "private" / "applications" / str(draft.pk) / "quote"
    assert not quote_folder.exists() or not any(quote_folder.iterdir())


def test_delete_attachment(draft, confirmed, django_capture_on_commit_callbacks):
    attachment = draft.attachments.get()
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(user=confirmed, attachment=attachment)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not os.path.exists(path)


def test_missing_bank_details_block_submission(world, confirmed):
    application = f.ApplicationFactory(fund=world.fund, created_by=confirmed)
    with pytest.raises(ValidationError) as caught:
        submit(confirmed, application)
    assert "Relevé d'identité bancaire" in caught.value.message_dict["attachments"][0]


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
