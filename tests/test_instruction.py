"""Carrier associations instruct requests: eligibility grid, private notes, completion, eligibility.

Also the two holder-side fixes that came with it (editing a chosen holder, one transaction for a new
holder and its step) and the public showcase consent asked at submission.
"""

import datetime
import io
import re
import warnings
from html import unescape

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from applications import services
from applications.models import Application, CriterionCheck, EligibilityCriterion, Holder, StaffNote
from applications.documents.receipt import render_receipt_pdf
from applications.workflow import Status
from core.models import AuditEntry
from tests import factories as f

NOW = datetime.datetime(2025, 3, 10, 9, 30, tzinfo=datetime.UTC)
SECRET_NOTE = "Le trésorier du collectif est le cousin d'un membre du comité."
DEFAULT_LABELS = [label for label, _help in services.DEFAULT_CRITERIA]

# Everyone who must not instruct Hommelet's requests (the resident is the request's own holder).
REFUSED = ["other_staff", "region_staff", "city_staff", "committee_member", "resident", "other_resident", "outsider"]


@pytest.fixture(autouse=True)
def _in_march_2025():
    """The PIC 2025 call is open (1 January to 31 December 2025)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _file(world, owner) -> Application:
    """A request filed by `owner` through the services, with its RIB."""
    owner.email_confirmed_at = NOW
    owner.save(update_fields=["email_confirmed_at"])
    application = f.ApplicationFactory(fund=world.fund, created_by=owner, title="Fête de la soupe")
    f.AttachmentFactory(application=application)
    services.submit_application(user=owner, application=application, today=NOW.date())
    application.refresh_from_db()
    return application


@pytest.fixture
def filed(world, resident) -> Application:
    return _file(world, resident)


@pytest.fixture
def reviewed(filed, staff) -> Application:
    """Under review: the fund has the default grid, nothing checked yet."""
    services.start_review(user=staff, application=filed)
    return filed


def _check_all(application, user, *, met=True):
    for criterion in EligibilityCriterion.objects.filter(fund=application.fund):
        services.record_criterion_check(
            user=user, application=application, criterion=criterion, met=met, comment="" if met else "Non."
        )


def _page(application) -> str:
    return reverse("staff:application", kwargs={"pk": application.pk})


def _action(name: str, application, **kwargs) -> str:
    return reverse(f"staff:{name}", kwargs={"pk": application.pk, **kwargs})


def _step_url(application, step: str) -> str:
    return reverse("applications:application_step", kwargs={"pk": application.pk, "step": step})


def _detail_url(application) -> str:
    return reverse("applications:application_detail", kwargs={"pk": application.pk})


def _html(response) -> str:
    """The page's text with its HTML entities decoded (« l'instruction », not « l&#x27;instruction »)."""
    return unescape(response.content.decode())


def _errors(caught) -> str:
    return " ".join(m for messages in caught.value.message_dict.values() for m in messages)


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


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
    assert [e.actor for e in _audit("fund.default_criteria")] == [staff]
    assert len(_audit("application.start_review")) == 1
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
    assert len(_audit("application.record_criterion_check")) == 3


def test_record_criterion_check_refuses_another_funds_criterion_and_an_unexplained_no(reviewed, staff, world):
    foreign = f.EligibilityCriterionFactory(fund=world.other_fund, label="Critère de Lille Sud")
    with pytest.raises(ValidationError) as caught:
        services.record_criterion_check(user=staff, application=reviewed, criterion=foreign, met=True)
    assert "n'est pas dans la grille du fonds de cette demande" in _errors(caught)
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
    with pytest.raises(ValidationError) as caught:
        services.record_criterion_check(user=staff, application=reviewed, criterion=criterion, met=False, comment=" ")
    assert caught.value.message_dict["comment"] == [
        "Expliquez en une phrase pourquoi le critère n'est pas rempli : l'équipe s'en servira pour décider."
    ]
    with pytest.raises(ValidationError) as caught:
        services.record_criterion_check(user=staff, application=reviewed, criterion=criterion, met="peut-être")
    assert "« Oui », « Non » ou « Pas encore vérifié »" in _errors(caught)
    assert not CriterionCheck.objects.exists()


