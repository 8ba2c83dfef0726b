"""E-mails about a request, run once the transaction has committed (`transaction.on_commit`)."""

from applications import emails
from applications.documents.receipt import receipt_filename, render_receipt_pdf
from applications.models import Message


def send_submission_acknowledgement(*, application_id: int) -> None:
    """To the holder: the reference, a link to the request and the PDF receipt."""
    application = emails.load(application_id)
    pdf = render_receipt_pdf(application=application)
    emails.send(
        name="submitted",
        to=[application.created_by.email],
        context=emails.base_context(application),
        attachments=[(receipt_filename(application), pdf, "application/pdf")],
        reply_to=[application.fund.association.contact_email],
    )


def send_holder_notice(*, application_id: int, name: str, comment: str = "", message: Message | None = None) -> None:
    application = emails.load(application_id)
    emails.send(
        name=name,
        to=[application.created_by.email],
        context={**emails.base_context(application), "comment": comment, "message": message},
        reply_to=[application.fund.association.contact_email],
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
    )
