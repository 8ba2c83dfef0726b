"""The CVS request (CERFA 12156 and the call's criteria): who files, what it holds, its budget, filing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import BudgetLine
from applications.workflow import Status
from core.models import AuditEntry
from cvs import services
from cvs.models import CvsRequest
from tests.cvs_fixtures import STRUCTURE, cvs_call_fixture, fill_request  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_a_complete_request_is_filed_with_a_reference_and_its_asks(cvs_call, resident, mailoutbox):
    application = fill_request(resident, cvs_call)
    services.submit_cvs_request(user=resident, application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.reference == f"CVS-{cvs_call.fund.year}-0001"
    cvs = application.cvs_request
    assert {(a.funder_id, a.amount_asked) for a in cvs.funding_asks.all()} == {
        (cvs_call.state.pk, Decimal("1500.00")),
        (cvs_call.city.pk, Decimal("1000.00")),
    }
    assert application.amount_requested == Decimal("2500.00")
    assert cvs.multi_year is True
    assert list(cvs.neighbourhoods.all()) == [cvs_call.world.neighbourhood]
    assert application.holder.republican_commitment_accepted_at is not None


def test_an_association_needs_a_siret_and_the_republican_commitment(cvs_call, resident):
    application = services.start_cvs_draft(user=resident, fund=cvs_call.fund)
    with pytest.raises(ValidationError) as error:
        services.save_structure(
            user=resident,
            application=application,
            data={**STRUCTURE, "siret": "", "republican_commitment": False},
        )
    assert "SIRET" in error.value.message_dict["siret"][0]
    assert "contrat d'engagement républicain" in error.value.message_dict["republican_commitment"][0]
    application.refresh_from_db()
    assert application.holder is None  # nothing half-saved


def test_a_siret_failing_the_luhn_check_is_refused(cvs_call, resident):
    application = services.start_cvs_draft(user=resident, fund=cvs_call.fund)
    wrong = STRUCTURE["siret"][:-1] + str((int(STRUCTURE["siret"][-1]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        services.save_structure(user=resident, application=application, data={**STRUCTURE, "siret": wrong})
    assert "siret" in error.value.message_dict


def test_a_local_authority_files_without_siret_nor_commitment(cvs_call, resident):
    application = fill_request(
        resident, cvs_call, structure={"structure_kind": "local_authority", "siret": "", "republican_commitment": False}
    )
    services.submit_cvs_request(user=resident, application=application)
    assert application.status == Status.SUBMITTED
    assert application.cvs_request.get_structure_kind_display() == "Collectivité territoriale"


def test_the_commitment_date_is_recorded_and_audited(cvs_call, resident):
    application = fill_request(resident, cvs_call)
    entry = AuditEntry.objects.filter(action="cvs.save_structure", target_id=str(application.pk)).get()
    assert entry.data == {"republican_commitment": True}
    assert application.holder.republican_commitment_accepted_at.date() == datetime.date.today()


def test_at_least_one_qpv_and_one_ambition(cvs_call, resident):
    application = fill_request(resident, cvs_call)
    with pytest.raises(ValidationError) as error:
        services.save_project(
            user=resident,
            application=application,
            data={"title": "Titre", "neighbourhoods": [], "ambitions": [], "previous_request": None},
        )
    assert set(error.value.message_dict) == {"neighbourhoods", "ambitions"}
    assert application.cvs_request.ambitions.count() == 1  # the saved answer is kept


def save_one_expense(user, application, expense: tuple[str, str, str], asks: dict) -> None:
    """The budget saved with a single expense line, as (category, label, amount), and no resource."""
    category, label, amount = expense
    services.save_cvs_budget(
        user=user,
        application=application,
        expenses=[{"category": category, "label": label, "amount": Decimal(amount)}],
        resources=[],
        asks=asks,
    )


def test_an_unbalanced_budget_is_saved_as_a_draft_but_not_filed(cvs_call, resident):
    application = fill_request(resident, cvs_call)
    save_one_expense(resident, application, ("60", "Fournitures", "5000"), {cvs_call.state.pk: Decimal("1000")})
    assert not BudgetLine.objects.filter(application=application, category="64").exists()  # replaced at once
    assert application.cvs_request.funding_asks.count() == 1
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_request(user=resident, application=application)
    assert "pas équilibré" in " ".join(error.value.messages)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_a_wrong_budget_line_saves_nothing(cvs_call, resident):
    application = fill_request(resident, cvs_call)
    with pytest.raises(ValidationError):
        save_one_expense(resident, application, ("99", "Compte inconnu", "5000"), {cvs_call.state.pk: Decimal("1000")})
    assert BudgetLine.objects.filter(application=application, category="64").exists()
    assert application.cvs_request.funding_asks.count() == 2


def test_funding_can_only_be_asked_from_the_call_funders(cvs_call, resident, world):
    application = fill_request(resident, cvs_call)
    with pytest.raises(ValidationError):
        save_one_expense(resident, application, ("60", "Fournitures", "100"), {world.city_lille.pk: Decimal("100")})


def test_an_incomplete_request_is_not_filed(cvs_call, resident):
    resident.email_confirmed_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    resident.save()
    application = services.start_cvs_draft(user=resident, fund=cvs_call.fund)
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_request(user=resident, application=application)
    text = " ".join(error.value.messages)
    assert "quartier prioritaire" in text and "ambition" in text and "financeur" in text
    application.refresh_from_db()
    assert application.status == Status.DRAFT and not application.reference


def test_only_the_holder_edits_and_files(cvs_call, resident, other_resident):
    application = fill_request(resident, cvs_call)
    with pytest.raises(PermissionDenied):
        services.submit_cvs_request(user=other_resident, application=application)
    with pytest.raises(PermissionDenied):
        services.save_commitments(user=other_resident, application=application, data={})


def test_a_pic_fund_has_no_cvs_request(world, resident):
    with pytest.raises(ValidationError):
        services.start_cvs_draft(user=resident, fund=world.fund)
    assert not CvsRequest.objects.exists()


def test_an_unconfirmed_email_address_is_asked_to_confirm_first(cvs_call, resident):
    application = fill_request(resident, cvs_call)
    resident.email_confirmed_at = None
    resident.save()
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_request(user=resident, application=application)
    assert "Confirmez d'abord votre adresse e-mail" in error.value.messages[0]


def test_the_rib_and_an_association_statutes_are_required(cvs_call, resident):
    application = fill_request(resident, cvs_call)
    application.attachments.filter(kind="statutes").delete()
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_request(user=resident, application=application)
    assert "statuts de l'association" in " ".join(error.value.messages)
    assert "RIB" not in " ".join(error.value.messages)


def test_the_purge_removes_the_people_a_cvs_request_names(cvs_call, resident, settings):
    from django.utils import timezone

    from applications.models import Application
    from portal.privacy import purge_personal_data

    application = fill_request(resident, cvs_call)
    services.submit_cvs_request(user=resident, application=application)
    from applications.services import withdraw_application

    withdraw_application(user=resident, application=application, comment="Reporté.")
    long_ago = timezone.now() - datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 1)
    application.status_changes.update(created_at=long_ago)
    Application.objects.filter(pk=application.pk).update(updated_at=long_ago)
    report = purge_personal_data()
    assert report.cvs_requests == 1
    cvs = CvsRequest.objects.get(application=application)
    assert (cvs.representative_name, cvs.referent_name, cvs.referent_email) == ("", "", "")
    assert cvs.diagnostic  # the project itself stays
    assert purge_personal_data().cvs_requests == 0  # idempotent


def test_the_holder_personal_data_export_holds_the_cvs_request(cvs_call, resident):
    from portal.privacy import export_user_data

    application = fill_request(resident, cvs_call)
    data = export_user_data(user=resident)
    exported = next(a for a in data["applications"] if a["title"] == application.title)["cvs_request"]
    assert exported["referent_email"] == "coordination@coup-de-pouce.example.org"
    assert exported["neighbourhoods"] == [{"code": "QN05980M", "name": "Quartier Intercommunal Roubaix-Tourcoing"}]
    assert {(a["funder"], a["amount_asked"]) for a in exported["funding_asks"]} == {
        ("État — Préfecture du Nord", "1500.00"),
        ("Ville de Roubaix", "1000.00"),
    }