def test_the_grid_is_frozen_once_eligibility_is_decided(reviewed, staff):
    _check_all(reviewed, staff)
    services.declare_eligible(user=staff, application=reviewed)
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
    with pytest.raises(ValidationError) as caught:
        services.record_criterion_check(user=staff, application=reviewed, criterion=criterion, met=False, comment="x")
    assert "La grille ne peut plus être modifiée : la demande est « Recevable »." in _errors(caught)
    assert CriterionCheck.objects.get(application=reviewed, criterion=criterion).met is True


def test_add_staff_note_saves_the_author_and_refuses_an_empty_or_overlong_note(filed, staff):
    note = services.add_staff_note(user=staff, application=filed, body="  " + SECRET_NOTE + "\n")
    assert (note.author, note.body, note.application) == (staff, SECRET_NOTE, filed)
    entry = _audit("application.add_staff_note")[0]
    assert entry.data == {"note": note.pk} and SECRET_NOTE not in entry.summary
    with pytest.raises(ValidationError) as caught:
        services.add_staff_note(user=staff, application=filed, body="   ")
    assert caught.value.message_dict["body"] == ["Écrivez la note avant de l'enregistrer."]
    with pytest.raises(ValidationError) as caught:
        services.add_staff_note(user=staff, application=filed, body="x" * 5001)
    assert "5000" in _errors(caught)
    assert StaffNote.objects.count() == 1


def test_a_draft_cannot_be_annotated(world, resident, staff):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    with pytest.raises(ValidationError) as caught:
        services.add_staff_note(user=staff, application=draft, body="Une note")
    assert "pas encore déposée" in _errors(caught)


def test_declare_eligible_is_refused_while_a_required_criterion_is_not_met(
    reviewed, staff, django_capture_on_commit_callbacks
):
    criteria = list(EligibilityCriterion.objects.filter(fund=reviewed.fund).order_by("position"))
    with pytest.raises(ValidationError) as caught:
        services.declare_eligible(user=staff, application=reviewed)
    assert len(caught.value.message_dict["criteria"]) == len(criteria)
    assert "Le critère obligatoire « Le budget est équilibré » n'est pas encore vérifié" in _errors(caught)

    _check_all(reviewed, staff)
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
    _check_all(filed, staff)
    services.declare_eligible(user=staff, application=filed)
    assert filed.status == Status.ELIGIBLE


def test_declare_eligible_before_the_review_started_says_so_not_the_grid(filed, staff):
    with pytest.raises(ValidationError) as caught:
        services.declare_eligible(user=staff, application=filed)
    assert _errors(caught) == (
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
    _check_all(filed, user)
    services.declare_eligible(user=user, application=filed)
    assert filed.status == Status.ELIGIBLE
    assert CriterionCheck.objects.filter(application=filed, checked_by=user, met=True).count() == len(DEFAULT_LABELS)


def test_staff_never_instruct_their_own_request(world, staff):
    own = _file(world, staff)
    for service, call in _instruction_calls(own, f.EligibilityCriterionFactory(fund=world.fund)).items():
        with pytest.raises(PermissionDenied) as caught:
            call(staff)
        assert "une autre personne de l'équipe doit l'instruire" in str(caught.value), service
    assert _client(staff).get(_page(own)).status_code == 404


# --- The staff page ---------------------------------------------------------------------------------


def test_inbox_rows_lead_to_the_staff_page(filed, staff):
    html = _html(_client(staff).get(reverse("staff:inbox")))
    assert f'href="{_page(filed)}"' in html


def test_the_staff_page_shows_the_request_the_grid_the_notes_and_the_actions_by_state(filed, staff, world):
    f.MessageFactory(application=filed, body="Bonjour, une question.")
    client = _client(staff)
    html = _html(client.get(_page(filed)))
    assert "Fête de la soupe" in html and filed.reference in html and "Square de la Paix" in html
    assert "rib.pdf" in html and "Déposée" in html
    assert f'href="{_detail_url(filed)}#messages"' in html and "Fil de messages avec le porteur (1 message)" in html
    assert "Note interne — jamais visible par le porteur" in html
    assert "Commencer l'instruction" in html and "Envoyer la demande de complément" in html
    assert "Déclarer la demande recevable" not in html and "Déclarer la demande non recevable" not in html
    # No grid yet: the default one is offered.
    assert "Utiliser la grille par défaut" in html
    response = client.post(_action("default_criteria", filed))
    assert response.url == _page(filed) + "#grille"
    assert EligibilityCriterion.objects.filter(fund=world.fund).count() == len(DEFAULT_LABELS)

    response = client.post(_action("start_review", filed))
    assert response.url == _page(filed)
    html = _html(client.get(_page(filed)))
    assert "En cours d'instruction" in html
    assert "Commencer l'instruction" not in html
    assert "Déclarer la demande recevable" in html and "Déclarer la demande non recevable" in html
    assert "Le budget est équilibré" in html and "Critères obligatoires remplis : 0 sur 5." in html
    assert "Utiliser la grille par défaut" not in html


def test_the_staff_page_ids_are_unique(reviewed, staff):
    services.add_staff_note(user=staff, application=reviewed, body="Une note")
    html = _html(_client(staff).get(_page(reviewed)))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) > 20
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    for label_for in re.findall(r'<label[^>]*\sfor="([^"]+)"', html):
        assert label_for in ids, label_for


