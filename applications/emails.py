"""E-mails about a request. Sent after the transaction commits (see services), in French.

Templates live in templates/applications/emails/: `<name>_subject.txt` (one line) and `<name>_body.txt`;
`core.emails.send_templated` renders and sends them.
"""

from django.urls import reverse

from applications.models import Application
from core.emails import absolute_url, send_templated, unique_addresses

__all__ = ["absolute_url", "application_url", "association_recipients", "send", "staff_application_url"]

DETAIL_URL_NAME = "applications:application_detail"
STAFF_URL_NAME = "staff:application"
TEMPLATE_DIR = "applications/emails"


def application_url(application: Application) -> str:
    return absolute_url(reverse(DETAIL_URL_NAME, kwargs={"pk": application.pk}))


def staff_application_url(application: Application) -> str:
    """The staff's page of the request (instruction), for e-mails to the carrier association."""
    return absolute_url(reverse(STAFF_URL_NAME, kwargs={"pk": application.pk}))


def association_recipients(application: Application) -> list[str]:
    """The carrier association's contact address and its staff's addresses, without duplicates."""
    association = application.fund.association
    return unique_addresses([association.contact_email, *association.staff.values_list("email", flat=True)])


def send(*, name: str, to: list[str], context: dict, **kwargs) -> int:
    """Send the template pair `templates/applications/emails/<name>_*.txt` (see `core.emails.send_templated`)."""
    return send_templated(name=f"{TEMPLATE_DIR}/{name}", to=to, context=context, **kwargs)


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
