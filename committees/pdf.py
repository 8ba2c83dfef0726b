"""PDF documents of the committees, rendered by WeasyPrint from templates/committees/pdf/.

One renderer per document: the minutes of a session (*procès-verbal*) and the notification letter
sent to a holder after the session. A4, page numbers, French dates and amounts.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from committees import selectors
from committees.models import CommitteeSession, Decision


def _render(template: str, context: dict) -> bytes:
    with translation.override("fr"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_minutes_pdf(*, session: CommitteeSession) -> bytes:
    """The *procès-verbal*: attendance and quorum, recusals, votes and decision per request, money left."""
    detail = selectors.session_detail(session=session)
    recorded = {attendance.member_id for attendance in detail.attendances}
    with translation.override("fr"):
        footer = _("Procès-verbal — %(committee)s — séance du %(date)s") % {
            "committee": detail.committee.name,
            "date": detail.session.date.strftime("%d/%m/%Y"),
        }
    return _render(
        "committees/pdf/minutes.html",
        {
            "detail": detail,
            "session": detail.session,
            "committee": detail.committee,
            "fund": detail.fund,
            "absent_unrecorded": [member for member in detail.absent if member.pk not in recorded],
            "generated_on": timezone.localdate(),
            "footer": footer,
        },
    )


def render_notification_letter_pdf(*, decision: Decision) -> bytes:
    """The letter to the holder: granted (amount, conditions, advance) / deferred / refused with the reason."""
    decision = Decision.objects.select_related(
        "item__session__committee__fund__association", "item__application__holder", "item__application__created_by"
    ).get(pk=decision.pk)
    effective = selectors.effective_decision(decision=decision)
    session = decision.item.session
    fund = session.committee.fund
    application = decision.item.application
    advance = balance = None
    if effective.outcome == Decision.Outcome.GRANTED:
        advance = selectors.advance_amount(fund=fund, granted=effective.amount)
        balance = effective.amount - advance
    with translation.override("fr"):
        footer = _("%(association)s — notification de décision — %(ref)s") % {
            "association": fund.association.name,
            "ref": application.display_reference,
        }
    return _render(
        "committees/pdf/notification_letter.html",
        {
            "decision": decision,
            "effective": effective,
            "session": session,
            "committee": session.committee,
            "fund": fund,
            "association": fund.association,
            "application": application,
            "holder": application.holder,
            "advance": advance,
            "balance": balance,
            "letter_date": timezone.localdate(session.closed_at) if session.closed_at else timezone.localdate(),
            "footer": footer,
        },
    )
