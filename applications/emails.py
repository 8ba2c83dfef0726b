"""E-mails about a request. Sent after the transaction commits (see services), in French.

Templates live in templates/applications/emails/: `<name>_subject.txt` (one line) and `<name>_body.txt`.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from applications.models import Application

logger = logging.getLogger(__name__)

DETAIL_URL_NAME = "applications:application_detail"
STAFF_URL_NAME = "staff:application"


def absolute_url(path: str) -> str:
    """An absolute link for an e-mail: PORTAL_BASE_URL (e.g. https://pic.example.org) + path."""
    base = getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000"
    return base.rstrip("/") + path


def application_url(application: Application) -> str:
    return absolute_url(reverse(DETAIL_URL_NAME, kwargs={"pk": application.pk}))


def staff_application_url(application: Application) -> str:
    """The staff's page of the request (instruction), for e-mails to the carrier association."""
    return absolute_url(reverse(STAFF_URL_NAME, kwargs={"pk": application.pk}))


def association_recipients(application: Application) -> list[str]:
    """The carrier association's contact address and its staff's addresses, without duplicates."""
    association = application.fund.association
    addresses = [association.contact_email, *association.staff.values_list("email", flat=True)]
    seen: dict[str, None] = {}
    for address in addresses:
        if address and address.lower() not in seen:
            seen[address.lower()] = None
    return list(seen)


def send_templated(
    *,
    name: str,
    to: list[str],
    context: dict,
    attachments: list[tuple[str, bytes, str]] | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Render `<name>_subject.txt` and `<name>_body.txt` in French and send one message to `to`."""
    if not to:
        return 0
    context = {"portal_name": settings.PORTAL_NAME, **context}
    with translation.override("fr"):
        subject = " ".join(render_to_string(f"applications/emails/{name}_subject.txt", context).split())
        body = render_to_string(f"applications/emails/{name}_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()


def base_context(application: Application) -> dict:
    return {
        "application": application,
        "fund": application.fund,
        "association": application.fund.association,
        "url": application_url(application),
    }


def load(application_id: int) -> Application:
    return Application.objects.select_related("fund__association", "created_by", "holder", "theme").get(
        pk=application_id
    )
