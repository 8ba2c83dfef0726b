"""Forms of the committee pages. Thin: fields and French labels here, rules in `committees.services`.

Nothing here saves: views hand `cleaned_data` to the services. Choices come from lists the view has
already loaded, so that rendering a page with many forms runs no query.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms import SelectionIdsField, money_field
from committees.models import CommitteeMember, Decision, Payment, Vote
from core.forms import optional_text


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _offer(form, field: str, objects, label, *, empty="—") -> dict:
    """Offer `objects` as the choices of the form's `field`: an empty choice first, then `label(obj)` for each.
    Returns {pk: obj}, to read the chosen object back."""
    offered = {obj.pk: obj for obj in objects}
    form.fields[field].choices = [("", empty)] + [(pk, label(obj)) for pk, obj in offered.items()]
    return offered


def _pick(label, *, required) -> forms.TypedChoiceField:
    """A required choice of one object by its id (the choices: `_offer`); `required` says what to choose."""
    return forms.TypedChoiceField(label=label, coerce=int, error_messages={"required": required})


def _text_area(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date de la séance"), widget=_date_input())
    time = forms.TimeField(label=_("Heure"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(
        label=_("Lieu"), max_length=255, help_text=_("Par exemple : salle polyvalente, 12 rue de l'Épeule, Roubaix.")
    )


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Nom et prénom"), max_length=200)
    college = forms.ChoiceField(label=_("Collège"), choices=CommitteeMember.College.choices)
    organisation = optional_text(
        _("Structure représentée"),
        max_length=200,
        help_text=_("Association, bailleur, collectivité... Laissez vide pour un·e habitant·e."),
    )
    mandate_start = forms.DateField(label=_("Début du mandat"), widget=_date_input())
    mandate_end = forms.DateField(
        label=_("Fin du mandat"),
        required=False,
        widget=_date_input(),
        help_text=_("Laissez vide si elle n'est pas fixée."),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail pour la convocation"),
        required=False,
        help_text=_("Pour un membre sans compte sur le portail."),
    )
    postal_address = optional_text(
        _("Adresse postale"),
        max_length=500,
        help_text=_(
            "Facultative. Pour un membre sans adresse e-mail : elle figure sur sa lettre de convocation à imprimer."
        ),
        rows=3,
    )
    account_email = forms.EmailField(
        label=_("Compte sur le portail (adresse e-mail du compte)"),
        required=False,
        help_text=_(
            "Son adresse e-mail personnelle. Si elle a déjà un compte sur le portail, il est relié au membre ; "
            "sinon, la personne reçoit une invitation à en créer un avec cette adresse, relié dès qu'elle l'a "
            "confirmée. Le membre pourra alors consulter les séances de son comité."
        ),
    )


class MemberLinkForm(forms.Form):
    holder = forms.TypedChoiceField(label=_("Porteur de projet"), coerce=int, required=False, empty_value=None)
    holder_name = optional_text(
        _("Ou nom du porteur ou de l'association"),
        max_length=200,
        help_text=_("Si le porteur n'a pas encore déposé de demande dans ce fonds."),
    )
    reason = forms.CharField(
        label=_("Nature du lien"), max_length=300, help_text=_("Par exemple : membre du bureau, famille.")
    )

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.holders = _offer(
            self, "holder", holders, lambda holder: holder.name, empty=_("— Aucun, je saisis un nom —")
        )

    def chosen_holder(self):
        return self.holders.get(self.cleaned_data.get("holder"))


class AddItemForm(forms.Form):
    application = _pick(_("Demande à inscrire"), required=_("Choisissez la demande à inscrire à l'ordre du jour."))
    invited_to_present = forms.BooleanField(
        label=_("Inviter le porteur à venir présenter son projet"), required=False, initial=True
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, prefix="ajout", **kwargs)
        self.candidates = _offer(
            self,
            "application",
            candidates,
            lambda application: (
                f"{application.display_reference} — {application.title} — "
                f"{application.holder.name if application.holder else ''}"
            ),
        )

    def chosen_application(self):
        return self.candidates.get(self.cleaned_data.get("application"))


class AgendaSelectionForm(forms.Form):
    """The inbox's selection, put on the agenda of one planned session (the choices: `sessions_for_selection`)."""

    # Its fields sit in the inbox's one form, beside the other actions: the browser must not require a session
    # to assign or export (the server says what is missing, in French).
    use_required_attribute = False

    demandes = SelectionIdsField(
        label=_("Demandes cochées"),
        error_messages={"required": _("Cochez au moins une demande dans la liste, puis choisissez l'action.")},
    )
    seance = forms.TypedChoiceField(
        label=_("Séance du comité"),
        coerce=int,
        error_messages={
            "required": _("Choisissez la séance à laquelle inscrire les demandes cochées."),
            "invalid_choice": _("Cette séance n'est plus prévue : rechargez la page et choisissez-en une autre."),
        },
    )
    invited_to_present = forms.BooleanField(
        label=_("Inviter les porteurs à venir présenter leur projet"), required=False, initial=True
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = _offer(self, "seance", sessions, session_label)

    def chosen_session(self):
        return self.sessions.get(self.cleaned_data.get("seance"))


def session_label(session) -> str:
    return _("%(committee)s — séance du %(date)s") % {
        "committee": session.committee.name,
        "date": session.date.strftime("%d/%m/%Y"),
    }


class AttendanceForm(forms.Form):
    """The attendance register: one checkbox per member whose mandate covers the session's date."""

    def __init__(self, *args, members, attendance, **kwargs):
        super().__init__(*args, prefix="presence", **kwargs)
        self.members = members
        for member in members:
            record = attendance.get(member.pk)
            self.fields[f"member_{member.pk}"] = forms.BooleanField(
                label=member.full_name, required=False, initial=bool(record and record.present)
            )
            self.fields[f"excused_{member.pk}"] = forms.BooleanField(
                label=_("%(member)s est excusé·e") % {"member": member.full_name},
                required=False,
                initial=bool(record and record.excused),
            )

    def rows(self):
        """(member, bound field "present", bound field "excused") for each member, in the register's order."""
        return [(member, self[f"member_{member.pk}"], self[f"excused_{member.pk}"]) for member in self.members]

    def presence(self) -> dict:
        """{member: present} as ticked."""
        return {member: self.cleaned_data[f"member_{member.pk}"] for member in self.members}

    def excused(self) -> set:
        """The members ticked "excusé·e" (absent with apologies; ignored for a member ticked present)."""
        return {member for member in self.members if self.cleaned_data[f"excused_{member.pk}"]}


class RecusalForm(forms.Form):
    member = _pick(_("Membre qui se déporte"), required=_("Choisissez le membre qui se déporte."))
    reason = forms.CharField(
        label=_("Motif du déport"),
        max_length=300,
        help_text=_("Par exemple : membre de l'association porteuse du projet."),
        error_messages={"required": _("Indiquez le motif du déport.")},
    )

    def __init__(self, *args, item, members, **kwargs):
        super().__init__(*args, prefix=f"deport-{item.pk}", **kwargs)
        self.members = _offer(self, "member", members, lambda member: member.full_name)

    def chosen_member(self):
        return self.members.get(self.cleaned_data.get("member"))


class VoteForm(forms.Form):
    """One radio group per voter (present, voting, not recused). A vote already recorded is shown, not changed."""

    def __init__(self, *args, item, voters, votes_by_member, **kwargs):
        super().__init__(*args, prefix=f"vote-{item.pk}", **kwargs)
        self.voters = voters
        for member in voters:
            recorded = votes_by_member.get(member.pk)
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=member.full_name,
                choices=Vote.Choice.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=recorded.choice if recorded else None,
                disabled=recorded is not None,
            )

    def rows(self):
        return [(member, self[f"member_{member.pk}"]) for member in self.voters]

    def clean(self):
        cleaned = super().clean()
        if self.voters and not any(cleaned.get(f"member_{member.pk}") for member in self.voters):
            raise forms.ValidationError(_("Cochez le vote d'au moins un membre."))
        return cleaned

    def choices(self) -> list:
        """[(member, choice)] for each member with a choice; a vote already recorded comes back unchanged."""
        return [
            (member, self.cleaned_data[f"member_{member.pk}"])
            for member in self.voters
            if self.cleaned_data.get(f"member_{member.pk}")
        ]


