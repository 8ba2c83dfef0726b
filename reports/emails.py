"""E-mails about bilans, in French. Templates: templates/reports/emails/<name>_subject.txt and _body.txt."""

from django.urls import reverse

from applications.emails import association_recipients
from applications.emails import base_context as request_context
from applications.models import Application
from core.emails import absolute_url, send_templated


def bilan_url(application: Application) -> str:
    return absolute_url(reverse("reports:bilan", kwargs={"pk": application.pk}))


def base_context(application: Application) -> dict:
    """The request's e-mail context (`applications.emails.base_context`), its link leading to the bilan."""
    return {**request_context(application), "url": bilan_url(application)}


def to_holder(*, application: Application, name: str, **extra) -> int:
    return send_templated(
        name=f"reports/emails/{name}",
        to=[application.created_by.email],
        context={**base_context(application), **extra},
        reply_to=[application.fund.association.contact_email],
        cause=name,
        target=application,
    )


def to_staff(*, application: Application, name: str, **extra) -> int:
    return send_templated(
        name=f"reports/emails/{name}",
        to=association_recipients(application),
        context={**base_context(application), **extra},
        cause=name,
        target=application,
    )


def load(application_id: int) -> Application:
    return Application.objects.select_related("fund__association", "created_by", "holder").get(pk=application_id)
