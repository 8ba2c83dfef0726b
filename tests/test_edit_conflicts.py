"""Two people editing the same request: a change made from a stale page is refused, nothing is overwritten.

Every form of the instruction page and of the holder's steps carries, hidden, the request's `version` the
user saw; the service compares it with the locked row and refuses with a clear message when it changed.
"""

import threading
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from applications import services
from applications.models import Application, BudgetLine, CriterionCheck, EligibilityCriterion, StatusChange
from applications.staff_views import ACTIONS
from applications.workflow import Status
from tests import factories as f
from tests.request_fixtures import NOW, client_of, file_request, in_march_2025, private_media  # noqa: F401  (autouse)

CONFLICT = (
    "Cette demande a été modifiée par quelqu'un d'autre pendant que vous la consultiez : "
    "rechargez la page pour voir ses changements, puis recommencez."
)


def _second_staff(world, email="staff2.hommelet@example.org"):
    user = f.UserFactory(email=email, first_name="Inès", last_name="Collègue")
    f.AssociationStaffFactory(association=world.hommelet, user=user)
    return user


@pytest.fixture
def reviewed(world, resident, staff) -> Application:
    application = file_request(world, resident)
    services.start_review(user=staff, application=application)
    for criterion in EligibilityCriterion.objects.filter(fund=application.fund):
        services.record_criterion_check(user=staff, application=application, criterion=criterion, met=True)
    application.refresh_from_db()
    return application


def _text(response) -> str:
    return unescape(response.content.decode())


# --- Services -----------------------------------------------------------------------------------------


def test_status_changes_and_grid_checks_increment_the_version(world, resident, staff):
    application = file_request(world, resident)
    before = application.version
    services.start_review(user=staff, application=application)
    assert application.version == before + 1
    criterion = EligibilityCriterion.objects.filter(fund=world.fund).first()
    services.record_criterion_check(user=staff, application=application, criterion=criterion, met=True)
    application.refresh_from_db()
    assert application.version == before + 2


@pytest.mark.parametrize(
    "action",
    [
        lambda user, app, version: services.declare_eligible(user=user, application=app, expected_version=version),
        lambda user, app, version: services.declare_ineligible(
            user=user, application=app, reason="Hors quartier", expected_version=version
        ),
        lambda user, app, version: services.request_completion(
            user=user, application=app, message="Le devis manque", expected_version=version
        ),
    ],
    ids=["declare_eligible", "declare_ineligible", "request_completion"],
)
def test_a_decision_from_a_stale_page_is_refused_and_writes_nothing(world, reviewed, staff, action):
    seen = reviewed.version
    colleague = _second_staff(world)
    criterion = EligibilityCriterion.objects.filter(fund=world.fund).first()
    # The colleague changes the grid meanwhile (a « Non » with its reason).
    services.record_criterion_check(
        user=colleague,
        application=Application.objects.get(pk=reviewed.pk),
        criterion=criterion,
        met=False,
        comment="Le lieu est hors quartier.",
    )
    changes = StatusChange.objects.filter(application=reviewed).count()

    with pytest.raises(services.EditConflict) as error:
        action(staff, Application.objects.get(pk=reviewed.pk), seen)

    assert error.value.message_dict == {"__all__": [CONFLICT]}
    reviewed.refresh_from_db()
    assert reviewed.status == Status.UNDER_REVIEW
    assert reviewed.version == seen + 1
    assert StatusChange.objects.filter(application=reviewed).count() == changes
    assert CriterionCheck.objects.get(application=reviewed, criterion=criterion).met is False


def test_start_review_and_grid_check_from_a_stale_page_are_refused(world, resident, staff):
    application = file_request(world, resident)
    seen = application.version
    services.start_review(user=_second_staff(world), application=Application.objects.get(pk=application.pk))
    with pytest.raises(services.EditConflict):
        services.start_review(user=staff, application=Application.objects.get(pk=application.pk), expected_version=seen)
    criterion = EligibilityCriterion.objects.filter(fund=world.fund).first()
    with pytest.raises(services.EditConflict):
        services.record_criterion_check(
            user=staff, application=application, criterion=criterion, met=True, expected_version=seen
        )
    assert not CriterionCheck.objects.filter(application=application).exists()


