"""The audit log in French (issue 17): each action code and object type with a French label, each summary written
for people ("Accordée → Acompte versé", "acompte de 480,00 € par virement", votes "pour / contre / abstention").

The log itself keeps its stable codes (`AuditEntry.action`, `target_type`, `summary`, `data`: append-only, read by
scripts and by the filters); this module only says them in French on the page. It sits in `portal`, on top of every
app, so that it may read each app's labels (request statuses and transitions, decision outcomes, vote choices,
payment kinds and methods) without any lower app knowing about it. An unknown code is shown as is, never hidden.
"""

from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.workflow import TRANSITIONS, Status
from committees.models import Decision, Payment, Vote
from core.templatetags.portal_format import format_money
from reports.workflow import BilanStatus

# Fixed action codes. Those built from a value (a transition, an outcome, a payment kind…) are in `action_label`.
ACTIONS = {
    "account.closed": gettext_lazy("Compte fermé"),
    "account.created": gettext_lazy("Compte créé"),
    "account.email_confirmed": gettext_lazy("Adresse e-mail confirmée"),
    "account.signup_existing": gettext_lazy("Inscription avec une adresse déjà connue"),
    "annual_report.save_narrative": gettext_lazy("Textes du rapport annuel enregistrés"),
    "api_token.created": gettext_lazy("Jeton d'API créé"),
    "api_token.revoked": gettext_lazy("Jeton d'API révoqué"),
    "application.add_attachment": gettext_lazy("Pièce jointe ajoutée à la demande"),
    "application.add_staff_note": gettext_lazy("Note interne ajoutée"),
    "application.delete_attachment": gettext_lazy("Pièce jointe supprimée de la demande"),
    "application.post_message": gettext_lazy("Message envoyé"),
    "application.record_criterion_check": gettext_lazy("Critère de recevabilité vérifié"),
    "application.save_budget": gettext_lazy("Budget de la demande enregistré"),
    "application.save_step": gettext_lazy("Étape de la demande enregistrée"),
    "application.showcase_consent": gettext_lazy("Accord pour la vitrine des projets"),
    "application.start_draft": gettext_lazy("Brouillon de demande commencé"),
    "applications.share_draft": gettext_lazy("Brouillon partagé"),
    "applications.unshare_draft": gettext_lazy("Partage du brouillon retiré"),
    "bilan.add_attachment": gettext_lazy("Justificatif ou photo ajouté au bilan"),
    "bilan.delete_attachment": gettext_lazy("Justificatif ou photo supprimé du bilan"),
    "bilan.reminder": gettext_lazy("Relance du bilan envoyée"),
    "bilan.save_expenses": gettext_lazy("Dépenses du bilan enregistrées"),
    "bilan.set_effects": gettext_lazy("Effets observés enregistrés"),
    "bundles.ready": gettext_lazy("Dossier ZIP prêt"),
    "bundles.request_application": gettext_lazy("Dossier ZIP d'une demande demandé"),
    "bundles.request_fund": gettext_lazy("Dossier ZIP d'un fonds demandé"),
    "committees.add_agenda_item": gettext_lazy("Demande inscrite à l'ordre du jour"),
    "committees.add_member": gettext_lazy("Membre ajouté au comité"),
    "committees.add_member_link": gettext_lazy("Lien d'un membre avec un porteur déclaré"),
    "committees.amend_decision": gettext_lazy("Décision rectifiée"),
    "committees.build_agenda": gettext_lazy("Ordre du jour préparé"),
    "committees.close_session": gettext_lazy("Séance clôturée"),
    "committees.correct_vote": gettext_lazy("Vote corrigé"),
    "committees.create_session": gettext_lazy("Séance créée"),
    "committees.declare_recusal": gettext_lazy("Déport d'un membre"),
    "committees.open_session": gettext_lazy("Séance ouverte"),
    "committees.record_attendance": gettext_lazy("Présence enregistrée"),
    "committees.record_vote": gettext_lazy("Vote enregistré"),
    "committees.remove_agenda_item": gettext_lazy("Demande retirée de l'ordre du jour"),
    "committees.send_convocations": gettext_lazy("Convocations envoyées"),
    "committees.start_vote": gettext_lazy("Vote ouvert"),
    "committees.update_member": gettext_lazy("Membre du comité modifié"),
    "cvsbilan.save_budget": gettext_lazy("Budget du bilan CVS enregistré"),
    "cvsbilan.save_objectives": gettext_lazy("Objectifs du bilan CVS enregistrés"),
    "cvsbilan.save_partners": gettext_lazy("Partenaires du bilan CVS enregistrés"),
    "fund.default_criteria": gettext_lazy("Grille de recevabilité du fonds créée"),
    "holder.create": gettext_lazy("Porteur de projet créé"),
    "holder.update": gettext_lazy("Porteur de projet modifié"),
    "outbox.resent": gettext_lazy("E-mail renvoyé"),
    "privacy.data_exported": gettext_lazy("Données personnelles téléchargées"),
    "privacy.purged": gettext_lazy("Données personnelles effacées"),
    "roles.committee_member_account_changed": gettext_lazy("Compte d'un membre du comité changé"),
    "roles.committee_member_added": gettext_lazy("Membre du comité ajouté"),
    "roles.committee_member_removed": gettext_lazy("Membre du comité retiré"),
    "webhooks.create_endpoint": gettext_lazy("Webhook créé"),
    "webhooks.disable_endpoint": gettext_lazy("Webhook désactivé"),
    "webhooks.enable_endpoint": gettext_lazy("Webhook activé"),
    "webhooks.replay_delivery": gettext_lazy("Envoi de webhook rejoué"),
    "webhooks.update_endpoint": gettext_lazy("Webhook modifié"),
}

