"""Carrier associations instruct requests.

In this file: the staff page; private notes never reach the holder.
"""

import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from applications import services
from applications.documents.receipt import render_receipt_pdf
from applications.models import Application, CriterionCheck, EligibilityCriterion, StaffNote
from applications.workflow import Status
from tests import factories as f
from tests.instruction.helpers import (
    DEFAULT_LABELS,
    REFUSED,
    SECRET_NOTE,
    action_of,
    check_all,
    client_of,
    file,
    html_of,
    page_of,
)
from tests.request_fixtures import detail_url

# --- The staff page ---------------------------------------------------------------------------------


def test_inbox_rows_lead_to_the_staff_page(filed, staff):
    html = html_of(client_of(staff).get(reverse("staff:inbox")))
    assert f'href="{page_of(filed)}"' in html


def test_the_staff_page_shows_the_request_the_grid_the_notes_and_the_actions_by_state(filed, staff, world):
    f.MessageFactory(application=filed, body="Bonjour, une question.")
    client = client_of(staff)
    html = html_of(client.get(page_of(filed)))
    assert "Fête de la soupe" in html and filed.reference in html and "Square de la Paix" in html
    assert "rib.pdf" in html and "Déposée" in html
    # The thread is on the page itself (one request page for staff).
    assert 'href="#messages"' in html and "Fil de messages avec le porteur (1 message)" in html
    assert "Bonjour, une question." in html and "Envoyer le message au porteur" in html
    assert "Note interne — jamais visible par le porteur" in html
    assert "Commencer l'instruction" in html and "Envoyer la demande de complément" in html
    assert "Déclarer la demande recevable" not in html and "Déclarer la demande non recevable" not in html
    # No grid yet: the default one is offered.
    assert "Utiliser la grille par défaut" in html
    response = client.post(action_of("default_criteria", filed))
    assert response.url == page_of(filed) + "#grille"
    assert EligibilityCriterion.objects.filter(fund=world.fund).count() == len(DEFAULT_LABELS)

    response = client.post(action_of("start_review", filed))
    assert response.url == page_of(filed)
    html = html_of(client.get(page_of(filed)))
    assert "En cours d'instruction" in html
    assert "Commencer l'instruction" not in html
    assert "Déclarer la demande recevable" in html and "Déclarer la demande non recevable" in html
    assert "Le budget est équilibré" in html and "Critères obligatoires remplis : 0 sur 5." in html
    assert "Utiliser la grille par défaut" not in html


def test_the_staff_page_ids_are_unique(reviewed, staff):
    services.add_staff_note(user=staff, application=reviewed, body="Une note")
    html = html_of(client_of(staff).get(page_of(reviewed)))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) > 20
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    for label_for in re.findall(r'<label[^>]*\sfor="([^"]+)"', html):
        assert label_for in ids, label_for