@pytest.mark.parametrize("persona", [*REFUSED, "admin_user", "staff"])
def test_who_may_open_the_staff_page(request, reviewed, persona):
    user = request.getfixturevalue(persona)
    expected = 200 if persona in ("staff", "admin_user") else 404
    client = _client(user)
    assert client.get(_page(reviewed)).status_code == expected
    if expected == 404:
        criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
        posts = [
            (_action("add_note", reviewed), {"note-body": "Intrusion"}),
            (_action("record_check", reviewed, criterion_pk=criterion.pk), {f"critere-{criterion.pk}-met": "yes"}),
            (_action("request_completion", reviewed), {"complement-message": "Intrusion"}),
            (_action("declare_ineligible", reviewed), {"non-recevable-reason": "Intrusion"}),
            (_action("default_criteria", reviewed), {}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 404, url
        reviewed.refresh_from_db()
        assert reviewed.status == Status.UNDER_REVIEW
        assert not StaffNote.objects.exists() and not CriterionCheck.objects.exists()


def test_the_staff_page_needs_a_login_and_hides_drafts(world, resident, staff):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    response = _client().get(_page(draft))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert _client(staff).get(_page(draft)).status_code == 404
    assert _client(staff).get(reverse("staff:application", kwargs={"pk": 999_999})).status_code == 404


def test_actions_only_take_posts(reviewed, staff):
    assert _client(staff).get(_action("start_review", reviewed)).status_code == 405


def test_a_criterion_of_another_fund_is_not_found(reviewed, staff, world):
    foreign = f.EligibilityCriterionFactory(fund=world.other_fund)
    url = _action("record_check", reviewed, criterion_pk=foreign.pk)
    assert _client(staff).post(url, {f"critere-{foreign.pk}-met": "yes"}).status_code == 404


def test_checking_the_grid_from_the_page(reviewed, staff):
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).order_by("position").first()
    client = _client(staff)
    url = _action("record_check", reviewed, criterion_pk=criterion.pk)
    prefix = f"critere-{criterion.pk}"

    response = client.post(url, {f"{prefix}-met": "no", f"{prefix}-comment": ""})
    assert response.status_code == 200
    html = _html(response)
    assert "Expliquez en une phrase pourquoi le critère n'est pas rempli" in html
    assert 'id="erreurs"' in html
    assert not CriterionCheck.objects.exists()

    response = client.post(url, {f"{prefix}-met": "no", f"{prefix}-comment": "Le square est à Lille."})
    assert response.url == _page(reviewed) + f"#critere-{criterion.pk}"
    check = CriterionCheck.objects.get()
    assert (check.met, check.comment, check.checked_by) == (False, "Le square est à Lille.", staff)
    html = _html(client.get(_page(reviewed)))
    assert "Pas rempli" in html and "Le square est à Lille." in html

    client.post(url, {f"{prefix}-met": "yes"})
    check.refresh_from_db()
    assert check.met is True


def test_notes_from_the_page(filed, staff):
    client = _client(staff)
    response = client.post(_action("add_note", filed), {"note-body": ""})
    assert response.status_code == 200
    assert "Écrivez la note avant de l'enregistrer." in _html(response)
    response = client.post(_action("add_note", filed), {"note-body": SECRET_NOTE})
    assert response.url == _page(filed) + "#notes"
    html = _html(client.get(_page(filed)))
    assert "cousin d'un membre du comité" in html
    assert "Note interne de Claire Porteuse" in html


def test_eligibility_from_the_page_is_blocked_by_the_grid_then_granted(
    reviewed, staff, django_capture_on_commit_callbacks
):
    client = _client(staff)
    response = client.post(_action("declare_eligible", reviewed), {"recevable-comment": ""})
    assert response.status_code == 200
    html = _html(response)
    assert "Le critère obligatoire « Le budget est équilibré » n'est pas encore vérifié" in html
    _check_all(reviewed, staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_action("declare_eligible", reviewed), {"recevable-comment": "Rendez-vous au comité."})
    assert response.url == _page(reviewed)
    reviewed.refresh_from_db()
    assert reviewed.status == Status.ELIGIBLE
    assert len(mail.outbox) == 1
    html = _html(client.get(_page(reviewed)))
    assert "Aucune action d'instruction n'est possible" in html
    assert 'name="critere-' not in html and "Rempli" in html


def test_ineligibility_and_completion_from_the_page_need_their_text(
    reviewed, staff, django_capture_on_commit_callbacks
):
    client = _client(staff)
    response = client.post(_action("declare_ineligible", reviewed), {"non-recevable-reason": " "})
    assert "Écrivez le motif de non-recevabilité" in _html(response)
    response = client.post(_action("request_completion", reviewed), {"complement-message": ""})
    assert "Écrivez ce que le porteur doit compléter" in _html(response)
    reviewed.refresh_from_db()
    assert reviewed.status == Status.UNDER_REVIEW
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action("declare_ineligible", reviewed), {"non-recevable-reason": "Hors quartier prioritaire."})
    reviewed.refresh_from_db()
    assert reviewed.status == Status.INELIGIBLE
    assert "Hors quartier prioritaire." in mail.outbox[0].body


