"""The CVS bilan (annex 3): prefilled start, objectives, partners, a balanced budget, filing and review."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.workflow import Status
from reports import selectors, services
from reports.models import BilanStatus, CvsBudgetLine
from tests import factories as f

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


def test_cvs_partner_rows_report_their_own_validation_by_number(cvs_bilan, resident):
    """A row that fails its model's validation is named by its number, and nothing of the table is saved."""
    partners = [
        {"actor": "Bailleur social", "role": "Prête la salle"},
        {"actor": "A" * 201, "role": "Anime un atelier"},
    ]
    with pytest.raises(ValidationError) as error:
        services.save_cvs_partners(user=resident, bilan=cvs_bilan, partners=partners)
    messages = error.value.message_dict["partners"]
    assert len(messages) == 1 and messages[0].startswith("Partenaire 2 : ")
    assert not cvs_bilan.partners.exists()
