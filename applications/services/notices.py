"""E-mails about a request, written to the outbox inside the transaction of the change that causes them
(core.emails): a worker delivers them once it commits, and builds the receipt's PDF then."""

from applications import emails
from applications.documents.receipt import receipt_filename, render_receipt_pdf
from applications.models import Message


def send_submission_acknowledgement(*, application_id: int) -> None:
    """To the holder: the reference, a link to the request and the PDF receipt."""
    application = emails.load(application_id)
    emails.send(
        name="submitted",
        to=[application.created_by.email],
        context=emails.base_context(application),
        attachment_builders=[
            {
                "builder": "applications.receipt",
                "args": {"application_id": application.pk},
                "filename": receipt_filename(application),
            }
        ],
        reply_to=[application.fund.association.contact_email],
        cause="submitted",
        target=application,
    )


def build_receipt(*, application_id: int) -> bytes:
    """The receipt's PDF, built by the worker that delivers the acknowledgement (core.outbox)."""
    return render_receipt_pdf(application=emails.load(application_id))


def send_holder_notice(*, application_id: int, name: str, comment: str = "", message: Message | None = None) -> None:
    application = emails.load(application_id)
    emails.send(
        name=name,
        to=[application.created_by.email],
        context={**emails.base_context(application), "comment": comment, "message": message},
        reply_to=[application.fund.association.contact_email],
        cause=name,
        target=application,
    )


def send_staff_notice(*, application_id: int, name: str, comment: str = "", message: Message | None = None) -> None:
    application = emails.load(application_id)
    emails.send(
        name=name,
        to=emails.association_recipients(application),
        context={
            **emails.base_context(application),
            "url": emails.staff_application_url(application),
            "thread_url": emails.application_url(application) + "#messages",
            "comment": comment,
            "message": message,
        },
        cause=name,
        target=application,
    )