def _page_queries(client, application) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_page(application))
    assert response.status_code == 200
    return len(queries)


def test_the_staff_page_query_count_does_not_grow_with_notes_and_criteria(world, resident, staff):
    counts = []
    for size in (2, 20):
        application = _file(world, resident)
        fund = f.FundFactory(association=world.hommelet, themes=world.themes, neighbourhoods=[world.neighbourhood])
        Application.objects.filter(pk=application.pk).update(fund=fund, status=Status.UNDER_REVIEW)
        for _ in range(size):
            f.StaffNoteFactory(application=application, author=staff)
            criterion = f.EligibilityCriterionFactory(fund=fund)
            f.CriterionCheckFactory(application=application, criterion=criterion, checked_by=staff)
            f.MessageFactory(application=application)
        counts.append(_page_queries(_client(staff), application))
    assert counts[0] == counts[1]


# --- Private notes never reach the holder -----------------------------------------------------------


def test_notes_and_the_grid_are_never_shown_to_the_holder(reviewed, staff, resident):
    services.add_staff_note(user=staff, application=reviewed, body=SECRET_NOTE)
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
    services.record_criterion_check(
        user=staff, application=reviewed, criterion=criterion, met=False, comment="Commentaire interne de grille"
    )
    html = _html(_client(resident).get(_detail_url(reviewed)))
    assert "Fête de la soupe" in html
    for secret in ("cousin d'un membre du comité", "trésorier", "Commentaire interne de grille", "Note interne"):
        assert secret not in html
    assert "Instruire cette demande" not in html

    pdf = _client(resident).get(reverse("applications:receipt_pdf", kwargs={"pk": reviewed.pk}))
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Fête de la soupe" in text
    assert "trésorier" not in text and "cousin" not in text and "Commentaire interne" not in text

    # Staff reach the instruction page from the shared request page.
    staff_html = _html(_client(staff).get(_detail_url(reviewed)))
    assert f'href="{_page(reviewed)}"' in staff_html


