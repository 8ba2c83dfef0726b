"""Carrier associations instruct requests.

In this file: completion, showcase consent, the holder step, admin and factories.
"""

import warnings

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services
from applications.models import Application, Holder
from applications.workflow import Status
from tests import factories as f
from tests.instruction.helpers import NOW, action_of, audit, client_of, html_of, page_of
from tests.request_fixtures import NEW_GROUP_HOLDER, detail_url, step_url

# --- Completion asked, the holder edits and resubmits ----------------------------------------------


def test_completion_asked_then_the_holder_edits_and_resubmits(
    reviewed, staff, resident, settings, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(staff).post(
            action_of("request_completion", reviewed), {"complement-message": "Précisez l'heure de fin."}
        )
    assert response.url == page_of(reviewed)
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert "Précisez l'heure de fin." in mail.outbox[0].body

    holder = client_of(resident)
    page = html_of(holder.get(detail_url(reviewed)))
    assert "Redéposer" in page and "Précisez l'heure de fin." in page
    response = holder.post(
        step_url(reviewed, "project"),
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
        response = holder.post(step_url(reviewed, "summary"), {"comment": "Heure de fin ajoutée."})
    assert response.url == detail_url(reviewed)
    reviewed.refresh_from_db()
    assert reviewed.status == Status.RESUBMITTED and reviewed.title == "Fête de la soupe, de 14 h à 19 h"
    assert len(mail.outbox) == 1 and staff.email in mail.outbox[0].to
    assert f"{settings.PORTAL_BASE_URL}{page_of(reviewed)}" in mail.outbox[0].body

    staff_page = html_of(client_of(staff).get(page_of(reviewed)))
    assert "Fête de la soupe, de 14 h à 19 h" in staff_page and "Heure de fin ajoutée." in staff_page
    assert "Commencer l'instruction" in staff_page and "Déclarer la demande recevable" in staff_page


# --- The showcase consent, asked before submission --------------------------------------------------


@pytest.mark.parametrize(("posted", "expected"), [({"showcase_consent": "on"}, True), ({}, False)])
def test_the_showcase_consent_is_saved_with_the_submission(world, resident, posted, expected):
    resident.email_confirmed_at = NOW
    resident.save(update_fields=["email_confirmed_at"])
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    f.AttachmentFactory(application=draft)
    client = client_of(resident)
    page = html_of(client.get(step_url(draft, "summary")))
    assert "J'accepte que mon projet (titre, thématique, quartier, résumé) soit présenté publiquement" in page
    response = client.post(step_url(draft, "summary"), posted)
    assert response.url == detail_url(draft)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.showcase_consent is expected
    assert [e.data for e in audit("application.showcase_consent")] == ([{"showcase_consent": True}] if expected else [])


def test_the_showcase_consent_can_be_withdrawn_at_resubmission(filed, staff, resident):
    Application.objects.filter(pk=filed.pk).update(showcase_consent=True)
    services.request_completion(user=staff, application=filed, message="Ajoutez le devis.")
    response = client_of(resident).post(step_url(filed, "summary"), {"comment": ""})
    assert response.url == detail_url(filed)
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
    client = client_of(resident)
    response = client.post(step_url(draft, "holder"), {"choice-holder": str(holder.pk), "action": "next"})
    assert response.status_code == 200
    html = html_of(response)
    assert "cochez la case pour l'accepter" in html
    assert "Corrigez ce porteur avec le formulaire « Modifier ce porteur », plus bas." in html
    assert "Modifier ce porteur : « Association des locataires »" in html and 'name="edit-name"' in html

    response = client.post(step_url(draft, "holder"), _edit_post(holder, **{"edit-name": "Locataires unis"}))
    assert response.status_code == 200
    assert "cochez la case pour l'accepter" in html_of(response)
    holder.refresh_from_db()
    assert holder.name == "Association des locataires"

    response = client.post(
        step_url(draft, "holder"),
        _edit_post(holder, **{"edit-name": "Locataires unis", "edit-republican_commitment": "on"}),
    )
    assert response.url == step_url(draft, "project")
    holder.refresh_from_db()
    draft.refresh_from_db()
    assert holder.name == "Locataires unis" and holder.republican_commitment_accepted_at is not None
    assert draft.holder == holder
    assert len(audit("holder.update")) == 1


def test_the_edit_form_is_offered_for_each_of_my_holders_only(world, resident, other_resident):
    mine = f.HolderFactory(owner=resident, name="Collectif du square")
    theirs = f.HolderFactory(owner=other_resident, name="Collectif du voisin")
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=mine)
    client = client_of(resident)
    html = html_of(client.get(step_url(draft, "holder") + f"?modifier={mine.pk}"))
    assert "Modifier ce porteur : « Collectif du square »" in html
    html = html_of(client.get(step_url(draft, "holder") + f"?modifier={theirs.pk}"))
    assert "Collectif du voisin" not in html
    response = client.post(step_url(draft, "holder"), _edit_post(theirs, **{"edit-name": "Volé"}))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Collectif du voisin"


def test_a_new_holder_is_not_kept_when_its_step_cannot_be_saved(world, resident, monkeypatch):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=None)

    def refuse(**kwargs):
        raise ValidationError({"holder": ["Ce porteur ne peut pas être choisi pour le moment."]})

    monkeypatch.setattr(services.drafts, "save_step", refuse)  # where save_holder_for_application finds it
    response = client_of(resident).post(step_url(draft, "holder"), NEW_GROUP_HOLDER)
    assert response.status_code == 200
    assert "Ce porteur ne peut pas être choisi pour le moment." in html_of(response)
    assert not Holder.objects.filter(owner=resident).exists()
    assert not audit("holder.create")


# --- Admin and factories ----------------------------------------------------------------------------


def test_the_fund_admin_page_edits_its_grid(world, admin_user):
    services.ensure_default_criteria(fund=world.fund)
    html = html_of(client_of(admin_user).get(reverse("admin:funds_fund_change", args=[world.fund.pk])))
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
