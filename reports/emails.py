"""E-mails about bilans, in French. Templates: templates/reports/emails/<name>_subject.txt and _body.txt."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from applications.emails import absolute_url, association_recipients
from applications.models import Application


def bilan_url(application: Application) -> str:
    return absolute_url(reverse("reports:bilan", kwargs={"pk": application.pk}))


def send(*, name: str, to: list[str], context: dict, reply_to: list[str] | None = None) -> int:
    if not to:
        return 0
    context = {"portal_name": settings.PORTAL_NAME, **context}
    with translation.override("fr"):
        subject = " ".join(render_to_string(f"reports/emails/{name}_subject.txt", context).split())
        body = render_to_string(f"reports/emails/{name}_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to).send()


def base_context(application: Application) -> dict:
    return {
        "application": application,
        "fund": application.fund,
        "association": application.fund.association,
        "url": bilan_url(application),
    }


def to_holder(*, application: Application, name: str, **extra) -> int:
    return send(
        name=name,
        to=[application.created_by.email],
        context={**base_context(application), **extra},
        reply_to=[application.fund.association.contact_email],
    )


def to_staff(*, application: Application, name: str, **extra) -> int:
    return send(name=name, to=association_recipients(application), context={**base_context(application), **extra})


def load(application_id: int) -> Application:
    return Application.objects.select_related("fund__association", "created_by", "holder").get(pk=application_id)