def test_the_current_version_or_none_is_accepted(world, reviewed, staff):
    services.declare_eligible(user=staff, application=reviewed, expected_version=reviewed.version)
    reviewed.refresh_from_db()
    assert reviewed.status == Status.ELIGIBLE
    # Callers that do not track the version (committees, scripts) keep working.
    draft = f.ApplicationFactory(fund=world.fund)
    services.save_step(user=draft.created_by, application=draft, step="project", data={"title": "Nouveau titre"})
    assert Application.objects.get(pk=draft.pk).title == "Nouveau titre"


def test_a_holder_step_saved_from_a_stale_tab_is_refused(world, resident):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, title="Titre d'origine")
    seen = draft.version
    services.save_step(user=resident, application=draft, step="project", data={"title": "Titre du premier onglet"})
    with pytest.raises(services.EditConflict):
        services.save_step(
            user=resident,
            application=Application.objects.get(pk=draft.pk),
            step="project",
            data={"title": "Titre du second onglet"},
            expected_version=seen,
        )
    with pytest.raises(services.EditConflict):
        services.save_budget(
            user=resident,
            application=Application.objects.get(pk=draft.pk),
            amount_requested=None,
            lines=[],
            expected_version=seen,
        )
    draft.refresh_from_db()
    assert draft.title == "Titre du premier onglet"
    assert BudgetLine.objects.filter(application=draft).count() == 2


# --- Views --------------------------------------------------------------------------------------------


def test_the_staff_page_carries_the_version_in_every_form(world, reviewed, staff):
    page = client_of(staff).get(reverse("staff:application", kwargs={"pk": reviewed.pk})).content.decode()
    assert EligibilityCriterion.objects.filter(fund=world.fund).exists()
    for slug in ("declare_eligible", "declare_ineligible", "request_completion"):
        assert f'name="{ACTIONS[slug][1]}-version" value="{reviewed.version}"' in page
    # The whole grid is one form (issue 17): one version for all its criteria.
    assert f'name="version" value="{reviewed.version}"' in page
    assert page.count(f'value="{reviewed.version}"') >= 1 + 3
    assert page.count('type="hidden"') >= 1 + 3


def _act(client, slug: str, application, **fields):
    """Posts the staff action `slug` (declare_eligible…) with its form's prefix on each field."""
    prefix = ACTIONS[slug][1]
    return client.post(
        reverse(f"staff:{slug}", kwargs={"pk": application.pk}), {f"{prefix}-{k}": v for k, v in fields.items()}
    )


def test_two_staff_on_the_same_page_the_second_decision_is_refused_with_the_current_data(world, reviewed, staff):
    colleague = _second_staff(world)
    page = reverse("staff:application", kwargs={"pk": reviewed.pk})
    first, second = client_of(staff), client_of(colleague)
    html = first.get(page).content.decode()
    second.get(page)
    assert f'value="{reviewed.version}"' in html
    answer = _act(second, "declare_ineligible", reviewed, reason="Hors quartier", version=reviewed.version)
    assert answer.status_code == 302
    refused = _act(first, "declare_eligible", reviewed, comment="Bravo", version=reviewed.version)

    assert refused.status_code == 200
    text = _text(refused)
    assert CONFLICT in text
    assert str(Status.INELIGIBLE.label) in text  # the page shows the request as it is now
    reviewed.refresh_from_db()
    assert reviewed.status == Status.INELIGIBLE


