"""Bilans: starting, saving, filing, reviewing and closing; the CVS annex 3 rules; who is late."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image

from applications.models import StatusChange
from applications.workflow import Status
from committees.models import Payment
from core.models import AuditEntry
from reports import selectors, services
from reports.models import (
    Bilan,
    BilanAttachment,
    BilanReminder,
    BilanStatus,
    CvsBilan,
    CvsBudgetLine,
    Effect,
    EffectChange,
    EffectObservation,
    ObservedChange,
    ObservedPublic,
)
from tests import factories as f

UTC = datetime.UTC


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.fixture
def application(world, resident):
    """Hommelet's request, granted, advance paid; the project ended on 14/06/2025 at 20:00 (Paris)."""
    return f.GrantedApplicationFactory(fund=world.fund, created_by=resident)


@pytest.fixture
def draft_bilan(application, resident):
    return services.start_bilan(user=resident, application=application)


def fill_for_submission(bilan: Bilan, resident) -> Bilan:
    services.save_bilan(
        user=resident,
        bilan=bilan,
        data={
            "proceedings": "Une belle journée.",
            "mobilised_women": 11,
            "mobilised_men": 5,
            "participant_women": 51,
            "participant_men": 28,
            "positive_points": "Beaucoup de monde.",
            "help_sufficient": True,
            "wants_to_renew": True,
        },
    )
    services.save_bilan_expenses(
        user=resident,
        bilan=bilan,
        lines=[{"category": "60", "label": "Goûter et boissons", "planned_amount": "300", "actual_amount": "280"}],
    )
    services.add_bilan_attachment(
        user=resident,
        bilan=bilan,
        kind="receipt",
        uploaded_file=SimpleUploadedFile("ticket.pdf", f.MINIMAL_PDF, content_type="application/pdf"),
    )
    return bilan