class VoteCorrectionForm(forms.Form):
    """Correct one recorded vote (a mis-click), until the decision."""

    member = _pick(
        _("Membre dont le vote est à corriger"), required=_("Choisissez le membre dont le vote a été mal saisi.")
    )
    choice = forms.ChoiceField(
        label=_("Vote corrigé"),
        choices=Vote.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le vote corrigé : pour, contre ou abstention.")},
    )
    reason = optional_text(
        _("Motif de la correction (facultatif)"),
        max_length=300,
        help_text=_("Par exemple : le membre avait levé la main contre. Le motif figure au procès-verbal."),
    )

    def __init__(self, *args, item, votes, **kwargs):
        super().__init__(*args, prefix=f"correction-{item.pk}", **kwargs)
        self.members = {vote.member_id: vote.member for vote in votes}
        self.fields["member"].choices = [("", "—")] + [
            (vote.member_id, f"{vote.member.full_name} ({vote.get_choice_display()})") for vote in votes
        ]

    def chosen_member(self):
        return self.members.get(self.cleaned_data.get("member"))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Décision du comité"),
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la décision : accordée, ajournée ou refusée.")},
    )
    amount = money_field(
        _("Montant accordé (€)"),
        required=False,
        help_text=_("Seulement pour une subvention accordée : le montant demandé est proposé, il peut être réduit."),
    )
    conditions = optional_text(
        _("Conditions"),
        max_length=3000,
        help_text=_("Seulement pour une subvention accordée, par exemple : présenter les factures avant le solde."),
        rows=2,
    )
    reason = optional_text(
        _("Motif"),
        max_length=3000,
        help_text=_("Obligatoire pour un ajournement ou un refus : il figure dans le courrier au porteur."),
        rows=2,
    )

    def __init__(self, *args, item, amount_requested, **kwargs):
        super().__init__(*args, prefix=f"decision-{item.pk}", initial={"amount": amount_requested}, **kwargs)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        granted = data["outcome"] == Decision.Outcome.GRANTED
        return {
            "outcome": data["outcome"],
            "amount": data.get("amount") if granted else None,
            "conditions": data.get("conditions", ""),
            "reason": data.get("reason", ""),
        }


