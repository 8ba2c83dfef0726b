"""Checks several committee services share: who runs, the session's state, quorum, seats and amounts.

Each raises a ValidationError (or PermissionDenied) with a French message that says how to fix the problem.
"""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Application
from applications.rules import applicable_cap
from applications.workflow import Status
from committees import selectors
from committees.models import Committee, CommitteeMember, CommitteeSession
from committees.permissions import can_run_committee
from core.money import ZERO
from core.templatetags.portal_format import format_money
from core.validation import french_day
from funds.models import Fund


def invalid(message: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    """One message on one field (or on the form as a whole)."""
    return ValidationError({field: [message]})


def check_runs(user, committee: Committee) -> None:
    if not can_run_committee(user, committee):
        raise PermissionDenied(
            _("Seule l'équipe de l'association porteuse du fonds « %(fund)s » peut conduire ses comités.")
            % {"fund": committee.fund.name}
        )


def require_open(session: CommitteeSession) -> None:
    if session.status == CommitteeSession.Status.CLOSED:
        raise invalid(
            _(
                "La séance du %(date)s est close : plus aucun vote ni décision. "
                "Pour corriger une décision, rectifiez-la."
            )
            % {"date": french_day(session.date)}
        )
    if session.status != CommitteeSession.Status.OPEN:
        raise invalid(
            _("La séance du %(date)s n'est pas encore ouverte : ouvrez-la avant de voter.")
            % {"date": french_day(session.date)}
        )


def require_not_closed(session: CommitteeSession) -> None:
    if session.status == CommitteeSession.Status.CLOSED:
        raise invalid(
            _("La séance du %(date)s est close : elle ne peut plus être modifiée.") % {"date": french_day(session.date)}
        )


def require_quorum(session: CommitteeSession) -> selectors.Quorum:
    quorum = selectors.session_quorum(session=session)
    if not quorum.met:
        raise invalid(
            ngettext(
                "Le quorum n'est pas atteint : %(present)s membre votant présent sur %(required)s requis. "
                "Aucun vote n'est possible : notez l'arrivée des membres votants présents ou reportez la séance. "
                "Les membres de droit ne comptent pas dans le quorum.",
                "Le quorum n'est pas atteint : %(present)s membres votants présents sur %(required)s requis. "
                "Aucun vote n'est possible : notez l'arrivée des membres votants présents ou reportez la séance. "
                "Les membres de droit ne comptent pas dans le quorum.",
                quorum.present_voting,
            )
            % {"present": quorum.present_voting, "required": quorum.required}
        )
    return quorum


def require_not_withdrawn(application: Application) -> None:
    """A request its holder withdrew while on the agenda: nothing to vote on or decide, nothing blocks the session."""
    if application.status == Status.WITHDRAWN:
        raise invalid(
            _(
                "Le porteur a retiré la demande %(ref)s : elle n'est pas à l'ordre du jour pour un vote ni une "
                "décision. Passez à la demande suivante ; la séance peut être close sans décision sur celle-ci."
            )
            % {"ref": application.display_reference}
        )


def require_member(session: CommitteeSession, member: CommitteeMember) -> None:
    if member.committee_id != session.committee_id:
        raise invalid(_("%(member)s ne siège pas dans ce comité.") % {"member": member.full_name}, "member")
    if not member.mandate_active_on(session.date):
        raise invalid(
            _("Le mandat de %(member)s ne couvre pas la date de la séance (%(date)s) : vérifiez ses dates de mandat.")
            % {"member": member.full_name, "date": french_day(session.date)},
            "member",
        )


def check_amount(*, fund: Fund, application: Application, amount: Decimal, available: Decimal) -> None:
    """A granted amount: positive, no more than asked, than the cap, and than what is left in the envelope."""
    if amount <= 0:
        raise invalid(
            _("Le montant accordé doit être supérieur à 0 €. Pour ne rien accorder, refusez la demande."), "amount"
        )
    if application.amount_requested is not None and amount > application.amount_requested:
        raise invalid(
            _("Le montant accordé (%(amount)s) dépasse le montant demandé (%(asked)s) : accordez au plus %(asked)s.")
            % {"amount": format_money(amount), "asked": format_money(application.amount_requested)},
            "amount",
        )
    # The second-request rule is written once, in applications.rules (the form and the filing use it too).
    cap, is_second = applicable_cap(fund=fund, user=application.created_by_id, application=application)
    if amount > cap:
        if is_second:
            message = _(
                "Le montant accordé (%(amount)s) dépasse le plafond du fonds pour une deuxième demande du même "
                "porteur la même année : au plus %(cap)s."
            )
        else:
            message = _(
                "Le montant accordé (%(amount)s) dépasse le plafond du fonds pour cette demande : au plus %(cap)s."
            )
        raise invalid(message % {"amount": format_money(amount), "cap": format_money(cap)}, "amount")
    if amount > available:
        raise invalid(
            _(
                "L'enveloppe du fonds ne suffit pas : il reste %(left)s disponibles pour cette demande, "
                "pour %(amount)s. Accordez au plus %(left)s ou ajournez la demande."
            )
            % {"left": format_money(max(available, ZERO)), "amount": format_money(amount)},
            "amount",
        )