# A request's transitions, said as what happened (the workflow's labels say what to do: "Verser l'acompte").
TRANSITION_DONE = {
    "submit": gettext_lazy("Demande déposée"),
    "resubmit": gettext_lazy("Demande complétée et redéposée"),
    "send_back": gettext_lazy("Demande renvoyée après ajournement"),
    "program": gettext_lazy("Demande programmée (montant par financeur)"),
    "not_program": gettext_lazy("Demande non programmée"),
    "withdraw": gettext_lazy("Demande retirée par le porteur"),
    "start_review": gettext_lazy("Instruction commencée"),
    "request_completion": gettext_lazy("Complément demandé"),
    "declare_eligible": gettext_lazy("Demande déclarée recevable"),
    "declare_ineligible": gettext_lazy("Demande déclarée non recevable"),
    "put_on_agenda": gettext_lazy("Demande inscrite à l'ordre du jour"),
    "remove_from_agenda": gettext_lazy("Demande retirée de l'ordre du jour"),
    "grant": gettext_lazy("Subvention accordée"),
    "defer": gettext_lazy("Demande ajournée"),
    "refuse": gettext_lazy("Demande refusée"),
    "pay_advance": gettext_lazy("Acompte versé"),
    "receive_bilan": gettext_lazy("Bilan reçu"),
    "return_bilan": gettext_lazy("Bilan renvoyé au porteur"),
    "accept_bilan": gettext_lazy("Bilan accepté"),
    "pay_balance": gettext_lazy("Solde versé"),
    "close": gettext_lazy("Demande clôturée"),
}

BILAN_ACTIONS = {
    "accept": gettext_lazy("Bilan accepté"),
    "return": gettext_lazy("Bilan renvoyé au porteur"),
    "start": gettext_lazy("Bilan commencé"),
    "save": gettext_lazy("Bilan enregistré"),
    "submit": gettext_lazy("Bilan déposé"),
}

ROLES = {
    "association_staff": gettext_lazy("équipe d'une association porteuse"),
    "funder_staff": gettext_lazy("agent d'un cofinanceur"),
    "superuser": gettext_lazy("administrateur du site"),
    "staff": gettext_lazy("accès à l'administration"),
}

PAYMENT_DONE = {Payment.Kind.ADVANCE: gettext_lazy("Acompte versé"), Payment.Kind.BALANCE: gettext_lazy("Solde versé")}
DECISION_DONE = {
    Decision.Outcome.GRANTED: gettext_lazy("Décision : subvention accordée"),
    Decision.Outcome.DEFERRED: gettext_lazy("Décision : demande ajournée"),
    Decision.Outcome.REFUSED: gettext_lazy("Décision : demande refusée"),
}
_TRANSITION_SLUGS = {transition.slug for transition in TRANSITIONS}


def _role(code: str) -> str:
    return str(ROLES.get(code, code.replace("_", " ")))


