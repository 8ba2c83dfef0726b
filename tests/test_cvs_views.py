"""The CVS pages over HTTP: the request in steps (drafts saved, French errors), the staff's instruction and
programming forms, and who is refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.workflow import Status
from cvs import services
from tests.cvs_fixtures import COMMITMENTS, STRUCTURE, cvs_call_fixture, fill_request  # noqa: F401  (fixtures)
from tests.factories import MINIMAL_PDF
from tests.form_helpers import management

pytestmark = pytest.mark.django_db


def step(application, slug):
    return reverse("cvs:step", args=[application.pk, slug])


def budget_post(call, *, expense="2700", state="1500", city="1000", saved=0):
    """The budget step's POST; `saved`: lines already saved (the page's INITIAL_FORMS)."""
    data = {**management("charges", 2, saved), **management("ressources", 2, saved)}
    data.update({"charges-0-category": "64", "charges-0-label": "Animatrice", "charges-0-amount": expense})
    data.update({"ressources-0-category": "87", "ressources-0-label": "Bénévolat", "ressources-0-amount": "200"})
    data.update({f"amount_{call.state.pk}": state, f"amount_{call.city.pk}": city, f"amount_{call.region.pk}": ""})
    return data


def test_a_cvs_fund_start_leads_to_the_cvs_form(cvs_call, resident, client, world):
    client.force_login(resident)
    response = client.get(reverse("applications:start_application", args=[cvs_call.fund.slug]))
    assert response.url == reverse("cvs:start", args=[cvs_call.fund.slug])
    # A PIC fund keeps its own steps.
    assert client.get(reverse("applications:start_application", args=[world.fund.slug])).status_code == 200


def test_the_request_through_its_steps(cvs_call, resident, client, world):
    application = _start_the_request(client, resident, cvs_call)
    _fill_in_the_structure(client, application)
    _fill_in_the_project_and_commitments(client, application, cvs_call, world)
    _fill_in_the_budget(client, application, cvs_call)
    _upload_the_documents(client, application)
    _file_the_request(client, application)


def _start_the_request(client, resident, cvs_call):
    resident.email_confirmed_at = timezone.now()
    resident.save()
    client.force_login(resident)
    response = client.post(reverse("cvs:start", args=[cvs_call.fund.slug]))
    application = Application.objects.get(created_by=resident)
    assert response.url == step(application, "structure")
    return application


def _fill_in_the_structure(client, application):
    # French errors, nothing saved.
    response = client.post(step(application, "structure"), {**STRUCTURE, "siret": "", "republican_commitment": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Une association doit indiquer son numéro SIRET" in page
    assert "Rien n&#x27;a été enregistré" in page or "Rien n'a été enregistré" in page
    structure = {**STRUCTURE, "republican_commitment": "on"}
    assert client.post(step(application, "structure"), structure).url == step(application, "projet")


def _fill_in_the_project_and_commitments(client, application, cvs_call, world):
    project = {
        "title": "Aide aux devoirs",
        "description": "Deux soirs par semaine.",
        "diagnostic": "Peu d'offre.",
        "territorial_anchoring": "Depuis 2012.",
        "neighbourhoods": [world.neighbourhood.pk, world.other_neighbourhood.pk],
        "ambitions": [cvs_call.ambitions[1].pk],
        "target_public": "Collégien·nes.",
        "multi_year": "on",
    }
    assert client.post(step(application, "projet"), project).url == step(application, "engagements")
    assert client.post(step(application, "engagements"), COMMITMENTS).url == step(application, "budget")


def _fill_in_the_budget(client, application, cvs_call):
    unbalanced = client.post(step(application, "budget"), budget_post(cvs_call, expense="9999"), follow=True)
    assert unbalanced.redirect_chain[-1][0] == step(application, "budget")
    assert "pas encore prêt" in unbalanced.content.decode() and "pas équilibré" in unbalanced.content.decode()
    balanced = client.post(step(application, "budget"), budget_post(cvs_call, saved=1), follow=True)
    assert balanced.redirect_chain[-1][0] == step(application, "pieces")


def _upload_the_documents(client, application):
    """The documents, through the request form's own upload checks; then the summary."""
    not_a_pdf = SimpleUploadedFile("rib.pdf", b"not a pdf", content_type="application/pdf")
    refused = client.post(
        step(application, "pieces"), {"piece-kind": "bank_details", "piece-file": not_a_pdf, "action": "upload"}
    )
    assert refused.status_code == 200 and not application.attachments.exists()
    for kind in ("bank_details", "statutes"):
        upload = SimpleUploadedFile(f"{kind}.pdf", MINIMAL_PDF, content_type="application/pdf")
        response = client.post(
            step(application, "pieces"), {"piece-kind": kind, "piece-file": upload, "action": "upload"}
        )
        assert response.url == step(application, "pieces")
    assert client.post(step(application, "pieces"), {"action": "next"}).url == step(application, "recapitulatif")
    summary = client.get(step(application, "recapitulatif")).content.decode()
    assert "Aide aux devoirs" in summary and "convention pluriannuelle" in summary


