"""Carrier associations instruct requests.

In this file: the services, and who may instruct.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from applications import services
from applications.models import Application, CriterionCheck, EligibilityCriterion, StaffNote
from applications.workflow import Status
from core.models import AuditEntry
from tests import factories as f
from tests.instruction.helpers import (
    DEFAULT_LABELS,
    NOW,
    REFUSED,
    SECRET_NOTE,
    audit,
    check_all,
    client_of,
    errors,
    file,
    page_of,
)

# --- Services: the happy paths ----------------------------------------------------------------------


def test_start_review_gives_the_fund_the_default_grid_and_sends_nothing(
    filed, staff, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.start_review(user=staff, application=filed)
    assert filed.status == Status.UNDER_REVIEW
    filed.refresh_from_db()
    assert filed.status == Status.UNDER_REVIEW
    change = filed.status_changes.get(transition="start_review")
    assert (change.from_status, change.actor) == (Status.SUBMITTED, staff)
    criteria = list(EligibilityCriterion.objects.filter(fund=filed.fund).order_by("position"))
    assert [c.label for c in criteria] == DEFAULT_LABELS
    assert all(c.is_required and c.help_text for c in criteria)
    assert [e.actor for e in audit("fund.default_criteria")] == [staff]
    assert len(audit("application.start_review")) == 1
    assert mail.outbox == []


def test_ensure_default_criteria_keeps_a_funds_own_grid_and_is_idempotent(world, staff, other_staff):
    own = f.EligibilityCriterionFactory(fund=world.fund, label="Le projet a lieu un samedi")
    assert services.ensure_default_criteria(fund=world.fund, user=staff) == [own]
    created = services.ensure_default_criteria(fund=world.other_fund)
    assert [c.label for c in created] == DEFAULT_LABELS
    assert services.ensure_default_criteria(fund=world.other_fund) == created
    assert EligibilityCriterion.objects.filter(fund=world.other_fund).count() == len(DEFAULT_LABELS)
    with pytest.raises(PermissionDenied):
        services.ensure_default_criteria(fund=world.fund, user=other_staff)


def test_record_criterion_check_saves_one_row_per_criterion_and_updates_it(reviewed, staff):
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
    check = services.record_criterion_check(
        user=staff, application=reviewed, criterion=criterion, met=False, comment="  Le lieu est à Lille.  "
    )
    assert (check.met, check.comment, check.checked_by, check.checked_at) == (False, "Le lieu est à Lille.", staff, NOW)
    services.record_criterion_check(user=staff, application=reviewed, criterion=criterion, met=True)
    services.record_criterion_check(user=staff, application=reviewed, criterion=criterion, met=None)
    assert CriterionCheck.objects.filter(application=reviewed, criterion=criterion).count() == 1
    check.refresh_from_db()
    assert check.met is None and check.comment == ""
    assert len(audit("application.record_criterion_check")) == 3


def test_record_criterion_check_refuses_another_funds_criterion_and_an_unexplained_no(reviewed, staff, world):
    foreign = f.EligibilityCriterionFactory(fund=world.other_fund, label="Critère de Lille Sud")
    with pytest.raises(ValidationError) as caught:
        services.record_criterion_check(user=staff, application=reviewed, criterion=foreign, met=True)
    assert "n'est pas dans la grille du fonds de cette demande" in errors(caught)
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
    with pytest.raises(ValidationError) as caught:
        services.record_criterion_check(user=staff, application=reviewed, criterion=criterion, met=False, comment=" ")
    assert caught.value.message_dict["comment"] == [
        "Expliquez en une phrase pourquoi le critère n'est pas rempli : l'équipe s'en servira pour décider."
    ]
    with pytest.raises(ValidationError) as caught:
        services.record_criterion_check(user=staff, application=reviewed, criterion=criterion, met="peut-être")
    assert "« Oui », « Non » ou « Pas encore vérifié »" in errors(caught)
    assert not CriterionCheck.objects.exists()


def test_the_grid_is_frozen_once_eligibility_is_decided(reviewed, staff):
    check_all(reviewed, staff)
    services.declare_eligible(user=staff, application=reviewed)
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
    with pytest.raises(ValidationError) as caught:
        services.record_criterion_check(user=staff, application=reviewed, criterion=criterion, met=False, comment="x")
    assert "La grille ne peut plus être modifiée : la demande est « Recevable »." in errors(caught)
    assert CriterionCheck.objects.get(application=reviewed, criterion=criterion).met is True


def test_add_staff_note_saves_the_author_and_refuses_an_empty_or_overlong_note(filed, staff):
    note = services.add_staff_note(user=staff, application=filed, body="  " + SECRET_NOTE + "\n")
    assert (note.author, note.body, note.application) == (staff, SECRET_NOTE, filed)
    entry = audit("application.add_staff_note")[0]
    assert entry.data == {"note": note.pk} and SECRET_NOTE not in entry.summary
    with pytest.raises(ValidationError) as caught:
        services.add_staff_note(user=staff, application=filed, body="   ")
    assert caught.value.message_dict["body"] == ["Écrivez la note avant de l'enregistrer."]
    with pytest.raises(ValidationError) as caught:
        services.add_staff_note(user=staff, application=filed, body="x" * 5001)
    assert "5000" in errors(caught)
    assert StaffNote.objects.count() == 1


def test_a_draft_cannot_be_annotated(world, resident, staff):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    with pytest.raises(ValidationError) as caught:
        services.add_staff_note(user=staff, application=draft, body="Une note")
    assert "pas encore déposée" in errors(caught)


def test_declare_eligible_is_refused_while_a_required_criterion_is_not_met(
    reviewed, staff, django_capture_on_commit_callbacks
):
    criteria = list(EligibilityCriterion.objects.filter(fund=reviewed.fund).order_by("position"))
    with pytest.raises(ValidationError) as caught:
        services.declare_eligible(user=staff, application=reviewed)
    assert len(caught.value.message_dict["criteria"]) == len(criteria)
    assert "Le critère obligatoire « Le budget est équilibré » n'est pas encore vérifié" in errors(caught)

    check_all(reviewed, staff)
    services.record_criterion_check(
        user=staff, application=reviewed, criterion=criteria[2], met=False, comment="Achat d'un barnum."
    )
    with pytest.raises(ValidationError) as caught:
        services.declare_eligible(user=staff, application=reviewed)
    assert caught.value.message_dict["criteria"] == [
        "Le critère obligatoire « Les dépenses sont des dépenses de fonctionnement » n'est pas rempli : la demande "
        "ne peut pas être déclarée recevable. Demandez un complément au porteur, ou déclarez-la non recevable."
    ]
    reviewed.refresh_from_db()
    assert reviewed.status == Status.UNDER_REVIEW

    # An optional criterion never blocks.
    criteria[2].is_required = False
    criteria[2].save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_eligible(user=staff, application=reviewed, comment="Bravo pour ce projet.")
    reviewed.refresh_from_db()
    assert reviewed.status == Status.ELIGIBLE
    assert reviewed.status_changes.get(transition="declare_eligible").comment == "Bravo pour ce projet."
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [reviewed.created_by.email]
    assert email.subject == f"Demande {reviewed.reference} : votre demande est recevable"
    assert "Bravo pour ce projet." in email.body and "Achat d'un barnum." not in email.body


def test_declare_eligible_in_a_fund_without_grid_creates_it_and_waits_for_the_checks(filed, staff):
    services.request_completion(user=staff, application=filed, message="Ajoutez le devis.")
    Application.objects.filter(pk=filed.pk).update(status=Status.RESUBMITTED)
    filed.refresh_from_db()
    assert not EligibilityCriterion.objects.filter(fund=filed.fund).exists()
    with pytest.raises(ValidationError) as caught:
        services.declare_eligible(user=staff, application=filed)
    assert len(caught.value.message_dict["criteria"]) == len(DEFAULT_LABELS)
    # The grid stays, so staff find the criteria the refusal names.
    assert EligibilityCriterion.objects.filter(fund=filed.fund).count() == len(DEFAULT_LABELS)
    filed.refresh_from_db()
    assert filed.status == Status.RESUBMITTED
    check_all(filed, staff)
    services.declare_eligible(user=staff, application=filed)
    assert filed.status == Status.ELIGIBLE


def test_declare_eligible_before_the_review_started_says_so_not_the_grid(filed, staff):
    with pytest.raises(ValidationError) as caught:
        services.declare_eligible(user=staff, application=filed)
    assert errors(caught) == (
        "Action impossible : « Déclarer recevable » n'est pas possible quand la demande est « Déposée »."
    )


def test_declare_ineligible_needs_a_reason_and_emails_it_to_the_holder(
    reviewed, staff, django_capture_on_commit_callbacks
):
    services.add_staff_note(user=staff, application=reviewed, body=SECRET_NOTE)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as caught:
            services.declare_ineligible(user=staff, application=reviewed, reason=reason)
        assert "Écrivez le motif de non-recevabilité" in caught.value.message_dict["reason"][0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_ineligible(
            user=staff, application=reviewed, reason="Les dépenses prévues sont des investissements."
        )
    reviewed.refresh_from_db()
    assert reviewed.status == Status.INELIGIBLE
    change = reviewed.status_changes.get(transition="declare_ineligible")
    assert change.comment == "Les dépenses prévues sont des investissements."
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [reviewed.created_by.email]
    assert email.subject == f"Demande {reviewed.reference} : votre demande n'est pas recevable"
    assert "Les dépenses prévues sont des investissements." in email.body
    assert SECRET_NOTE not in email.body
    with pytest.raises(ValidationError):
        services.declare_ineligible(user=staff, application=reviewed, reason="Encore")


def test_request_completion_emails_the_message_never_the_notes(filed, staff, django_capture_on_commit_callbacks):
    services.add_staff_note(user=staff, application=filed, body=SECRET_NOTE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_completion(user=staff, application=filed, message="Ajoutez le devis du goûter.")
    assert filed.status == Status.COMPLETION_REQUESTED
    assert [m.to for m in mail.outbox] == [[filed.created_by.email]]
    assert "Ajoutez le devis du goûter." in mail.outbox[0].body and SECRET_NOTE not in mail.outbox[0].body


# --- Services: who may instruct ---------------------------------------------------------------------


def _instruction_calls(application, criterion):
    return {
        "start_review": lambda user: services.start_review(user=user, application=application),
        "record_criterion_check": lambda user: services.record_criterion_check(
            user=user, application=application, criterion=criterion, met=True
        ),
        "add_staff_note": lambda user: services.add_staff_note(user=user, application=application, body="Note"),
        "request_completion": lambda user: services.request_completion(
            user=user, application=application, message="Complétez"
        ),
        "declare_eligible": lambda user: services.declare_eligible(user=user, application=application),
        "declare_ineligible": lambda user: services.declare_ineligible(
            user=user, application=application, reason="Motif"
        ),
    }


@pytest.mark.parametrize("persona", [*REFUSED, "anonymous"])
@pytest.mark.parametrize(
    "service",
    [
        "start_review",
        "record_criterion_check",
        "add_staff_note",
        "request_completion",
        "declare_eligible",
        "declare_ineligible",
    ],
)
def test_only_the_funds_association_staff_instruct(request, reviewed, persona, service):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
    changes, audits = reviewed.status_changes.count(), AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        _instruction_calls(reviewed, criterion)[service](user)
    reviewed.refresh_from_db()
    assert reviewed.status == Status.UNDER_REVIEW
    assert reviewed.status_changes.count() == changes and AuditEntry.objects.count() == audits
    assert not CriterionCheck.objects.exists() and not StaffNote.objects.exists()


@pytest.mark.parametrize("persona", ["staff", "admin_user"])
def test_association_staff_and_the_administrator_instruct(request, filed, persona):
    user = request.getfixturevalue(persona)
    services.start_review(user=user, application=filed)
    services.add_staff_note(user=user, application=filed, body="Dossier complet.")
    check_all(filed, user)
    services.declare_eligible(user=user, application=filed)
    assert filed.status == Status.ELIGIBLE
    assert CriterionCheck.objects.filter(application=filed, checked_by=user, met=True).count() == len(DEFAULT_LABELS)


def test_staff_never_instruct_their_own_request(world, staff):
    own = file(world, staff)
    for service, call in _instruction_calls(own, f.EligibilityCriterionFactory(fund=world.fund)).items():
        with pytest.raises(PermissionDenied) as caught:
            call(staff)
        assert "une autre personne de l'équipe doit l'instruire" in str(caught.value), service
    assert client_of(staff).get(page_of(own)).status_code == 404