def test_the_receipt_renderer_is_given_no_note(reviewed, staff):
    services.add_staff_note(user=staff, application=reviewed, body=SECRET_NOTE)
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_receipt_pdf(application=reviewed))).pages
    )
    assert reviewed.reference in text and "cousin" not in text


# --- Completion asked, the holder edits and resubmits ----------------------------------------------


def test_completion_asked_then_the_holder_edits_and_resubmits(
    reviewed, staff, resident, settings, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(staff).post(
            _action("request_completion", reviewed), {"complement-message": "Précisez l'heure de fin."}
        )
    assert response.url == _page(reviewed)
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert "Précisez l'heure de fin." in mail.outbox[0].body

    holder = _client(resident)
    page = _html(holder.get(_detail_url(reviewed)))
    assert "Redéposer" in page and "Précisez l'heure de fin." in page
    response = holder.post(
        _step_url(reviewed, "project"),
        {
            "title": "Fête de la soupe, de 14 h à 19 h",
            "theme": str(reviewed.theme_id),
            "objectives": "Créer du lien.",
            "description": "Une soupe partagée.",
            "action": "next",
        },
    )
    assert response.status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = holder.post(_step_url(reviewed, "summary"), {"comment": "Heure de fin ajoutée."})
    assert response.url == _detail_url(reviewed)
    reviewed.refresh_from_db()
    assert reviewed.status == Status.RESUBMITTED and reviewed.title == "Fête de la soupe, de 14 h à 19 h"
    assert len(mail.outbox) == 1 and staff.email in mail.outbox[0].to
    assert f"{settings.PORTAL_BASE_URL}{_page(reviewed)}" in mail.outbox[0].body

    staff_page = _html(_client(staff).get(_page(reviewed)))
    assert "Fête de la soupe, de 14 h à 19 h" in staff_page and "Heure de fin ajoutée." in staff_page
    assert "Commencer l'instruction" in staff_page and "Déclarer la demande recevable" in staff_page


# --- The showcase consent, asked before submission --------------------------------------------------


@pytest.mark.parametrize(("posted", "expected"), [({"showcase_consent": "on"}, True), ({}, False)])
def test_the_showcase_consent_is_saved_with_the_submission(world, resident, posted, expected):
    resident.email_confirmed_at = NOW
    resident.save(update_fields=["email_confirmed_at"])
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    f.AttachmentFactory(application=draft)
    client = _client(resident)
    page = _html(client.get(_step_url(draft, "summary")))
    assert "J'accepte que mon projet (titre, thématique, quartier, résumé) soit présenté publiquement" in page
    response = client.post(_step_url(draft, "summary"), posted)
    assert response.url == _detail_url(draft)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.showcase_consent is expected
    assert [e.data for e in _audit("application.showcase_consent")] == (
        [{"showcase_consent": True}] if expected else []
    )


def test_the_showcase_consent_can_be_withdrawn_at_resubmission(filed, staff, resident):
    Application.objects.filter(pk=filed.pk).update(showcase_consent=True)
    services.request_completion(user=staff, application=filed, message="Ajoutez le devis.")
    response = _client(resident).post(_step_url(filed, "summary"), {"comment": ""})
    assert response.url == _detail_url(filed)
    filed.refresh_from_db()
    assert filed.status == Status.RESUBMITTED and filed.showcase_consent is False


# --- The holder step: edit a chosen holder; a new holder and its step in one transaction ------------


def _association_holder(owner, **overrides) -> Holder:
    data = {
        "owner": owner,
        "kind": Holder.Kind.ASSOCIATION,
        "name": "Association des locataires",
        "rna": "W595012345",
        "address": "3 rue de la Paix",
        "postcode": "59100",
        "city": "Roubaix",
        "republican_commitment_accepted_at": None,
        "co_holders_count": 0,
        "co_holders_first_names": "",
        **overrides,
    }
    return f.HolderFactory(**data)


def _edit_post(holder, **overrides) -> dict:
    data = {
        "edit-holder": str(holder.pk),
        "edit-kind": holder.kind,
        "edit-name": holder.name,
        "edit-referent_name": holder.referent_name,
        "edit-rna": holder.rna,
        "edit-address": holder.address,
        "edit-postcode": holder.postcode,
        "edit-city": holder.city,
        "edit-co_holders_count": "0",
        "action": "update_holder",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_refused_holder_is_fixed_with_the_edit_form_then_chosen(world, resident):
    holder = _association_holder(resident)
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=None)
    client = _client(resident)
    response = client.post(_step_url(draft, "holder"), {"choice-holder": str(holder.pk), "action": "next"})
    assert response.status_code == 200
    html = _html(response)
    assert "cochez la case pour l'accepter" in html
    assert "Corrigez ce porteur avec le formulaire « Modifier ce porteur », plus bas." in html
    assert "Modifier ce porteur : « Association des locataires »" in html and 'name="edit-name"' in html

    response = client.post(_step_url(draft, "holder"), _edit_post(holder, **{"edit-name": "Locataires unis"}))
    assert response.status_code == 200
    assert "cochez la case pour l'accepter" in _html(response)
    holder.refresh_from_db()
    assert holder.name == "Association des locataires"

    response = client.post(
        _step_url(draft, "holder"),
        _edit_post(holder, **{"edit-name": "Locataires unis", "edit-republican_commitment": "on"}),
    )
    assert response.url == _step_url(draft, "project")
    holder.refresh_from_db()
    draft.refresh_from_db()
    assert holder.name == "Locataires unis" and holder.republican_commitment_accepted_at is not None
    assert draft.holder == holder
    assert len(_audit("holder.update")) == 1


def test_the_edit_form_is_offered_for_each_of_my_holders_only(world, resident, other_resident):
    mine = f.HolderFactory(owner=resident, name="Collectif du square")
    theirs = f.HolderFactory(owner=other_resident, name="Collectif du voisin")
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=mine)
    client = _client(resident)
    html = _html(client.get(_step_url(draft, "holder") + f"?modifier={mine.pk}"))
    assert "Modifier ce porteur : « Collectif du square »" in html
    html = _html(client.get(_step_url(draft, "holder") + f"?modifier={theirs.pk}"))
    assert "Collectif du voisin" not in html
    response = client.post(_step_url(draft, "holder"), _edit_post(theirs, **{"edit-name": "Volé"}))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Collectif du voisin"


