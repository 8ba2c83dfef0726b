"""The one place an e-mail is rendered and sent.

Templates are pairs `<name>_subject.txt` (one line) and `<name>_body.txt`, named by their path without the
suffix (e.g. "applications/emails/submitted"). They are rendered in French whatever the visitor's language.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """An absolute link for an e-mail: PORTAL_BASE_URL (e.g. https://pic.example.org) + path."""
    base = getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000"
    return base.rstrip("/") + path


def unique_addresses(addresses) -> list[str]:
    """Addresses without blanks and without duplicates (case-insensitive), in their first order."""
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def render_templated(*, name: str, context: dict) -> tuple[str, str]:
    """(subject, body) of the template pair `name`, in French."""
    context = {"portal_name": settings.PORTAL_NAME, **context}
    with translation.override("fr"):
        subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
        body = render_to_string(f"{name}_body.txt", context)
    return subject, body


def send_templated(
    *,
    name: str,
    to: list[str],
    context: dict,
    attachments: list[tuple[str, bytes, str]] | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Render the template pair `name` and send one message to `to` (nothing when `to` is empty)."""
    if not to:
        return 0
    subject, body = render_templated(name=name, context=context)
    message = EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
