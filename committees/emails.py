"""E-mails of the committees: convocations (with a calendar invitation for members) and notification letters.
Sent after the transaction commits.

Templates live in templates/committees/emails/ (`<name>_subject.txt`, `<name>_body.txt`), sent by
`core.emails.send_templated`.
"""

from django.urls import reverse

from applications.workflow import Status
from committees.calendar import SESSION_ICS, session_ics_filename
from committees.documents import render_notification_letter_pdf
from committees.models import CommitteeMember, CommitteeSession, Decision
from core.emails import absolute_url, send_templated


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
        session.items.exclude(application__status=Status.WITHDRAWN)
        .select_related("application__holder__owner", "application__created_by")
        .order_by("position")
    )
    base = {
        "session": session,
        "committee": session.committee,
        "association": association,
        "session_url": absolute_url(reverse("committees:session_detail", kwargs={"pk": session.pk})),
    }
    sent = 0
    for member in CommitteeMember.objects.filter(pk__in=member_ids).select_related("user").order_by("full_name"):
        sent += send_templated(
            name="committees/emails/convocation_member",
            to=[member.contact_email],
            context={**base, "member": member, "items": items},
            # The calendar invitation (.ics), built by the worker that delivers the e-mail.
            attachment_builders=[
                {
                    "builder": SESSION_ICS,
                    "args": {"session_id": session.pk},
                    "filename": session_ics_filename(session),
                    "mimetype": "text/calendar",
                }
            ],
            reply_to=[association.contact_email],
            cause="convocation",
            target=session,
        )
    for item in items:
        if item.pk in item_ids:
            sent += send_templated(
                name="committees/emails/convocation_holder",
                to=[holder_email(item.application)],
                context={**base, "item": item, "application": item.application},
                reply_to=[association.contact_email],
                cause="convocation",
                target=session,
            )
    return sent


def send_decision_letters(*, session_id: int) -> int:
    """After closing: to each holder, the notification letter as a PDF attachment."""
    session = _load_session(session_id)
    association = session.committee.fund.association
    decisions = Decision.objects.filter(item__session=session).select_related(
        "item__application__holder__owner", "item__application__created_by"
    )
    sent = 0
    for decision in decisions.order_by("item__position"):
        application = decision.item.application
        sent += send_templated(
            name="committees/emails/decision_letter",
            to=[holder_email(application)],
            context={"session": session, "association": association, "decision": decision, "application": application},
            attachment_builders=[
                {
                    "builder": "committees.decision_letter",
                    "args": {"decision_id": decision.pk},
                    "filename": f"notification-{application.reference or application.pk}.pdf",
                }
            ],
            reply_to=[association.contact_email],
            cause="decision_letter",
            target=session,
        )
    return sent


def build_decision_letter(*, decision_id: int) -> bytes:
    """The notification letter's PDF, built by the worker that delivers the e-mail (core.outbox)."""
    return render_notification_letter_pdf(decision=Decision.objects.get(pk=decision_id))