def jpeg_with_gps() -> bytes:
    """A photo as a phone takes it: EXIF with the camera, the date and the GPS position."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0132] = "2025:05:24 10:15:00"  # DateTime
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (50.0, 41.0, 30.0)
    gps[3] = "E"
    gps[4] = (3.0, 10.0, 20.0)
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif, comment=b"secret comment")
    return output.getvalue()


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
    with pytest.raises(ValidationError, match="PDF, JPEG ou PNG"):
        services.add_bilan_attachment(
            user=resident,
            bilan=draft_bilan,
            kind="receipt",
            uploaded_file=SimpleUploadedFile(
                "facture.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
            ),
        )
    with pytest.raises(ValidationError, match="Une photo doit être une image"):
        services.add_bilan_attachment(
            user=resident,
            bilan=draft_bilan,
            kind="photo",
            uploaded_file=SimpleUploadedFile("photo.jpg", f.MINIMAL_PDF, content_type="image/jpeg"),
        )
    with pytest.raises(ValidationError, match="concerne les photos"):
        services.add_bilan_attachment(
            user=resident,
            bilan=draft_bilan,
            kind="receipt",
            uploaded_file=SimpleUploadedFile("ticket.pdf", f.MINIMAL_PDF),
            public_consent=True,
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


# --- Filing ---------------------------------------------------------------------------------------------


def test_submission_lists_what_is_missing_in_french(draft_bilan, resident):
    services.save_bilan_expenses(
        user=resident, bilan=draft_bilan, lines=[{"category": "60", "label": "Goûter", "actual_amount": "120"}]
    )
    with pytest.raises(ValidationError) as error:
        services.submit_bilan(user=resident, bilan=draft_bilan)
    errors = error.value.message_dict
    assert "Racontez le déroulement de l'action." in errors["proceedings"]
    assert "mobilised_women" in errors and "participant_men" in errors and "wants_to_renew" in errors
    assert "120,00" in errors["attachments"][0]  # a receipt is needed for the money spent
    draft_bilan.refresh_from_db()
    assert draft_bilan.status == BilanStatus.DRAFT
    assert draft_bilan.application.status == Status.ADVANCE_PAID


def test_submit_files_the_bilan_and_tells_the_association(
    draft_bilan, resident, staff, django_capture_on_commit_callbacks
):
    fill_for_submission(draft_bilan, resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_bilan(user=resident, bilan=draft_bilan)

    draft_bilan.refresh_from_db()
    application = draft_bilan.application
    application.refresh_from_db()
    assert draft_bilan.status == BilanStatus.SUBMITTED and draft_bilan.submitted_at is not None
    assert application.status == Status.BILAN_RECEIVED
    assert StatusChange.objects.filter(application=application, transition="receive_bilan").exists()
    assert len(mail.outbox) == 1
    assert staff.email in mail.outbox[0].to
    assert "bilan déposé" in mail.outbox[0].subject
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        services.save_bilan(user=resident, bilan=draft_bilan, data={"proceedings": "Trop tard"})
    assert not selectors.bilan_is_accepted(application)


@pytest.fixture
def filed_bilan(draft_bilan, resident):
    fill_for_submission(draft_bilan, resident)
    return services.submit_bilan(user=resident, bilan=draft_bilan)


def test_only_the_funds_association_accepts(filed_bilan, resident, other_staff, region_staff, staff):
    for intruder in (resident, other_staff, region_staff):
        with pytest.raises(PermissionDenied):
            services.accept_bilan(user=intruder, bilan=filed_bilan)
    filed_bilan.refresh_from_db()
    assert filed_bilan.status == BilanStatus.SUBMITTED

    services.accept_bilan(user=staff, bilan=filed_bilan)
    filed_bilan.refresh_from_db()
    assert filed_bilan.status == BilanStatus.ACCEPTED and filed_bilan.reviewed_by == staff
    assert selectors.bilan_is_accepted(filed_bilan.application)
    with pytest.raises(ValidationError):
        services.accept_bilan(user=staff, bilan=filed_bilan)


def test_return_needs_a_comment_mails_it_and_lets_the_holder_correct(
    filed_bilan, resident, staff, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError, match="commentaire est obligatoire"):
        services.return_bilan(user=staff, bilan=filed_bilan, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_bilan(user=staff, bilan=filed_bilan, comment="Ajoutez la facture de la sono.")

    filed_bilan.refresh_from_db()
    application = filed_bilan.application
    application.refresh_from_db()
    assert filed_bilan.status == BilanStatus.RETURNED
    assert application.status == Status.BILAN_DUE
    change = StatusChange.objects.get(application=application, transition="return_bilan")
    assert change.comment == "Ajoutez la facture de la sono."
    assert mail.outbox[-1].to == [resident.email]
    assert "Ajoutez la facture de la sono." in mail.outbox[-1].body

    services.save_bilan(user=resident, bilan=filed_bilan, data={"results": "Corrigé."})
    services.submit_bilan(user=resident, bilan=filed_bilan)
    application.refresh_from_db()
    assert application.status == Status.BILAN_RECEIVED


def test_close_after_bilan_waits_for_acceptance_and_the_balance(filed_bilan, staff, other_staff):
    application = filed_bilan.application
    f.record_grant_for_bilan(application=application, amount="250.00", decided_by=staff)
    Payment.objects.create(
        application=application,
        kind="advance",
        amount=Decimal("200.00"),
        paid_on=datetime.date(2025, 5, 1),
        method="transfer",
        recorded_by=staff,
    )
    with pytest.raises(ValidationError, match="Acceptez d'abord"):
        services.close_after_bilan(user=staff, application=application)
    services.accept_bilan(user=staff, bilan=filed_bilan)
    with pytest.raises(ValidationError, match="Versez d'abord le solde de 50,00"):
        services.close_after_bilan(user=staff, application=application)
    with pytest.raises(PermissionDenied):
        services.close_after_bilan(user=other_staff, application=application)

    # The balance is paid (by the committees app, which moves the request to "balance paid").
    Payment.objects.create(
        application=application,
        kind="balance",
        amount=Decimal("50.00"),
        paid_on=datetime.date(2025, 7, 1),
        method="transfer",
        recorded_by=staff,
    )
    application.status = Status.BALANCE_PAID
    application.save(update_fields=["status"])
    services.close_after_bilan(user=staff, application=application)
    application.refresh_from_db()
    assert application.status == Status.CLOSED


def test_close_right_after_acceptance_when_nothing_is_left_to_pay(filed_bilan, staff):
    application = filed_bilan.application
    f.record_grant_for_bilan(application=application, amount="250.00", decided_by=staff)
    Payment.objects.create(
        application=application,
        kind="advance",
        amount=Decimal("250.00"),
        paid_on=datetime.date(2025, 5, 1),
        method="transfer",
        recorded_by=staff,
    )
    services.accept_bilan(user=staff, bilan=filed_bilan)
    services.close_after_bilan(user=staff, application=application)
    application.refresh_from_db()
    assert application.status == Status.CLOSED


# --- Due dates and who is late --------------------------------------------------------------------------


def test_due_date_is_the_last_local_day_plus_the_funds_delay(world, resident):
    late_evening = f.GrantedApplicationFactory(
        fund=world.fund,
        created_by=resident,
        starts_at=datetime.datetime(2025, 6, 14, 20, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2025, 6, 14, 23, 30, tzinfo=UTC),  # 15/06 at 01:30 in Paris
    )
    assert selectors.bilan_due_date(late_evening) == datetime.date(2025, 7, 15)
    world.fund.bilan_due_days = 15
    world.fund.save()
    late_evening.refresh_from_db()
    assert selectors.bilan_due_date(late_evening) == datetime.date(2025, 6, 30)


def test_overdue_bilan_check_and_message(application, resident, other_resident):
    due = selectors.bilan_due_date(application)
    assert due == datetime.date(2025, 7, 14)
    assert not selectors.holder_has_overdue_bilan(user=resident, today=due)
    assert selectors.holder_has_overdue_bilan(user=resident, today=due + datetime.timedelta(days=1))
    assert not selectors.holder_has_overdue_bilan(user=other_resident, today=datetime.date(2026, 1, 1))
    message = selectors.overdue_bilan_message(user=resident, today=datetime.date(2025, 8, 1))
    assert application.reference in message and "14/07/2025" in message
    assert selectors.overdue_bilan_message(user=resident, today=due) == ""

    bilan = fill_for_submission(services.start_bilan(user=resident, application=application), resident)
    services.submit_bilan(user=resident, bilan=bilan)
    assert not selectors.holder_has_overdue_bilan(user=resident, today=datetime.date(2025, 8, 1))


def test_staff_follow_due_overdue_and_received_bilans_of_their_funds_only(world, resident, staff, other_staff):
    late = f.GrantedApplicationFactory(
        fund=world.fund,
        created_by=resident,
        starts_at=datetime.datetime(2025, 5, 1, 8, tzinfo=UTC),
        ends_at=datetime.datetime(2025, 5, 1, 12, tzinfo=UTC),
    )
    upcoming = f.GrantedApplicationFactory(fund=world.fund, created_by=resident, status=Status.BILAN_DUE)
    received = f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    fill_for_submission(services.start_bilan(user=resident, application=received), resident)
    services.submit_bilan(user=resident, bilan=Bilan.objects.get(application=received))
    elsewhere = f.GrantedApplicationFactory(fund=world.other_fund, created_by=resident)
    f.GrantedApplicationFactory(fund=world.fund, created_by=resident, status=Status.ON_AGENDA)

    rows = selectors.bilans_for_staff(user=staff, today=datetime.date(2025, 7, 1))
    assert [(row.application, row.state) for row in rows] == [
        (late, "overdue"),
        (received, "to_review"),
        (upcoming, "upcoming"),
    ]
    assert rows[0].days_late == 31  # due 31/05
    assert [
        row.application for row in selectors.bilans_for_staff(user=other_staff, today=datetime.date(2025, 7, 1))
    ] == [elsewhere]


# --- The CVS bilan --------------------------------------------------------------------------------------


@pytest.fixture
def cvs_application(resident):
    application = f.GrantedApplicationFactory(fund=f.CvsFundFactory(), created_by=resident)
    f.BudgetLineFactory(
        application=application, side="resource", category="74", grant_source="caf", label="CAF", amount="100"
    )
    return application


def test_cvs_start_copies_the_provisional_budget(cvs_application, resident):
    bilan = services.start_cvs_bilan(user=resident, application=cvs_application)
    lines = {(x.side, x.account, x.item, x.planned_amount) for x in bilan.budget_lines.all()}
    assert lines == {
        ("charge", "60", "", Decimal("300.00")),
        ("resource", "70", "", Decimal("50.00")),
        ("resource", "74", "74.caf", Decimal("100.00")),
        ("resource", "74", "74.other", Decimal("250.00")),
    }
    assert bilan.planned_cost == Decimal("300.00")
    assert bilan.referent_email == resident.email
    assert bilan.period_end == datetime.date(2025, 6, 14)


def balanced_budget(resident, bilan, *, planned=("1000", "1000"), realised=("900", "900"), in_kind=("0", "0")):
    services.save_cvs_budget(
        user=resident,
        bilan=bilan,
        lines=[
            {
                "side": "charge",
                "account": "60",
                "item": "60.supplies",
                "planned_amount": planned[0],
                "realised_amount": realised[0],
            },
            {
                "side": "resource",
                "account": "74",
                "item": "74.commune_specific",
                "commune_name": "Lille",
                "planned_amount": planned[1],
                "realised_amount": realised[1],
            },
            {
                "side": "charge",
                "account": "86",
                "item": "86.volunteer_staff",
                "planned_amount": in_kind[0],
                "realised_amount": in_kind[0],
            },
            {
                "side": "resource",
                "account": "87",
                "item": "87.volunteering",
                "planned_amount": in_kind[1],
                "realised_amount": in_kind[1],
            },
        ],
    )


def objectives(count: int) -> list[dict]:
    return [
        {
            "objective": f"Organiser {n * 10} ateliers d'ici juin",
            "indicators": "Nombre d'ateliers",
            "result": f"{n * 9} ateliers",
        }
        for n in range(1, count + 1)
    ]


@pytest.fixture
def cvs_bilan(resident):
    bilan = f.CvsBilanFactory(application__created_by=resident)
    services.save_cvs_objectives(user=resident, bilan=bilan, objectives=objectives(2))
    balanced_budget(resident, bilan)
    return bilan


def test_cvs_bilan_with_two_objectives_and_a_balanced_budget_is_filed(cvs_bilan, resident):
    services.submit_cvs_bilan(user=resident, bilan=cvs_bilan)
    cvs_bilan.refresh_from_db()
    assert cvs_bilan.status == BilanStatus.SUBMITTED
    assert cvs_bilan.application.status == Status.BILAN_RECEIVED


def test_cvs_refuses_fewer_than_two_and_more_than_five_objectives(cvs_bilan, resident):
    with pytest.raises(ValidationError, match="5 objectifs opérationnels au plus"):
        services.save_cvs_objectives(user=resident, bilan=cvs_bilan, objectives=objectives(6))
    assert cvs_bilan.objectives.count() == 2

    services.save_cvs_objectives(user=resident, bilan=cvs_bilan, objectives=objectives(1))
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_bilan(user=resident, bilan=cvs_bilan)
    assert "au moins 2 objectifs" in " ".join(error.value.message_dict["objectives"])

    services.save_cvs_objectives(user=resident, bilan=cvs_bilan, objectives=objectives(5))
    services.submit_cvs_bilan(user=resident, bilan=cvs_bilan)
    assert list(cvs_bilan.objectives.values_list("position", flat=True)) == [1, 2, 3, 4, 5]


def test_cvs_objective_needs_its_indicators_and_result(cvs_bilan, resident):
    with pytest.raises(ValidationError, match="Objectif 2 : écrivez l'objectif, ses indicateurs"):
        services.save_cvs_objectives(
            user=resident, bilan=cvs_bilan, objectives=[*objectives(1), {"objective": "Sans indicateur"}]
        )


@pytest.mark.parametrize(
    "budget, message",
    [
        ({"planned": ("1000", "800")}, "budget prévisionnel n'est pas équilibré : total des charges 1"),
        ({"realised": ("900", "950")}, "budget réalisé n'est pas équilibré"),
        ({"in_kind": ("200", "0")}, "contributions volontaires en nature"),
    ],
)
def test_cvs_refuses_an_unbalanced_budget(cvs_bilan, resident, budget, message):
    balanced_budget(resident, cvs_bilan, **budget)
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_bilan(user=resident, bilan=cvs_bilan)
    assert message in " ".join(error.value.message_dict["budget"])
    cvs_bilan.refresh_from_db()
    assert cvs_bilan.status == BilanStatus.DRAFT


def test_cvs_budget_totals_in_one_query(cvs_bilan, resident, django_assert_num_queries):
    balanced_budget(resident, cvs_bilan, in_kind=("150", "150"))
    with django_assert_num_queries(1):
        totals = selectors.cvs_budget_totals(bilan=cvs_bilan)
    assert totals.planned_charges == totals.planned_resources == Decimal("1000.00")
    assert totals.realised_charges_total == Decimal("1050.00")
    assert totals.planned_balanced and totals.realised_balanced


def test_cvs_budget_lines_must_agree_with_their_account(cvs_bilan, resident):
    with pytest.raises(ValidationError, match="Ligne 1 : ce poste n'appartient pas au compte"):
        services.save_cvs_budget(
            user=resident,
            bilan=cvs_bilan,
            lines=[{"side": "charge", "account": "61", "item": "60.supplies", "planned_amount": "10"}],
        )
    with pytest.raises(ValidationError, match="Ligne 1 : choisissez le compte"):
        services.save_cvs_budget(user=resident, bilan=cvs_bilan, lines=[{"side": "charge", "account": "74"}])
    services.save_cvs_budget(
        user=resident,
        bilan=cvs_bilan,
        lines=[
            {"side": "resource", "account": "74", "item": "", "planned_amount": "10", "realised_amount": "10"},
            {"side": "resource", "account": "74", "item": "74.commune_common", "planned_amount": "5"},
        ],
    )
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_bilan(user=resident, bilan=cvs_bilan)
    budget = " ".join(error.value.message_dict["budget"])
    assert "Ligne 1 : précisez qui donne cette subvention" in budget
    assert "Ligne 2 : indiquez le nom de la commune" in budget
    assert CvsBudgetLine.objects.filter(bilan=cvs_bilan).count() == 2


def test_cvs_key_figures_and_a_short_description_are_required(cvs_bilan, resident):
    services.save_cvs_bilan(
        user=resident, bilan=cvs_bilan, data={"key_figures": "", "progress_status": "closed", "progress_since": None}
    )
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_bilan(user=resident, bilan=cvs_bilan)
    assert "chiffres clés sont obligatoires" in error.value.message_dict["key_figures"][0]
    assert "clôturé" in error.value.message_dict["progress_since"][0]

    with pytest.raises(ValidationError, match="10 lignes au plus ; il en compte 11"):
        services.save_cvs_bilan(
            user=resident, bilan=cvs_bilan, data={"short_description": "\n".join(f"Ligne {n}" for n in range(11))}
        )


def test_cvs_bilan_is_accepted_and_returned_like_the_pic_one(cvs_bilan, resident, staff):
    services.submit_cvs_bilan(user=resident, bilan=cvs_bilan)
    cvs_staff = f.UserFactory()
    f.AssociationStaffFactory(association=cvs_bilan.application.fund.association, user=cvs_staff)
    with pytest.raises(PermissionDenied):
        services.accept_bilan(user=staff, bilan=cvs_bilan)  # Hommelet does not run this CVS fund
    services.return_bilan(user=cvs_staff, bilan=cvs_bilan, comment="Précisez les chiffres clés.")
    cvs_bilan.refresh_from_db()
    assert cvs_bilan.status == BilanStatus.RETURNED
    services.submit_cvs_bilan(user=resident, bilan=cvs_bilan)
    services.accept_bilan(user=cvs_staff, bilan=cvs_bilan)
    assert selectors.bilan_is_accepted(cvs_bilan.application)


# --- Model constraints ------------------------------------------------------------------------------------


def test_one_reminder_of_each_kind_per_request(application):
    BilanReminder.objects.create(
        application=application, kind="before_7", due_date=datetime.date(2025, 7, 14), recipient="a@example.org"
    )
    with pytest.raises(IntegrityError):
        BilanReminder.objects.create(
            application=application, kind="before_7", due_date=datetime.date(2025, 7, 14), recipient="a@example.org"
        )
