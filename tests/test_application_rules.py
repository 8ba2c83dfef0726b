"""The request's business rules (applications.rules), each with its French message."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from applications import rules
from applications.models import Application, Attachment, Holder
from applications.workflow import Status
from tests import factories as f

PARIS = datetime.timezone(datetime.timedelta(hours=2))
TODAY = datetime.date(2025, 5, 24)


def at(year, month, day, hour=14):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=PARIS)


def messages(errors: dict) -> str:
    return " ".join(m for ms in errors.values() for m in ms)


# --- Dates and call ---------------------------------------------------------------------------------


def test_dates_in_order_within_the_year_pass(world):
    assert rules.check_dates(fund=world.fund, starts_at=at(2025, 6, 14), ends_at=at(2025, 6, 14, 18)) == {}


def test_inverted_dates_are_refused(world):
    errors = rules.check_dates(fund=world.fund, starts_at=at(2025, 6, 14, 18), ends_at=at(2025, 6, 14, 14))
    assert list(errors) == ["ends_at"]
    assert "La fin du projet doit être après son début" in errors["ends_at"][0]


def test_equal_dates_are_refused(world):
    errors = rules.check_dates(fund=world.fund, starts_at=at(2025, 6, 14), ends_at=at(2025, 6, 14))
    assert "ends_at" in errors


def test_dates_outside_the_fund_year_name_the_year(world):
    errors = rules.check_dates(fund=world.fund, starts_at=at(2025, 12, 31), ends_at=at(2026, 1, 2))
    assert list(errors) == ["ends_at"]
    assert "ont lieu en 2025" in errors["ends_at"][0]
    assert "31/12/2025" in errors["ends_at"][0]


def test_new_year_eve_in_paris_is_still_the_fund_year(world):
    # 31/12/2025 23:30 in Paris is 22:30 UTC: the local year counts.
    starts = datetime.datetime(2025, 12, 31, 22, 30, tzinfo=datetime.UTC)
    assert rules.check_dates(fund=world.fund, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=20)) == {}


def test_call_open_passes_on_its_bounds(world):
    assert rules.check_call_open(fund=world.fund, today=datetime.date(2025, 1, 1)) == {}
    assert rules.check_call_open(fund=world.fund, today=datetime.date(2025, 12, 31)) == {}


def test_call_not_yet_open_gives_the_dates(world):
    world.fund.call_opens_on = datetime.date(2025, 3, 1)
    errors = rules.check_call_open(fund=world.fund, today=datetime.date(2025, 2, 1))
    text = errors[NON_FIELD_ERRORS][0]
    assert "ouvre le 01/03/2025" in text
    assert "31/12/2025" in text


def test_call_closed_gives_the_dates(world):
    world.fund.call_closes_on = datetime.date(2025, 4, 30)
    errors = rules.check_call_open(fund=world.fund, today=TODAY)
    text = errors[NON_FIELD_ERRORS][0]
    assert "du 01/01/2025 au 30/04/2025" in text
    assert "il est clos" in text


def test_unpublished_fund_accepts_no_request(world):
    world.fund.is_published = False
    assert "n'accepte pas de demandes" in messages(rules.check_call_open(fund=world.fund, today=TODAY))


# --- Amounts ----------------------------------------------------------------------------------------


def test_amount_within_the_cap_passes(world, resident):
    assert rules.check_amount(fund=world.fund, user=resident, amount=Decimal("1000.00")) == {}


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("0"), "supérieur à 0"),
        (Decimal("-50"), "supérieur à 0"),
        (Decimal("12.345"), "deux chiffres après la virgule"),
        ("n'importe quoi", "supérieur à 0"),
        (None, "Indiquez le montant"),
    ],
)
def test_invalid_amounts_are_refused(world, resident, amount, expected):
    errors = rules.check_amount(fund=world.fund, user=resident, amount=amount)
    assert expected in errors["amount_requested"][0]


@pytest.mark.parametrize("amount", [Decimal("1000.01"), Decimal("999999999.99")])
def test_amount_above_the_cap_names_the_cap_in_french(world, resident, amount):
    errors = rules.check_amount(fund=world.fund, user=resident, amount=amount)
    assert "Le plafond du fonds « PIC Hommelet 2025 » est de 1\u202f000,00\u00a0€" in errors["amount_requested"][0]


def test_second_request_same_year_has_the_lower_cap(world, resident):
    world.fund.max_grant_second_request = Decimal("400.00")
    world.fund.save()
    first = f.ApplicationFactory(fund=world.fund, created_by=resident, status=Status.SUBMITTED)
    second = f.ApplicationFactory(fund=world.fund, created_by=resident)

    errors = rules.check_amount(fund=world.fund, user=resident, amount=Decimal("450"), application=second)
    assert "pour une deuxième demande, le plafond est de 400,00\u00a0€" in errors["amount_requested"][0]
    assert rules.check_amount(fund=world.fund, user=resident, amount=Decimal("400"), application=second) == {}
    # The first request itself keeps the full cap.
    assert rules.check_amount(fund=world.fund, user=resident, amount=Decimal("900"), application=first) == {}


@pytest.mark.parametrize("status", [Status.DRAFT, Status.WITHDRAWN])
def test_drafts_and_withdrawn_requests_do_not_count_as_a_first_request(world, resident, status):
    world.fund.max_grant_second_request = Decimal("400.00")
    world.fund.save()
    f.ApplicationFactory(fund=world.fund, created_by=resident, status=status)
    second = f.ApplicationFactory(fund=world.fund, created_by=resident)
    assert rules.check_amount(fund=world.fund, user=resident, amount=Decimal("900"), application=second) == {}


def test_a_request_in_another_association_or_year_does_not_lower_the_cap(world, resident):
    world.fund.max_grant_second_request = Decimal("400.00")
    world.fund.save()
    f.ApplicationFactory(fund=world.other_fund, created_by=resident, status=Status.SUBMITTED)
    last_year = f.FundFactory(association=world.hommelet, slug="pic-hommelet-2024", year=2024)
    f.ApplicationFactory(fund=last_year, created_by=resident, status=Status.GRANTED)
    assert rules.check_amount(fund=world.fund, user=resident, amount=Decimal("900")) == {}


def test_another_fund_of_the_same_association_same_year_lowers_the_cap(world, resident):
    world.fund.max_grant_second_request = Decimal("400.00")
    world.fund.save()
    sister = f.FundFactory(association=world.hommelet, slug="fph-hommelet-2025", year=2025)
    f.ApplicationFactory(fund=sister, created_by=resident, status=Status.GRANTED)
    errors = rules.check_amount(fund=world.fund, user=resident, amount=Decimal("900"))
    assert "400,00\u00a0€" in errors["amount_requested"][0]


# --- Budget -----------------------------------------------------------------------------------------


def test_balanced_budget_passes():
    assert (
        rules.check_budget(
            expenses=[Decimal("200"), Decimal("100")], resources=[Decimal("50")], amount_requested=Decimal("250")
        )
        == {}
    )


def test_unbalanced_budget_gives_both_totals_and_the_difference():
    errors = rules.check_budget(
        expenses=[Decimal("1200"), Decimal("100.50")], resources=[Decimal("50")], amount_requested=Decimal("250")
    )
    text = errors[NON_FIELD_ERRORS][0]
    assert "les dépenses font 1\u202f300,50\u00a0€" in text
    assert "(montant demandé compris) 300,00\u00a0€" in text
    assert "il manque 1\u202f000,50\u00a0€ de ressources" in text


def test_resources_above_expenses_are_refused_too():
    errors = rules.check_budget(expenses=[Decimal("100")], resources=[Decimal("80")], amount_requested=Decimal("50"))
    assert "dépassent les dépenses de 30,00\u00a0€" in errors[NON_FIELD_ERRORS][0]


def test_a_budget_without_expenses_is_refused():
    errors = rules.check_budget(expenses=[], resources=[], amount_requested=Decimal("250"))
    assert "au moins une dépense" in errors[NON_FIELD_ERRORS][0]


def test_depreciation_is_not_a_running_cost():
    errors = rules.check_expense_categories(categories=["60", "68"])
    assert "Amortissements : achats qui durent plusieurs années (compte 68)" in errors["category"][0]
    assert "frais de fonctionnement" in errors["category"][0]
    assert rules.check_expense_categories(categories=["60", "61", "86"]) == {}


def test_budget_line_checks():
    assert rules.check_budget_line(side="expense", category="60", grant_source="", label="Goûter", amount="30") == {}
    wrong_side = rules.check_budget_line(side="expense", category="70", grant_source="", label="x", amount="1")
    assert "catégorie de dépense" in wrong_side["category"][0]
    grant = rules.check_budget_line(side="resource", category="74", grant_source="", label="Ville", amount="100")
    assert "Précisez qui verse cette subvention" in grant["grant_source"][0]
    stray = rules.check_budget_line(side="resource", category="70", grant_source="caf", label="x", amount="1")
    assert "ressource 74" in stray["grant_source"][0]
    empty = rules.check_budget_line(side="expense", category="60", grant_source="", label="  ", amount="-3")
    assert set(empty) == {"label", "amount"}


# --- Holder and attachments -------------------------------------------------------------------------


def test_complete_group_and_association_pass(resident):
    group = f.HolderFactory(owner=resident)
    association = f.HolderFactory(
        owner=resident,
        kind=Holder.Kind.ASSOCIATION,
        siret=f.make_siret(12345678),
        address="3 rue des Lilas",
        postcode="59100",
        city="Roubaix",
        republican_commitment_accepted_at=datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC),
    )
    assert rules.check_holder(holder=group) == {}
    assert rules.check_holder(holder=association) == {}


def test_association_needs_an_identifier_an_address_and_the_republican_commitment(resident):
    holder = Holder(owner=resident, kind=Holder.Kind.ASSOCIATION, name="Les Amis", referent_name="Amina")
    errors = rules.check_holder(holder=holder)
    assert "SIRET ou le numéro RNA" in errors["siret"][0]
    assert set(errors) >= {"siret", "address", "postcode", "city", "republican_commitment"}
    assert "contrat d'engagement républicain" in errors["republican_commitment"][0]


def _association(resident, **identifiers) -> Holder:
    """An unsaved association with an address and the republican commitment, known by `identifiers`."""
    return Holder(
        owner=resident,
        kind=Holder.Kind.ASSOCIATION,
        name="Les Amis",
        referent_name="Amina",
        address="1 rue",
        postcode="59100",
        city="Roubaix",
        republican_commitment_accepted_at=datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC),
        **identifiers,
    )


def test_association_with_a_wrong_siret_or_rna_is_refused(resident):
    holder = _association(resident, siret="12345678901234", rna="X12")
    errors = rules.check_holder(holder=holder)
    assert "SIRET n'est pas valide" in errors["siret"][0]
    assert "commence par la lettre W" in errors["rna"][0]


def test_association_with_an_rna_only_passes(resident):
    holder = _association(resident, rna="W595012345")
    assert rules.check_holder(holder=holder) == {}


def test_group_needs_a_referent_and_co_holders(resident):
    holder = Holder(owner=resident, kind=Holder.Kind.GROUP, name="Voisins", referent_name="", co_holders_count=0)
    errors = rules.check_holder(holder=holder)
    assert "personne référente" in errors["referent_name"][0]
    assert "combien d'autres personnes" in errors["co_holders_count"][0]
    assert "prénoms des co-porteur·ses" in errors["co_holders_first_names"][0]


def test_group_needs_bank_details(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    errors = rules.check_required_attachments(application=application)
    assert errors == {
        "attachments": ["Ajoutez ce document : Relevé d'identité bancaire (RIB) (PDF, JPEG ou PNG, 5 Mo au plus)."]
    }
    f.AttachmentFactory(application=application, kind=Attachment.Kind.BANK_DETAILS)
    assert rules.check_required_attachments(application=application) == {}


def test_association_needs_its_statutes_too(world, resident):
    holder = f.HolderFactory(owner=resident, kind=Holder.Kind.ASSOCIATION)
    application = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=holder)
    f.AttachmentFactory(application=application, kind=Attachment.Kind.BANK_DETAILS)
    errors = rules.check_required_attachments(application=application)
    assert "Statuts de l'association" in errors["attachments"][0]


# --- Uploaded files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f.MINIMAL_PDF, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "image/jpeg"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_their_content(content, expected):
    uploaded = SimpleUploadedFile("piece.bin", content, content_type="application/octet-stream")
    assert rules.check_uploaded_file(uploaded_file=uploaded) == expected
    assert uploaded.tell() == 0  # left ready to be stored


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00" + b"\x00" * 300, b"\x7fELF\x02\x01\x01" + b"\x00" * 300, b"<html>not a pdf</html>"],
    ids=["windows-exe", "elf", "html"],
)
def test_an_executable_renamed_pdf_is_refused(content):
    uploaded = SimpleUploadedFile("rib.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        rules.check_uploaded_file(uploaded_file=uploaded)
    assert "n'est pas un document PDF, JPEG ou PNG" in caught.value.message_dict["file"][0]


def test_a_6_mb_file_is_refused():
    uploaded = SimpleUploadedFile("statuts.pdf", f.MINIMAL_PDF + b"0" * (6 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError) as caught:
        rules.check_uploaded_file(uploaded_file=uploaded)
    assert "le maximum est de 5 Mo" in caught.value.message_dict["file"][0]


@override_settings(MAX_UPLOAD_SIZE=1024)
def test_the_size_limit_is_a_setting():
    with pytest.raises(ValidationError):
        rules.check_uploaded_file(uploaded_file=SimpleUploadedFile("a.pdf", f.MINIMAL_PDF + b"0" * 2000))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        rules.check_uploaded_file(uploaded_file=SimpleUploadedFile("vide.pdf", b""))
    assert "vide" in caught.value.message_dict["file"][0]


# --- Ready for submission ---------------------------------------------------------------------------


def test_a_complete_request_is_ready(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    f.AttachmentFactory(application=application)
    assert rules.validate_for_submission(application=application, today=TODAY) == {}


def test_an_empty_draft_lists_what_is_missing_by_step(world, resident):
    application = Application.objects.create(fund=world.fund, created_by=resident)
    errors = rules.validate_for_submission(application=application, today=TODAY)
    assert set(errors) == {"holder", "project", "when_where", "people", "budget", "attachments"}
    assert "Donnez un titre à votre projet." in errors["project"]
    assert "Choisissez le quartier où a lieu le projet." in errors["when_where"]
    assert "Ajoutez au moins une dépense à votre budget prévisionnel." in errors["budget"]


def test_theme_and_neighbourhood_must_be_the_funds(world, resident):
    other_theme = f.ThemeFactory(slug="circuits-courts", name="Circuits courts")
    application = f.ApplicationFactory(
        fund=world.fund, created_by=resident, theme=other_theme, neighbourhood=world.other_neighbourhood
    )
    f.AttachmentFactory(application=application)
    errors = rules.validate_for_submission(application=application, today=TODAY)
    assert errors["project"] == ["Cette thématique n'est pas proposée par ce fonds : choisissez-en une dans la liste."]
    assert errors["when_where"] == ["Ce quartier n'est pas couvert par ce fonds : choisissez-en un dans la liste."]


def test_a_closed_call_blocks_a_first_filing_but_not_a_resubmission(world, resident):
    world.fund.call_closes_on = datetime.date(2025, 4, 30)
    world.fund.save()
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    f.AttachmentFactory(application=application)
    assert "il est clos" in rules.validate_for_submission(application=application, today=TODAY)["summary"][0]
    application.status = Status.COMPLETION_REQUESTED
    assert rules.validate_for_submission(application=application, today=TODAY) == {}


def test_a_holder_of_another_account_is_refused(world, resident, other_resident):
    application = f.ApplicationFactory(
        fund=world.fund, created_by=resident, holder=f.HolderFactory(owner=other_resident)
    )
    f.AttachmentFactory(application=application)
    errors = rules.validate_for_submission(application=application, today=TODAY)
    assert errors == {"holder": ["Choisissez un porteur que vous avez vous-même enregistré."]}


def test_unbalanced_budget_and_ineligible_lines_block_submission(world, resident):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    f.AttachmentFactory(application=application)
    f.BudgetLineFactory(application=application, category="68", label="Amortissement barnum", amount=Decimal("40"))
    budget = rules.validate_for_submission(application=application, today=TODAY)["budget"]
    assert any("Amortissements : achats qui durent plusieurs années (compte 68)" in m for m in budget)
    assert any("il manque 40,00\u00a0€ de ressources" in m for m in budget)