def action_label(action: str) -> str:
    """The French label of an action code; the code itself when it is unknown."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    head, _dot, tail = action.partition(".")
    if head == "application" and tail in TRANSITION_DONE:
        return str(TRANSITION_DONE[tail])
    if head == "application" and tail in _TRANSITION_SLUGS:
        return str(next(t.label for t in TRANSITIONS if t.slug == tail))
    if head in ("bilan", "cvsbilan") and tail in BILAN_ACTIONS:
        label = str(BILAN_ACTIONS[tail])
        return label if head == "bilan" else _("%(label)s (CVS)") % {"label": label}
    if action.startswith("committees.record_payment."):
        return str(PAYMENT_DONE.get(action.rsplit(".", 1)[1], action))
    if action.startswith("committees.decide."):
        return str(DECISION_DONE.get(action.rsplit(".", 1)[1], action))
    if head == "roles":
        for suffix, template in (
            ("_added", _("Rôle ajouté : %(role)s")),
            ("_removed", _("Rôle retiré : %(role)s")),
            ("_granted", _("Droit accordé : %(role)s")),
            ("_revoked", _("Droit retiré : %(role)s")),
        ):
            if tail.endswith(suffix):
                return template % {"role": _role(tail.removesuffix(suffix))}
    return action


def target_label(target_type: str) -> str:
    """The French name of an object type ("applications.application" -> "Demande"), from the model's own name."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return str(model._meta.verbose_name).capitalize()


def _status(code) -> str:
    for choices in (Status, BilanStatus):
        if code in choices.values:
            return str(choices(code).label)
    return str(code)


def _choice(choices, code) -> str:
    return str(choices(code).label) if code in choices.values else str(code)


def _money(value) -> str:
    try:
        return format_money(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def _reference(summary: str) -> str:
    """The request's reference that starts a summary ("PIC-2025-0001: …"), or ""."""
    head, sep, _rest = summary.partition(": ")
    return head if sep and " " not in head else ""


def _with_reference(summary: str, text: str) -> str:
    reference = _reference(summary)
    return f"{reference} : {text}" if reference else text


def _votes(votes: dict) -> str:
    return _("votes : %(for)s pour, %(against)s contre, %(abstain)s abstention") % {
        "for": votes.get("for", 0),
        "against": votes.get("against", 0),
        "abstain": votes.get("abstain", 0),
    }


def summary_text(entry) -> str:
    """The entry's summary for people: statuses, outcomes, votes, kinds and amounts in French. Free text typed by
    people (a comment, a name) is kept as written."""
    action, data, summary = entry.action, entry.data or {}, entry.summary or ""
    if action.startswith("application.") and "from" in data and "to" in data:
        text = f"{_status(data['from'])} → {_status(data['to'])}"
        if data.get("comment"):
            text += " — " + _("commentaire : %(comment)s") % {"comment": data["comment"]}
        return text
    if action.startswith("committees.decide."):
        outcome = _choice(Decision.Outcome, action.rsplit(".", 1)[1])
        parts = [outcome]
        if data.get("amount") and action.endswith(".granted"):
            parts.append(_money(data["amount"]))
        if isinstance(data.get("votes"), dict):
            parts.append(_votes(data["votes"]))
        return _with_reference(summary, ", ".join(parts))
    if action.startswith("committees.record_payment."):
        text = _("%(kind)s de %(amount)s par %(method)s") % {
            "kind": _choice(Payment.Kind, data.get("kind", "")),
            "amount": _money(data.get("amount", "")),
            "method": _choice(Payment.Method, data.get("method", "")).lower(),
        }
        return _with_reference(summary, text)
    if action == "committees.record_vote" and "choice" in data:
        name = summary.rpartition(": ")[0]
        choice = _choice(Vote.Choice, data["choice"]).lower()
        return f"{name} : {choice}" if name else choice
    if action == "committees.correct_vote" and "before" in data and "after" in data:
        name = summary.rpartition(": ")[0]
        change = f"{_choice(Vote.Choice, data['before']).lower()} → {_choice(Vote.Choice, data['after']).lower()}"
        return f"{name} : {change}" if name else change
    return summary


def action_choices(codes) -> list[tuple[str, str]]:
    """The filter's choices: each action code present, labelled in French, sorted by label."""
    return sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1].casefold())


def target_choices(codes) -> list[tuple[str, str]]:
    return sorted(((code, target_label(code)) for code in codes), key=lambda pair: pair[1].casefold())