def _file_the_request(client, application):
    response = client.post(step(application, "recapitulatif"))
    assert response.url == reverse("cvs:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.cvs_request.neighbourhoods.count() == 2
    # Filed: the steps lead back to the request's page.
    assert client.get(step(application, "projet")).url == reverse("cvs:detail", args=[application.pk])
    # The request's own page (also reached from "Mes demandes").
    assert client.get(reverse("applications:application_detail", args=[application.pk])).url == reverse(
        "cvs:detail", args=[application.pk]
    )


def test_others_cannot_open_the_steps(cvs_call, resident, other_resident, staff, region_staff, client):
    application = fill_request(resident, cvs_call)
    for user in (other_resident, staff, region_staff):
        client.force_login(user)
        assert client.get(step(application, "structure")).status_code == 404
        assert client.get(reverse("cvs:detail", args=[application.pk])).status_code == 404  # a draft


def _program(client, application, funder, amount):
    """The programming form, granted: `amount` from `funder`, decided on 20/03/2026."""
    return client.post(
        reverse("cvs:programming", args=[application.pk]),
        {
            "programmation-decided_on": "2026-03-20",
            "programmation-attendees": "MEL",
            "programmation-granted": "1",
            f"programmation-amount_{funder.pk}": amount,
        },
    )


def test_staff_instruct_and_program_over_http(cvs_call, resident, staff, city_staff, client):
    application = fill_request(resident, cvs_call)
    services.submit_cvs_request(user=resident, application=application)
    detail = reverse("cvs:detail", args=[application.pk])

    client.force_login(city_staff)
    page = client.get(detail).content.decode()
    assert "Donner un avis" in page and "Recevabilité" not in page
    client.post(
        reverse("cvs:opinion", args=[application.pk]), {"avis-funder": cvs_call.city.pk, "avis-opinion": "favourable"}
    )
    assert (
        client.post(
            reverse("cvs:eligibility", args=[application.pk]), {"recevabilite-decision": "eligible"}
        ).status_code
        == 404
    )

    client.force_login(staff)
    assert (
        client.post(reverse("cvs:eligibility", args=[application.pk]), {"recevabilite-decision": "eligible"}).url
        == detail
    )
    over = _program(client, application, cvs_call.city, "1000.01")
    assert "ne peut pas dépasser le montant demandé" in over.content.decode()
    done = _program(client, application, cvs_call.city, "1000")
    assert done.url == detail
    application.refresh_from_db()
    assert application.status == Status.GRANTED
    assert application.cvs_request.opinions.get().opinion == "favourable"


def test_the_pic_steps_of_a_cvs_draft_lead_to_the_cvs_steps(cvs_call, resident, client):
    application = fill_request(resident, cvs_call)
    client.force_login(resident)
    response = client.get(reverse("applications:application_step", args=[application.pk, "project"]))
    assert response.url == step(application, "structure")


def test_the_site_admin_reads_a_cvs_request_read_only(cvs_call, resident, admin_user, client):
    application = fill_request(resident, cvs_call)
    client.force_login(admin_user)
    page = client.get(reverse("admin:cvs_cvsrequest_change", args=[application.cvs_request.pk]))
    assert page.status_code == 200 and "État — Préfecture du Nord" in page.content.decode()


def test_staff_ask_for_more_from_the_request_page(cvs_call, resident, staff, client):
    application = fill_request(resident, cvs_call)
    services.submit_cvs_request(user=resident, application=application)
    client.force_login(staff)
    url = reverse("cvs:eligibility", args=[application.pk])
    page = client.post(url, {"recevabilite-decision": "completion", "recevabilite-comment": ""}).content.decode()
    assert "le commentaire est obligatoire" in page
    client.post(url, {"recevabilite-decision": "completion", "recevabilite-comment": "Le RIB est illisible."})
    application.refresh_from_db()
    assert application.status == Status.COMPLETION_REQUESTED
    client.force_login(resident)
    assert client.get(step(application, "pieces")).status_code == 200  # the holder may edit again


def test_the_holder_may_withdraw_before_the_programming(cvs_call, resident, client):
    application = fill_request(resident, cvs_call)
    services.submit_cvs_request(user=resident, application=application)
    client.force_login(resident)
    page = client.get(reverse("cvs:detail", args=[application.pk])).content.decode()
    withdraw = reverse("applications:withdraw_application", args=[application.pk])
    assert withdraw in page
    client.post(withdraw, {"comment": "Le projet est reporté."})
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
