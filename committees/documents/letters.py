"""The notification letter sent to a holder after the session: granted (amount, conditions, advance),
deferred, or refused with the reason."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from committees import selectors
from committees.models import Decision
from core.pdf import render_pdf


def render_notification_letter_pdf(*, decision: Decision) -> bytes:
    """The letter for one decision, as it stands after its amendments."""
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
    return render_pdf(
        template="committees/pdf/notification_letter.html",
        context={
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
