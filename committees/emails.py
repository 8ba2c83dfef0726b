"""E-mails of the committees: convocations and notification letters. Sent after the transaction commits.

Templates live in templates/committees/emails/: `<name>_subject.txt` (one line) and `<name>_body.txt`.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from committees.models import CommitteeMember, CommitteeSession, Decision

logger = logging.getLogger(__name__)


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
        subject = " ".join(render_to_string(f"committees/emails/{name}_subject.txt", context).split())
        body = render_to_string(f"committees/emails/{name}_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()


def holder_email(application) -> str:
    """The holder's address: the account that owns the holder record, else the one that filed the request."""
    if application.holder_id and application.holder.owner.email:
        return application.holder.owner.email
    return application.created_by.email


def _load_session(session_id: int) -> CommitteeSession:
    return CommitteeSession.objects.select_related("committee__fund__association").get(pk=session_id)


def send_convocations(*, session_id: int, member_ids: list[int], item_ids: list[int]) -> int:
    """One convocation per member (with the agenda), one invitation per holder invited to present."""
    session = _load_session(session_id)
    association = session.committee.fund.association
    items = list(
        session.items.select_related("application__holder__owner", "application__created_by").order_by("position")
    )
    base = {"session": session, "committee": session.committee, "association": association}
    sent = 0
    for member in CommitteeMember.objects.filter(pk__in=member_ids).select_related("user").order_by("full_name"):
        sent += send_templated(
            name="convocation_member",
            to=[member.contact_email],
            context={**base, "member": member, "items": items},
            reply_to=[association.contact_email],
        )
    for item in items:
        if item.pk in item_ids:
            sent += send_templated(
                name="convocation_holder",
                to=[holder_email(item.application)],
                context={**base, "item": item, "application": item.application},
                reply_to=[association.contact_email],
            )
    return sent


def send_decision_letters(*, session_id: int) -> int:
    """After closing: to each holder, the notification letter as a PDF attachment."""
    from committees.pdf import render_notification_letter_pdf

    session = _load_session(session_id)
    association = session.committee.fund.association
    decisions = Decision.objects.filter(item__session=session).select_related(
        "item__application__holder__owner", "item__application__created_by"
    )
    sent = 0
    for decision in decisions.order_by("item__position"):
        application = decision.item.application
        try:
            pdf = render_notification_letter_pdf(decision=decision)
            sent += send_templated(
                name="decision_letter",
                to=[holder_email(application)],
                context={
                    "session": session,
                    "association": association,
                    "decision": decision,
                    "application": application,
                },
                attachments=[(f"notification-{application.reference or application.pk}.pdf", pdf, "application/pdf")],
                reply_to=[association.contact_email],
            )
        except Exception:
            # One failing letter must not stop the others; the log tells staff which one to resend.
            logger.exception("Notification letter for application %s could not be sent", application.pk)
    return sent