@pytest.mark.parametrize("persona", [*REFUSED, "admin_user", "staff"])
def test_who_may_open_the_staff_page(request, reviewed, persona):
    user = request.getfixturevalue(persona)
    expected = 200 if persona in ("staff", "admin_user") else 404
    client = client_of(user)
    assert client.get(page_of(reviewed)).status_code == expected
    if expected == 404:
        criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
        posts = [
            (action_of("add_note", reviewed), {"note-body": "Intrusion"}),
            (action_of("record_check", reviewed, criterion_pk=criterion.pk), {f"critere-{criterion.pk}-met": "yes"}),
            (action_of("request_completion", reviewed), {"complement-message": "Intrusion"}),
            (action_of("declare_ineligible", reviewed), {"non-recevable-reason": "Intrusion"}),
            (action_of("default_criteria", reviewed), {}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 404, url
        reviewed.refresh_from_db()
        assert reviewed.status == Status.UNDER_REVIEW
        assert not StaffNote.objects.exists() and not CriterionCheck.objects.exists()


def test_the_staff_page_needs_a_login_and_hides_drafts(world, resident, staff):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    response = client_of().get(page_of(draft))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_of(staff).get(page_of(draft)).status_code == 404
    assert client_of(staff).get(reverse("staff:application", kwargs={"pk": 999_999})).status_code == 404


def test_actions_only_take_posts(reviewed, staff):
    assert client_of(staff).get(action_of("start_review", reviewed)).status_code == 405


def test_a_criterion_of_another_fund_is_not_found(reviewed, staff, world):
    foreign = f.EligibilityCriterionFactory(fund=world.other_fund)
    url = action_of("record_check", reviewed, criterion_pk=foreign.pk)
    assert client_of(staff).post(url, {f"critere-{foreign.pk}-met": "yes"}).status_code == 404


def test_checking_the_grid_from_the_page(reviewed, staff):
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).order_by("position").first()
    client = client_of(staff)
    url = action_of("record_check", reviewed, criterion_pk=criterion.pk)
    prefix = f"critere-{criterion.pk}"

    response = client.post(url, {f"{prefix}-met": "no", f"{prefix}-comment": ""})
    assert response.status_code == 200
    html = html_of(response)
    assert "Expliquez en une phrase pourquoi le critère n'est pas rempli" in html
    assert 'id="erreurs"' in html
    assert not CriterionCheck.objects.exists()

    response = client.post(url, {f"{prefix}-met": "no", f"{prefix}-comment": "Le square est à Lille."})
    assert response.url == page_of(reviewed) + f"#critere-{criterion.pk}"
    check = CriterionCheck.objects.get()
    assert (check.met, check.comment, check.checked_by) == (False, "Le square est à Lille.", staff)
    html = html_of(client.get(page_of(reviewed)))
    assert "Pas rempli" in html and "Le square est à Lille." in html

    client.post(url, {f"{prefix}-met": "yes"})
    check.refresh_from_db()
    assert check.met is True


def test_notes_from_the_page(filed, staff):
    client = client_of(staff)
    response = client.post(action_of("add_note", filed), {"note-body": ""})
    assert response.status_code == 200
    assert "Écrivez la note avant de l'enregistrer." in html_of(response)
    response = client.post(action_of("add_note", filed), {"note-body": SECRET_NOTE})
    assert response.url == page_of(filed) + "#notes"
    html = html_of(client.get(page_of(filed)))
    assert "cousin d'un membre du comité" in html
    assert "Note interne de Claire Porteuse" in html


def test_eligibility_from_the_page_is_blocked_by_the_grid_then_granted(
    reviewed, staff, django_capture_on_commit_callbacks
):
    client = client_of(staff)
    response = client.post(action_of("declare_eligible", reviewed), {"recevable-comment": ""})
    assert response.status_code == 200
    html = html_of(response)
    assert "Le critère obligatoire « Le budget est équilibré » n'est pas encore vérifié" in html
    check_all(reviewed, staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_of("declare_eligible", reviewed), {"recevable-comment": "Rendez-vous au comité."})
    assert response.url == page_of(reviewed)
    reviewed.refresh_from_db()
    assert reviewed.status == Status.ELIGIBLE
    assert len(mail.outbox) == 1
    html = html_of(client.get(page_of(reviewed)))
    assert "Aucune action d'instruction n'est possible" in html
    assert 'name="critere-' not in html and "Rempli" in html


def test_ineligibility_and_completion_from_the_page_need_their_text(
    reviewed, staff, django_capture_on_commit_callbacks
):
    client = client_of(staff)
    response = client.post(action_of("declare_ineligible", reviewed), {"non-recevable-reason": " "})
    assert "Écrivez le motif de non-recevabilité" in html_of(response)
    response = client.post(action_of("request_completion", reviewed), {"complement-message": ""})
    assert "Écrivez ce que le porteur doit compléter" in html_of(response)
    reviewed.refresh_from_db()
    assert reviewed.status == Status.UNDER_REVIEW
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_of("declare_ineligible", reviewed), {"non-recevable-reason": "Hors quartier prioritaire."})
    reviewed.refresh_from_db()
    assert reviewed.status == Status.INELIGIBLE
    assert "Hors quartier prioritaire." in mail.outbox[0].body


def _page_queries(client, application) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_of(application))
    assert response.status_code == 200
    return len(queries)


def test_the_staff_page_query_count_does_not_grow_with_notes_and_criteria(world, resident, staff):
    counts = []
    for size in (2, 20):
        application = file(world, resident)
        fund = f.FundFactory(association=world.hommelet, themes=world.themes, neighbourhoods=[world.neighbourhood])
        Application.objects.filter(pk=application.pk).update(fund=fund, status=Status.UNDER_REVIEW)
        for _ in range(size):
            f.StaffNoteFactory(application=application, author=staff)
            criterion = f.EligibilityCriterionFactory(fund=fund)
            f.CriterionCheckFactory(application=application, criterion=criterion, checked_by=staff)
            f.MessageFactory(application=application)
        counts.append(_page_queries(client_of(staff), application))
    assert counts[0] == counts[1]


# --- Private notes never reach the holder -----------------------------------------------------------


def test_notes_and_the_grid_are_never_shown_to_the_holder(reviewed, staff, resident):
    services.add_staff_note(user=staff, application=reviewed, body=SECRET_NOTE)
    criterion = EligibilityCriterion.objects.filter(fund=reviewed.fund).first()
    services.record_criterion_check(
        user=staff, application=reviewed, criterion=criterion, met=False, comment="Commentaire interne de grille"
    )
    html = html_of(client_of(resident).get(detail_url(reviewed)))
    assert "Fête de la soupe" in html
    for secret in ("cousin d'un membre du comité", "trésorier", "Commentaire interne de grille", "Note interne"):
        assert secret not in html
    assert "Instruire cette demande" not in html

    pdf = client_of(resident).get(reverse("applications:receipt_pdf", kwargs={"pk": reviewed.pk}))
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Fête de la soupe" in text
    assert "trésorier" not in text and "cousin" not in text and "Commentaire interne" not in text

    # Staff reach the instruction page from the shared request page.
    staff_html = html_of(client_of(staff).get(detail_url(reviewed)))
    assert f'href="{page_of(reviewed)}"' in staff_html


def test_the_receipt_renderer_is_given_no_note(reviewed, staff):
    services.add_staff_note(user=staff, application=reviewed, body=SECRET_NOTE)
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_receipt_pdf(application=reviewed))).pages
    )
    assert reviewed.reference in text and "cousin" not in text
