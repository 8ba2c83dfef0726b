"""The request workflow, as data: states, and the transitions each role may take.

Slugs are English (code, database, URLs); labels are French (UI). Services apply a
transition through `get_transition()` and `may_take()`; nothing else changes a status.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, may_take  # noqa: F401 (may_take: the table's rule, imported from here by the apps)


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    UNDER_REVIEW = "under_review", _("En cours d'instruction")
    COMPLETION_REQUESTED = "completion_requested", _("Complément demandé")
    RESUBMITTED = "resubmitted", _("Complétée et redéposée")
    ELIGIBLE = "eligible", _("Recevable")
    INELIGIBLE = "ineligible", _("Non recevable")
    ON_AGENDA = "on_agenda", _("Inscrite à l'ordre du jour d'un comité")
    GRANTED = "granted", _("Accordée")
    DEFERRED = "deferred", _("Ajournée")
    SENT_BACK = "sent_back", _("Renvoyée après ajournement")
    REFUSED = "refused", _("Refusée")
    ADVANCE_PAID = "advance_paid", _("Acompte versé")
    BILAN_DUE = "bilan_due", _("Bilan attendu")
    BILAN_RECEIVED = "bilan_received", _("Bilan reçu")
    BILAN_ACCEPTED = "bilan_accepted", _("Bilan accepté")
    BALANCE_PAID = "balance_paid", _("Solde versé")
    CLOSED = "closed", _("Clôturée")
    WITHDRAWN = "withdrawn", _("Retirée par le porteur")


class Role(models.TextChoices):
    HOLDER = "holder", _("Porteur de projet")
    STAFF = "staff", _("Équipe de l'association porteuse")
    COMMITTEE = "committee", _("Comité d'attribution")
    PROGRAMMING = "programming", _("Comité de programmation (CVS)")


S = Status
R = Role

BEFORE_DECISION = (
    S.DRAFT,
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.COMPLETION_REQUESTED,
    S.RESUBMITTED,
    S.ELIGIBLE,
    S.ON_AGENDA,
    S.DEFERRED,
    S.SENT_BACK,
)

# A programmed CVS project may receive its funders' payments until it is closed (cvs.services).
CVS_PAYABLE = (S.GRANTED, S.ADVANCE_PAID, S.BILAN_DUE, S.BILAN_RECEIVED, S.BILAN_ACCEPTED)

TRANSITIONS: tuple[Transition, ...] = (
    # The holder's transitions.
    Transition("submit", (S.DRAFT,), S.SUBMITTED, _("Déposer la demande"), (R.HOLDER,)),
    Transition("resubmit", (S.COMPLETION_REQUESTED,), S.RESUBMITTED, _("Redéposer la demande complétée"), (R.HOLDER,)),
    Transition("withdraw", BEFORE_DECISION, S.WITHDRAWN, _("Retirer la demande"), (R.HOLDER,)),
    # After a deferral, the holder adds what the committee asked for and sends the request back.
    Transition("send_back", (S.DEFERRED,), S.SENT_BACK, _("Renvoyer la demande"), (R.HOLDER,)),
    # Instruction by the carrier association's staff.
    Transition("start_review", (S.SUBMITTED, S.RESUBMITTED), S.UNDER_REVIEW, _("Commencer l'instruction"), (R.STAFF,)),
    Transition(
        "request_completion",
        (S.SUBMITTED, S.UNDER_REVIEW, S.RESUBMITTED),
        S.COMPLETION_REQUESTED,
        _("Demander un complément"),
        (R.STAFF,),
        comment_required=True,
    ),
    Transition("declare_eligible", (S.UNDER_REVIEW, S.RESUBMITTED), S.ELIGIBLE, _("Déclarer recevable"), (R.STAFF,)),
    Transition(
        "declare_ineligible",
        (S.UNDER_REVIEW, S.RESUBMITTED),
        S.INELIGIBLE,
        _("Déclarer non recevable"),
        (R.STAFF,),
        comment_required=True,
    ),
    Transition(
        "put_on_agenda", (S.ELIGIBLE, S.DEFERRED, S.SENT_BACK), S.ON_AGENDA, _("Inscrire à l'ordre du jour"), (R.STAFF,)
    ),
    Transition("remove_from_agenda", (S.ON_AGENDA,), S.ELIGIBLE, _("Retirer de l'ordre du jour"), (R.STAFF,)),
    # Decisions of the attribution committee (recorded by staff during the session).
    Transition("grant", (S.ON_AGENDA,), S.GRANTED, _("Accorder"), (R.COMMITTEE,)),
    Transition("defer", (S.ON_AGENDA,), S.DEFERRED, _("Ajourner"), (R.COMMITTEE,), comment_required=True),
    Transition("refuse", (S.ON_AGENDA,), S.REFUSED, _("Refuser"), (R.COMMITTEE,), comment_required=True),
    # The CVS call's programming committee (cvs app): one decision per request, an amount per funder.
    Transition("program", (S.ELIGIBLE,), S.GRANTED, _("Programmer (montants par financeur)"), (R.PROGRAMMING,)),
    Transition(
        "not_program", (S.ELIGIBLE,), S.REFUSED, _("Ne pas programmer"), (R.PROGRAMMING,), comment_required=True
    ),
    # Payments and bilan.
    Transition("pay_advance", (S.GRANTED,), S.ADVANCE_PAID, _("Verser l'acompte"), (R.STAFF,)),
    Transition(
        "receive_bilan", (S.GRANTED, S.ADVANCE_PAID, S.BILAN_DUE), S.BILAN_RECEIVED, _("Déposer le bilan"), (R.HOLDER,)
    ),
    Transition(
        "return_bilan",
        (S.BILAN_RECEIVED,),
        S.BILAN_DUE,
        _("Renvoyer le bilan au porteur"),
        (R.STAFF,),
        comment_required=True,
    ),
    # Taken with the bilan's own "accept" (reports.workflow): the balance is paid only from here.
    Transition("accept_bilan", (S.BILAN_RECEIVED,), S.BILAN_ACCEPTED, _("Accepter le bilan"), (R.STAFF,)),
    Transition("pay_balance", (S.BILAN_ACCEPTED,), S.BALANCE_PAID, _("Verser le solde"), (R.STAFF,)),
    Transition(
        "close",
        (S.BILAN_ACCEPTED, S.BALANCE_PAID, S.INELIGIBLE, S.REFUSED),
        S.CLOSED,
        _("Clôturer la demande"),
        (R.STAFF,),
    ),
)

_BY_SLUG = {t.slug: t for t in TRANSITIONS}

# --- Status groups: declared here only; every other module reads them from here. ---------------------------

# States in which the holder may edit the request's content (after a deferral: what the committee asked for).
HOLDER_EDITABLE = frozenset({S.DRAFT, S.COMPLETION_REQUESTED, S.DEFERRED})
# Not (or no longer) filed: a draft, or a request its holder withdrew. Every other state counts as filed.
NOT_FILED = (S.DRAFT, S.WITHDRAWN)
# Being instructed: the eligibility checklist can be filled in.
IN_INSTRUCTION = (S.SUBMITTED, S.UNDER_REVIEW, S.COMPLETION_REQUESTED, S.RESUBMITTED)
# May be put on a committee's agenda: eligible, or deferred by an earlier session (sent back by its holder or not).
AGENDA_SOURCES = _BY_SLUG["put_on_agenda"].sources
# Granted and not yet reported on: the holder owes a bilan.
BILAN_OWING = (S.GRANTED, S.ADVANCE_PAID, S.BILAN_DUE)
# The holder has filed the bilan: to study, accepted (the balance may be paid), or paid.
BILAN_FILED = (S.BILAN_RECEIVED, S.BILAN_ACCEPTED, S.BALANCE_PAID)
# A request in one of these states was declared eligible on its way.
ELIGIBLE_OR_LATER = (
    S.ELIGIBLE,
    S.ON_AGENDA,
    S.GRANTED,
    S.DEFERRED,
    S.SENT_BACK,
    S.REFUSED,
    S.ADVANCE_PAID,
    S.BILAN_DUE,
    S.BILAN_RECEIVED,
    S.BILAN_ACCEPTED,
    S.BALANCE_PAID,
)
# Requests whose story is over: the purge may anonymise them once the retention period has passed.
ENDED = (S.CLOSED, S.REFUSED, S.INELIGIBLE, S.WITHDRAWN)

# The staff's desk: what waits for the association's staff, by kind of work.
# Filed and waiting for an instructor to start or finish the instruction.
TO_INSTRUCT = (S.SUBMITTED, S.UNDER_REVIEW)
# The holder sent back the completion the staff asked for: to read again.
COMPLETION_RETURNED = (S.RESUBMITTED,)
# Granted: the advance is the next payment.
AWAITING_ADVANCE = (S.GRANTED,)
# Bilan accepted: the balance is the next payment.
AWAITING_BALANCE = (S.BILAN_ACCEPTED,)


def get_transition(slug: str) -> Transition:
    return _BY_SLUG[slug]


def transitions_from(status: str, role: str | None = None) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.sources and (role is None or role in t.roles)]


# What the holder should do next, shown in their space.
NEXT_STEP_FOR_HOLDER = {
    S.DRAFT: _("Terminez et déposez votre demande."),
    S.SUBMITTED: _("L'association porteuse va étudier votre demande."),
    S.UNDER_REVIEW: _("L'association porteuse étudie votre demande."),
    S.COMPLETION_REQUESTED: _("Complétez votre demande comme demandé, puis redéposez-la."),
    S.RESUBMITTED: _("L'association porteuse étudie vos compléments."),
    S.ELIGIBLE: _("Votre demande sera présentée à un prochain comité d'attribution."),
    S.INELIGIBLE: _("Votre demande n'a pas été retenue : lisez le motif dans l'historique."),
    S.ON_AGENDA: _("Venez présenter votre projet au comité d'attribution."),
    S.GRANTED: _("Votre subvention est accordée : l'acompte va être versé."),
    S.DEFERRED: _(
        "Le comité a ajourné sa décision : ajoutez ou modifiez ce qu'il demande, puis renvoyez votre demande."
    ),
    S.SENT_BACK: _("Votre demande est renvoyée : elle sera présentée à un prochain comité d'attribution."),
    S.REFUSED: _("Le comité a refusé votre demande : lisez le motif dans l'historique."),
    S.ADVANCE_PAID: _("Réalisez votre projet, puis déposez votre bilan."),
    S.BILAN_DUE: _("Déposez le bilan de votre projet."),
    S.BILAN_RECEIVED: _("L'association porteuse étudie votre bilan."),
    S.BILAN_ACCEPTED: _("Votre bilan est accepté : le solde de la subvention va être versé."),
    S.BALANCE_PAID: _("Le solde est versé : merci pour votre projet !"),
    S.CLOSED: _("Demande clôturée."),
    S.WITHDRAWN: _("Vous avez retiré cette demande."),
}

# What the holder of a CVS call request should do next (the call's programming committee, not a residents' vote);
# the states it does not name read NEXT_STEP_FOR_HOLDER.
NEXT_STEP_FOR_CVS_HOLDER = {
    S.ELIGIBLE: _("Votre projet est recevable : les financeurs donnent leur avis avant le comité de programmation."),
    S.GRANTED: _("Votre projet est programmé : chaque financeur vous notifie son montant et le verse."),
    S.REFUSED: _("Votre projet n'est pas programmé : lisez le motif dans l'historique."),
}