def test_a_new_holder_is_not_kept_when_its_step_cannot_be_saved(world, resident, monkeypatch):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=None)

    def refuse(**kwargs):
        raise ValidationError({"holder": ["Ce porteur ne peut pas être choisi pour le moment."]})

    monkeypatch.setattr(services.drafts, "save_step", refuse)  # where save_holder_for_application finds it
    response = _client(resident).post(
        _step_url(draft, "holder"),
        {
            "choice-holder": "new",
            "new-kind": "group",
            "new-name": "Les voisins de la rue de la Paix",
            "new-referent_name": "Amina Habitante",
            "new-co_holders_count": "2",
            "new-co_holders_first_names": "Nadia, Karim",
            "action": "next",
        },
    )
    assert response.status_code == 200
    assert "Ce porteur ne peut pas être choisi pour le moment." in _html(response)
    assert not Holder.objects.filter(owner=resident).exists()
    assert not _audit("holder.create")


# --- Admin and factories ----------------------------------------------------------------------------


def test_the_fund_admin_page_edits_its_grid(world, admin_user):
    services.ensure_default_criteria(fund=world.fund)
    html = _html(_client(admin_user).get(reverse("admin:funds_fund_change", args=[world.fund.pk])))
    assert "Critères de recevabilité" in html and "Le budget est équilibré" in html
    assert 'name="eligibility_criteria-0-label"' in html


def test_the_application_factory_builds_the_same_request_without_deprecation_warning(world, resident):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.holder.owner == resident
    assert sorted(application.budget_lines.values_list("side", "amount")) == [
        ("expense", 300),
        ("resource", 50),
    ]
