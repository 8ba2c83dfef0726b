"""Services of a request.

In this file: holders, drafts, budget and documents.
"""

import datetime
import os
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import permissions, services
from applications.models import Application, Attachment, Holder
from applications.workflow import Status
from core.models import AuditEntry
from tests import factories as f
from tests.application_services.helpers import (
    PARIS,
    TODAY,
    pdf_upload,
    snapshot,
    submit,
)

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
