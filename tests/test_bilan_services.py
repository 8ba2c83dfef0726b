"""Bilans: starting and saving, the effects grid, receipts and photos."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications.workflow import Status
from core.models import AuditEntry
from reports import selectors, services
from reports.models import (
    Bilan,
    BilanAttachment,
    BilanStatus,
    CvsBilan,
    Effect,
    EffectChange,
    EffectObservation,
    ObservedChange,
    ObservedPublic,
)
from tests import factories as f
from tests.bilan_fixtures import UTC, application_fixture, draft_bilan_fixture, jpeg_with_gps, messages_of  # noqa: F401  (fixtures)

# --- Start and save -----------------------------------------------------------------------------------


def test_start_prefills_the_bilan_from_the_request(application, resident):
    bilan = services.start_bilan(user=resident, application=application)

    assert bilan.status == BilanStatus.DRAFT
    assert bilan.main_objective == application.objectives
    assert (bilan.held_from, bilan.held_until) == (application.starts_at, application.ends_at)
    expenses = list(bilan.expenses.all())
    assert [(e.category, e.label, e.planned_amount, e.actual_amount) for e in expenses] == [
        ("60", "Goûter et boissons", Decimal("300.00"), None)
    ]
    assert services.start_bilan(user=resident, application=application).pk == bilan.pk
    assert AuditEntry.objects.filter(action="bilan.start", target_id=str(bilan.pk)).count() == 1


def test_only_the_holder_starts_a_bilan_of_a_granted_request(world, application, other_resident, staff):
    with pytest.raises(PermissionDenied):
        services.start_bilan(user=other_resident, application=application)
    with pytest.raises(PermissionDenied):
        services.start_bilan(user=staff, application=application)

    submitted = f.GrantedApplicationFactory(fund=world.fund, created_by=application.created_by, status=Status.SUBMITTED)
    with pytest.raises(ValidationError, match="une fois la subvention accordée"):
        services.start_bilan(user=application.created_by, application=submitted)
    assert not Bilan.objects.filter(application=submitted).exists()


def test_a_cvs_fund_takes_the_annex_3_bilan(resident):
    cvs_application = f.GrantedApplicationFactory(fund=f.CvsFundFactory(), created_by=resident)
    with pytest.raises(ValidationError, match="annexe 3"):
        services.start_bilan(user=resident, application=cvs_application)
    assert isinstance(services.start_cvs_bilan(user=resident, application=cvs_application), CvsBilan)


def test_save_checks_the_dates_and_keeps_a_draft(draft_bilan, resident):
    services.save_bilan(user=resident, bilan=draft_bilan, data={"proceedings": "  Il a plu.  ", "mobilised_women": 3})
    draft_bilan.refresh_from_db()
    assert (draft_bilan.proceedings, draft_bilan.mobilised_women) == ("Il a plu.", 3)

    with pytest.raises(ValidationError) as error:
        services.save_bilan(
            user=resident,
            bilan=draft_bilan,
            data={
                "held_from": datetime.datetime(2025, 6, 14, 12, tzinfo=UTC),
                "held_until": datetime.datetime(2025, 6, 14, 10, tzinfo=UTC),
            },
        )
    assert "held_until" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.save_bilan(user=f.UserFactory(), bilan=draft_bilan, data={"proceedings": "Intrus"})


def test_expenses_are_replaced_checked_and_give_the_unspent_grant(draft_bilan, resident, staff):
    f.record_grant_for_bilan(application=draft_bilan.application, amount="250.00", decided_by=staff)

    with pytest.raises(ValidationError) as error:
        services.save_bilan_expenses(
            user=resident,
            bilan=draft_bilan,
            lines=[
                {"category": "99", "label": "Inconnu", "actual_amount": "10"},
                {"category": "60", "label": "", "actual_amount": "10"},
                {"category": "61", "label": "Salle", "actual_amount": "-5"},
                {"category": "62", "label": "Affiches", "actual_amount": "douze"},
            ],
        )
    text = messages_of(error.value)
    assert "Ligne 1 : choisissez la catégorie" in text
    assert "Ligne 2 : écrivez ce qui a été acheté" in text
    assert "Ligne 3" in text
    assert "Ligne 4" in text and "douze" in text
    assert draft_bilan.expenses.count() == 1  # nothing changed

    services.save_bilan_expenses(
        user=resident,
        bilan=draft_bilan,
        lines=[
            {"category": "60", "label": "Goûter", "planned_amount": Decimal("300"), "actual_amount": Decimal("150")},
            {"category": "61", "label": "Sono", "planned_amount": None, "actual_amount": Decimal("50.50")},
        ],
    )
    money = selectors.bilan_money(bilan=draft_bilan)
    assert (money.granted, money.planned_total, money.actual_total) == (
        Decimal("250.00"),
        Decimal("300.00"),
        Decimal("200.50"),
    )
    assert money.unspent == Decimal("49.50")
    assert money.overspent == 0

    services.save_bilan_expenses(
        user=resident,
        bilan=draft_bilan,
        lines=[{"category": "60", "label": "Goûter", "planned_amount": "300", "actual_amount": "310"}],
    )
    money = selectors.bilan_money(bilan=draft_bilan)
    assert (money.unspent, money.overspent) == (0, Decimal("60.00"))


# --- The effects grid ---------------------------------------------------------------------------------


def test_effects_are_stored_as_typed_rows_and_counted_with_aggregates(
    draft_bilan, resident, world, django_assert_num_queries
):
    services.set_effects(
        user=resident,
        bilan=draft_bilan,
        observations=[
            {
                "effect": Effect.SOCIAL_TIES,
                "publics": [ObservedPublic.NEIGHBOURS, ObservedPublic.IN_DIFFICULTY],
                "changes": [ObservedChange.SOCIAL_TIES_PUBLIC_EVENTS],
                "narrative": "Des voisins qui ne se connaissaient pas.",
            },
            {"effect": Effect.HEALTH, "changes": [ObservedChange.HEALTH_CONFIDENCE, ObservedChange.HEALTH_RELATIONS]},
        ],
    )
    social = EffectObservation.objects.get(bilan=draft_bilan, effect=Effect.SOCIAL_TIES)
    assert (social.public_neighbours, social.public_visitors, social.public_in_difficulty) == (True, False, True)
    assert set(EffectChange.objects.filter(observation__bilan=draft_bilan).values_list("change", flat=True)) == {
        "social_ties.public_events",
        "health.confidence",
        "health.relations",
    }

    other = services.start_bilan(
        user=resident, application=f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    )
    services.set_effects(
        user=resident,
        bilan=other,
        observations=[{"effect": Effect.HEALTH, "changes": [ObservedChange.HEALTH_CONFIDENCE]}],
    )
    with django_assert_num_queries(2):
        stats = selectors.effect_statistics(bilans=Bilan.objects.filter(application__fund=world.fund))
    assert stats["effects"][Effect.HEALTH]["observed"] == 2
    assert stats["effects"][Effect.SOCIAL_TIES]["neighbours"] == 1
    assert stats["effects"][Effect.SOCIAL_TIES]["visitors"] == 0
    assert stats["changes"]["health.confidence"] == 2

    # Saving again replaces the grid.
    services.set_effects(user=resident, bilan=draft_bilan, observations=[])
    assert not draft_bilan.effects.exists()


@pytest.mark.parametrize(
    "observation, message",
    [
        ({"effect": Effect.HEALTH, "changes": ["solidarity.goods"]}, "seulement"),
        ({"effect": Effect.HEALTH, "publics": ["neighbours"], "changes": ["health.confidence"]}, "publics"),
        (
            {
                "effect": Effect.GENDER_EQUALITY,
                "changes": ["gender_equality.team_more_women", "gender_equality.team_fewer_women"],
            },
            "une seule",
        ),
        ({"effect": Effect.NETWORKS}, "décrivez-le"),
        ({"effect": "happiness", "changes": []}, "grille"),
    ],
)
def test_effects_grid_refuses_what_the_grid_does_not_allow(draft_bilan, resident, observation, message):
    with pytest.raises(ValidationError, match=message):
        services.set_effects(user=resident, bilan=draft_bilan, observations=[observation])
    assert not draft_bilan.effects.exists()


# --- Receipts and photos ------------------------------------------------------------------------------


def test_a_photo_is_stored_without_its_exif_and_gps_position(draft_bilan, resident):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825)  # the test photo really carries a GPS position
    attachment = services.add_bilan_attachment(
        user=resident,
        bilan=draft_bilan,
        kind="photo",
        uploaded_file=SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg"),
        public_consent=True,
        description="Le barbecue sous la pluie",
    )

    assert (attachment.content_type, attachment.public_consent, attachment.original_name) == (
        "image/jpeg",
        True,
        "IMG_0001.jpg",
    )
    with attachment.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert attachment.size == len(stored)
    assert b"Exif" not in stored and b"PhoneMaker" not in stored and b"secret comment" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (64, 48)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "comment" not in image.info


def test_uploads_are_checked_from_their_content(draft_bilan, resident):
    not_a_pdf = SimpleUploadedFile("facture.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    a_pdf_as_a_photo = SimpleUploadedFile("photo.jpg", f.MINIMAL_PDF, content_type="image/jpeg")
    for kind, upload, consent, refusal in [
        ("receipt", not_a_pdf, False, "PDF, JPEG ou PNG"),
        ("photo", a_pdf_as_a_photo, False, "Une photo doit être une image"),
        ("receipt", SimpleUploadedFile("ticket.pdf", f.MINIMAL_PDF), True, "concerne les photos"),
    ]:
        with pytest.raises(ValidationError, match=refusal):
            services.add_bilan_attachment(
                user=resident, bilan=draft_bilan, kind=kind, uploaded_file=upload, public_consent=consent
            )
    assert not draft_bilan.attachments.exists()

    png = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(png, format="PNG")
    receipt = services.add_bilan_attachment(
        user=resident,
        bilan=draft_bilan,
        kind="receipt",
        uploaded_file=SimpleUploadedFile("ticket.png", png.getvalue()),
    )
    assert receipt.content_type == "image/png" and receipt.file.name.endswith(".png")


def test_only_the_holder_adds_and_deletes_pieces(draft_bilan, resident, staff):
    with pytest.raises(PermissionDenied):
        services.add_bilan_attachment(
            user=staff, bilan=draft_bilan, kind="receipt", uploaded_file=SimpleUploadedFile("t.pdf", f.MINIMAL_PDF)
        )
    attachment = services.add_bilan_attachment(
        user=resident, bilan=draft_bilan, kind="receipt", uploaded_file=SimpleUploadedFile("t.pdf", f.MINIMAL_PDF)
    )
    with pytest.raises(PermissionDenied):
        services.delete_bilan_attachment(user=staff, attachment=attachment)
    services.delete_bilan_attachment(user=resident, attachment=attachment)
    assert not BilanAttachment.objects.exists()
