"""The one place an e-mail is rendered and queued (core.outbox delivers it).

Templates are pairs `<name>_subject.txt` (one line) and `<name>_body.txt`, named by their path without the
suffix (e.g. "applications/emails/submitted"). They are rendered in French whatever the visitor's language.
"""

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation

from core import outbox


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
    attachment_builders: list[dict] | None = None,
    cause: str = "",
    target: models.Model | None = None,
    actor=None,
) -> int:
    """Render the template pair `name` and queue one message to `to` (nothing when `to` is empty).

    Never talks to the mail server: the message is a row of the outbox, written in the caller's transaction and
    delivered by a worker once it commits (core.outbox). `cause` names the kind of message ("convocation"),
    `target` the object it is about (listed on that object's page with its state), `actor` who caused it (by
    default the logged-in user). `attachment_builders` are built by the worker, e.g.
    `[{"builder": "applications.receipt", "args": {"application_id": 4}, "filename": "recepisse.pdf"}]`.
    Returns the number of messages queued (0 or 1), like EmailMessage.send() did.
    """
    if not to:
        return 0
    subject, body = render_templated(name=name, context=context)
    message = outbox.queue_message(
        subject=subject,
        body=body,
        to=to,
        reply_to=reply_to,
        attachments=attachments,
        attachment_builders=attachment_builders,
        topic=cause,
        template=name,
        target=target,
        actor=actor,
    )
    return 1 if message else 0
