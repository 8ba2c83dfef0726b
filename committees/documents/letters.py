"""The notification letter sent to a holder after the session: granted (amount, conditions, advance),
deferred, or refused with the reason."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from committees import selectors
from committees.models import Decision
from core.french import of_names
from core.pdf import render_pdf


def greeting_name(application) -> str:
    """Whom the letter greets by name: the holder's referent, else the person who filed the request."""
    holder = application.holder
    if holder is not None and holder.referent_name.strip():
        return holder.referent_name.strip()
    author = application.created_by
    return (author.get_full_name() or "").strip() if author is not None else ""


def appeal_text(*, committee, association) -> str:
    """How to ask for a new examination (*recours gracieux*): the committee's own text, else the usual one."""
    if committee.appeal_text.strip():
        return committee.appeal_text.strip()
    return _(
        "Si vous n'êtes pas d'accord avec cette décision, vous pouvez demander un nouvel examen de votre demande "
        "(recours gracieux). Écrivez à %(association)s, %(address)s, %(postcode)s %(city)s, ou à %(email)s, dans un "
        "délai de deux mois à compter de la réception de ce courrier, en expliquant pourquoi vous demandez ce "
        "nouvel examen."
    ) % {
        "association": association.name,
        "address": association.address,
        "postcode": association.postcode,
        "city": association.city,
        "email": association.contact_email,
    }


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
    committee = session.committee
    holder = application.holder
    reduced = effective.outcome == Decision.Outcome.GRANTED and effective.amount < application.amount_requested
    with translation.override("fr"):
        footer = _("%(association)s — notification de décision — %(ref)s") % {
            "association": fund.association.name,
            "ref": application.display_reference,
        }
        appeal = ""
        if effective.outcome == Decision.Outcome.REFUSED or reduced:
            appeal = appeal_text(committee=committee, association=fund.association)
    return render_pdf(
        template="committees/pdf/notification_letter.html",
        context={
            "decision": decision,
            "effective": effective,
            "session": session,
            "committee": committee,
            "fund": fund,
            "association": fund.association,
            "application": application,
            "holder": holder,
            "greeting_name": greeting_name(application),
            "cofunders": of_names(selectors.fund_cofunder_names(fund=fund)),
            "reduced": reduced,
            "appeal": appeal,
            "advance": advance,
            "balance": balance,
            "letter_date": timezone.localdate(session.closed_at) if session.closed_at else timezone.localdate(),
            "footer": footer,
        },
    )
