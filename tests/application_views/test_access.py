"""The resident's web journey.

In this file: who sees what; withdraw, delete, resubmit.
"""

from django.core import mail
from django.urls import reverse

from applications import services
from applications.models import Application, Attachment, Message
from applications.workflow import Status
from tests import factories as f
from tests.application_views.helpers import STEPS, assert_shows, client_of, filed_application, pdf_bytes, upload_of
from tests.request_fixtures import detail_url, step_url

# --- Who sees what --------------------------------------------------------------------------------


def _urls_of(application, attachment) -> list[tuple[str, str]]:
    pk = application.pk
    urls = [("get", detail_url(application))]
    urls += [("get", step_url(application, step)) for step in STEPS]
    urls += [("post", step_url(application, step)) for step in STEPS]
    urls += [
        ("get", reverse("applications:receipt_pdf", kwargs={"pk": pk})),
        ("get", reverse("applications:download_attachment", kwargs={"pk": pk, "attachment_pk": attachment.pk})),
        ("post", reverse("applications:delete_attachment", kwargs={"pk": pk, "attachment_pk": attachment.pk})),
        ("post", reverse("applications:post_message", kwargs={"pk": pk})),
        ("get", reverse("applications:withdraw_application", kwargs={"pk": pk})),
        ("post", reverse("applications:withdraw_application", kwargs={"pk": pk})),
    ]
    return urls


def test_another_resident_gets_404_everywhere(world, resident, other_resident):
    application = filed_application(world, resident)
    attachment = application.attachments.get()
    client = client_of(other_resident)
    for method, url in _urls_of(application, attachment):
        response = getattr(client, method)(url, {"body": "Bonjour", "action": "next"} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    # Also while it is a draft.
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    for step in STEPS:
        assert client.get(step_url(draft, step)).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and not Message.objects.exists()
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_anonymous_is_sent_to_login(world, resident):
    application = filed_application(world, resident)
    attachment = application.attachments.get()
    client = client_of()
    urls = _urls_of(application, attachment) + [
        ("get", reverse("portal:my_applications")),
        ("post", reverse("applications:start_application", args=[world.fund.slug])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login")), (method, url)
    assert not Application.objects.exclude(pk=application.pk).exists()


def test_association_staff_read_the_request_and_write_to_the_holder(
    world, resident, staff, django_capture_on_commit_callbacks
):
    application = filed_application(world, resident)
    client = client_of(staff)
    page = client.get(detail_url(application))
    content = page.content.decode()
    assert page.status_code == 200
    assert application.reference in content and "rib.pdf" in content
    assert "Retirer ma demande" not in content and "Modifier" not in content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:post_message", kwargs={"pk": application.pk}),
            {"body": "Pouvez-vous préciser le lieu ?"},
        )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.author == staff
    assert [m.to for m in mail.outbox] == [[resident.email]]
    thread = client_of(resident).get(detail_url(application)).content.decode()
    assert "Pouvez-vous préciser le lieu ?" in thread


def test_the_holder_writes_and_the_association_gets_an_email(
    world, resident, staff, django_capture_on_commit_callbacks
):
    application = filed_application(world, resident)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(resident).post(
            reverse("applications:post_message", kwargs={"pk": application.pk}),
            {"body": "Le lieu est la salle des fêtes."},
            follow=True,
        )
    assert_shows(response, "Votre message est envoyé.", "Le lieu est la salle des fêtes.")
    assert len(mail.outbox) == 1
    assert staff.email in mail.outbox[0].to and world.hommelet.contact_email in mail.outbox[0].to
    assert application.reference in mail.outbox[0].subject + mail.outbox[0].body


def test_an_empty_message_is_refused_in_french(world, resident):
    application = filed_application(world, resident)
    response = client_of(resident).post(
        reverse("applications:post_message", kwargs={"pk": application.pk}), {"body": ""}
    )
    assert_shows(response, "Écrivez votre message avant de l'envoyer.")
    assert not Message.objects.exists()


def _attachment_url(application) -> str:
    """The download address of the request's only attachment."""
    attachment = application.attachments.get()
    return reverse("applications:download_attachment", kwargs={"pk": application.pk, "attachment_pk": attachment.pk})


def test_staff_of_another_association_are_refused(world, resident, other_staff):
    application = filed_application(world, resident)
    client = client_of(other_staff)
    assert client.get(detail_url(application)).status_code == 404
    assert client.get(reverse("applications:receipt_pdf", kwargs={"pk": application.pk})).status_code == 404
    assert client.get(_attachment_url(application)).status_code == 404
    response = client.post(reverse("applications:post_message", kwargs={"pk": application.pk}), {"body": "Bonjour"})
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_cofunder_staff_read_but_never_get_the_bank_details(world, resident, region_staff):
    application = filed_application(world, resident)
    client = client_of(region_staff)
    assert client.get(detail_url(application)).status_code == 200
    assert client.get(_attachment_url(application)).status_code == 404


def test_an_attachment_is_only_reached_through_its_own_request(world, resident):
    first = filed_application(world, resident)
    second = f.ApplicationFactory(fund=world.fund, created_by=resident)
    url = reverse(
        "applications:download_attachment", kwargs={"pk": second.pk, "attachment_pk": first.attachments.get().pk}
    )
    assert client_of(resident).get(url).status_code == 404


# --- Withdraw, delete, resubmit -------------------------------------------------------------------


def test_withdraw_with_a_confirmation_page(world, resident, django_capture_on_commit_callbacks):
    application = filed_application(world, resident)
    client = client_of(resident)
    assert "Retirer ma demande" in client.get(detail_url(application)).content.decode()
    confirmation = client.get(reverse("applications:withdraw_application", kwargs={"pk": application.pk}))
    assert "Oui, retirer ma demande" in confirmation.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:withdraw_application", kwargs={"pk": application.pk}),
            {"comment": "Le projet est reporté."},
            follow=True,
        )
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert_shows(response, "Votre demande est retirée.", "Le projet est reporté.")
    assert "Retirer ma demande" not in response.content.decode().split("</h1>", 1)[1].split("Historique")[0]


def test_delete_an_attachment_of_a_draft(draft, resident):
    attachment = services.add_attachment(
        user=resident, application=draft, kind="quote", uploaded_file=upload_of("devis.pdf", pdf_bytes())
    )
    response = client_of(resident).post(
        reverse("applications:delete_attachment", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    )
    assert response.url == step_url(draft, "attachments")
    assert not Attachment.objects.exists()


def test_resubmit_after_a_completion_request(world, resident, staff, django_capture_on_commit_callbacks):
    application = filed_application(world, resident)
    services.request_completion(user=staff, application=application, message="Ajoutez le devis de la salle.")
    client = client_of(resident)
    page = client.get(detail_url(application)).content.decode()
    assert "Redéposer" in page and "Ajoutez le devis de la salle." in page
    response = client.post(
        step_url(application, "attachments"),
        {"piece-kind": "quote", "piece-file": upload_of("devis.pdf", pdf_bytes()), "action": "next"},
    )
    assert response.url == step_url(application, "summary")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(application, "summary"), {"comment": "Devis ajouté."})
    assert response.url == detail_url(application)
    application.refresh_from_db()
    assert application.status == Status.RESUBMITTED
    assert application.attachments.count() == 2