class AmendmentForm(forms.Form):
    amount = money_field(_("Montant accordé (€)"), required=False)
    conditions = optional_text(_("Conditions"), max_length=3000, rows=2)
    decision_reason = optional_text(_("Motif de la décision"), max_length=3000, rows=2)
    reason = forms.CharField(
        label=_("Pourquoi rectifier ?"),
        max_length=3000,
        widget=_text_area(2),
        help_text=_("Obligatoire : la rectification et son motif figurent sous la décision et dans le procès-verbal."),
        error_messages={"required": _("Indiquez le motif de la rectification.")},
    )

    def __init__(self, *args, decision, **kwargs):
        """`decision` is the effective decision (after earlier amendments): the form starts from it."""
        self.granted = decision.outcome == Decision.Outcome.GRANTED
        initial = {"decision_reason": decision.reason}
        if self.granted:
            initial.update(amount=decision.amount, conditions=decision.conditions)
        super().__init__(*args, prefix=f"rectif-{decision.decision.item_id}", initial=initial, **kwargs)
        if not self.granted:
            del self.fields["amount"]
            del self.fields["conditions"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"reason": data["reason"], "decision_reason": data.get("decision_reason", "")}
        if self.granted:
            kwargs.update(amount=data.get("amount"), conditions=data.get("conditions", ""))
        return kwargs


class PaymentForm(forms.Form):
    application = _pick(_("Demande"), required=_("Choisissez la demande concernée."))
    kind = forms.ChoiceField(label=_("Type de versement"), choices=Payment.Kind.choices, widget=forms.RadioSelect)
    paid_on = forms.DateField(label=_("Versé le"), widget=_date_input())
    method = forms.ChoiceField(label=_("Mode de paiement"), choices=Payment.Method.choices)
    reference = optional_text(
        _("Référence du paiement"), max_length=100, help_text=_("Numéro de chèque, référence du virement...")
    )
    amount = money_field(
        _("Montant (€)"),
        required=False,
        help_text=_(
            "Proposé : l'acompte prévu par le fonds, ou le reste dû pour le solde. Laissez vide pour ce montant."
        ),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = _offer(self, "application", lines, lambda line: f"{line.display_reference} — {line.title}")

    def chosen_application(self):
        return self.lines.get(self.cleaned_data.get("application"))


class CommitteeSettingsForm(forms.Form):
    """Who signs the decision letters and the minutes, and what the letters say about an appeal."""

    signatory_name = optional_text(
        _("Nom et prénom de la personne qui signe les courriers"),
        max_length=200,
        help_text=_("Par exemple : Fatima Exemple. Laissez vide : les courriers sont signés au nom de l'association."),
    )
    signatory_role = optional_text(_("Sa fonction"), max_length=200, help_text=_("Par exemple : présidente du comité."))
    chair = forms.TypedChoiceField(
        label=_("Président ou présidente du comité"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Un membre votant du comité. Il ou elle signe le procès-verbal."),
        error_messages={"invalid_choice": _("Choisissez le président ou la présidente dans la liste des membres.")},
    )
    secretary_name = optional_text(
        _("Nom et prénom du ou de la secrétaire de séance"),
        max_length=200,
        help_text=_("Il ou elle signe le procès-verbal avec le président ou la présidente."),
    )
    secretary_role = optional_text(
        _("Fonction du ou de la secrétaire de séance"),
        max_length=200,
        help_text=_("Par exemple : chargée de mission de l'association."),
    )
    appeal_text = optional_text(
        _("Voie de recours écrite dans les courriers de refus ou de montant réduit"),
        max_length=2000,
        help_text=_(
            "À qui écrire et dans quel délai pour demander un nouvel examen. Laissez vide pour le texte habituel : "
            "un délai de deux mois, à l'adresse de l'association."
        ),
        rows=4,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = _offer(self, "chair", members, lambda member: member.full_name, empty=_("— Aucun·e —"))

    def chosen_chair(self):
        return self.members.get(self.cleaned_data.get("chair"))