def test_a_grid_check_from_a_stale_page_is_refused_in_the_view(world, reviewed, staff):
    criterion = EligibilityCriterion.objects.filter(fund=world.fund).first()
    seen = reviewed.version
    services.record_criterion_check(
        user=_second_staff(world), application=reviewed, criterion=criterion, met=False, comment="Non, hors QPV."
    )
    prefix = f"critere-{criterion.pk}"
    response = client_of(staff).post(
        reverse("staff:record_check", kwargs={"pk": reviewed.pk, "criterion_pk": criterion.pk}),
        {f"{prefix}-met": "yes", f"{prefix}-version": seen},
    )
    assert response.status_code == 200
    assert CONFLICT in _text(response)
    check = CriterionCheck.objects.get(application=reviewed, criterion=criterion)
    assert (check.met, check.comment) == (False, "Non, hors QPV.")


def test_a_garbled_version_is_refused_not_ignored(world, reviewed, staff):
    response = _act(client_of(staff), "declare_eligible", reviewed, version="abc")
    assert response.status_code == 200
    reviewed.refresh_from_db()
    assert reviewed.status == Status.UNDER_REVIEW


def test_the_holder_step_page_carries_the_version_and_refuses_a_stale_save(world, resident):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, title="Titre d'origine")
    url = reverse("applications:application_step", kwargs={"pk": draft.pk, "step": "project"})
    client = client_of(resident)
    page = client.get(url).content.decode()
    assert f'name="version" value="{draft.version}"' in page
    seen = draft.version
    services.save_step(user=resident, application=draft, step="project", data={"title": "Titre de l'autre onglet"})

    response = client.post(
        url,
        {
            "title": "Titre périmé",
            "theme": draft.theme_id,
            "objectives": draft.objectives,
            "description": draft.description,
            "version": seen,
            "action": "stay",
        },
    )

    assert response.status_code == 200
    assert CONFLICT in _text(response)
    draft.refresh_from_db()
    assert draft.title == "Titre de l'autre onglet"
    budget_url = reverse("applications:application_step", kwargs={"pk": draft.pk, "step": "budget"})
    assert f'name="version" value="{draft.version}"' in client.get(budget_url).content.decode()


# --- PostgreSQL: two staff decide at the very same moment ------------------------------------------------


def _decide_together(application, staff_a, staff_b) -> tuple[list, list]:
    """Staff A declares eligible, staff B ineligible, both from the same page (same version), at once."""
    seen = application.version
    barrier = threading.Barrier(2, timeout=30)
    wins: list[str] = []
    refusals: list[BaseException] = []

    def run(name, call):
        try:
            barrier.wait()
            call()
            wins.append(name)
        except ValidationError as error:
            refusals.append(error)
        except BaseException as error:  # reported to the main thread
            refusals.append(error)
        finally:
            connection.close()

    calls = [
        (
            "eligible",
            lambda: services.declare_eligible(
                user=staff_a, application=Application.objects.get(pk=application.pk), expected_version=seen
            ),
        ),
        (
            "ineligible",
            lambda: services.declare_ineligible(
                user=staff_b,
                application=Application.objects.get(pk=application.pk),
                reason="Hors quartier",
                expected_version=seen,
            ),
        ),
    ]
    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return wins, refusals


ATTEMPTS = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_exactly_one_wins(world, resident, staff):
    colleague = _second_staff(world)
    for attempt in range(ATTEMPTS):
        owner = f.UserFactory(email=f"habitant{attempt}@example.org")
        application = file_request(world, owner)
        services.start_review(user=staff, application=application)
        for criterion in EligibilityCriterion.objects.filter(fund=application.fund):
            services.record_criterion_check(user=staff, application=application, criterion=criterion, met=True)
        application.refresh_from_db()

        wins, refusals = _decide_together(application, staff, colleague)

        assert len(wins) == 1, (attempt, wins, refusals)
        assert len(refusals) == 1 and isinstance(refusals[0], services.EditConflict), refusals
        application.refresh_from_db()
        expected = Status.ELIGIBLE if wins == ["eligible"] else Status.INELIGIBLE
        assert application.status == expected
        decisions = StatusChange.objects.filter(
            application=application, transition__in=["declare_eligible", "declare_ineligible"]
        )
        assert decisions.count() == 1
