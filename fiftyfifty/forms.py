"""Forms of the fifty/fifty path: plain French labels, one question at a time where it helps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField, optional_text
from fiftyfifty.models import Builder, Commitment, Initiative, Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IdeaForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "idea", "place", "carried_by", "contact_phone"]
        labels = {"title": _("Le nom de votre projet"), "idea": _("Votre idée : que voulez-vous faire, avec qui ?")}
        help_texts = {"contact_phone": _("Facultatif : la mairie vous appellera pour une première rencontre.")}
        widgets = {"idea": forms.Textarea(attrs={"rows": 6})}


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date de la rencontre"), widget=DATE)
    attendees = optional_text(_("Participants"), max_length=300)
    notes = forms.CharField(label=_("Compte rendu"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))


class CommitmentForm(forms.Form):
    # An empty first choice, so that a blank extra line is left alone instead of being validated.
    side = forms.ChoiceField(label=_("Qui s'engage"), choices=[("", _("— choisir —")), *Commitment.Side.choices])
    kind = forms.ChoiceField(label=_("Nature"), choices=[("", _("— choisir —")), *Commitment.Kind.choices])
    description = forms.CharField(label=_("Description"), max_length=500)
    value = MoneyField(
        label=_("Valeur estimée (€)"), min_value=0, max_digits=10, decimal_places=2, required=False, localize=True
    )

    def clean_value(self):
        return self.cleaned_data["value"] or 0

    def clean(self):
        data = super().clean()
        side, kind = data.get("side"), data.get("kind")
        if side and kind and kind not in Commitment.KINDS_BY_SIDE[side]:
            self.add_error(
                "kind",
                _(
                    "Les habitants apportent des tâches, du temps bénévole ou du matériel ; la commune du conseil, "
                    "un appui technique ou financier."
                ),
            )
        return data


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=2, can_delete=True, max_num=30, validate_max=True)


class ConventionForm(forms.Form):
    starts_on = forms.DateField(label=_("Début de la convention"), widget=DATE)
    ends_on = forms.DateField(label=_("Fin de la convention"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("La fin de la convention doit suivre son début."))
        return data


class SignatureForm(forms.Form):
    name = forms.CharField(label=_("Votre nom et prénom"), max_length=150)
    role_title = forms.CharField(
        label=_("À quel titre signez-vous ?"),
        max_length=150,
        help_text=_("Par exemple : « habitante, pour le groupe » ou « adjoint au maire »."),
    )
    accepted = forms.BooleanField(
        label=_("J'ai lu la convention et je m'engage à respecter ce qu'elle prévoit."), required=True
    )


class PaperSignatureForm(forms.Form):
    signed_on = forms.DateField(label=_("Date de signature"), widget=DATE)
    residents_name = optional_text(_("Nom de la personne qui a signé pour les habitants"), max_length=150)
    residents_role = optional_text(_("Sa qualité"), max_length=150)
    commune_name = optional_text(_("Nom de la personne qui a signé pour la commune"), max_length=150)
    commune_role = optional_text(_("Sa qualité"), max_length=150)
    signed_copy = forms.FileField(
        label=_("Exemplaire signé (scan ou photo)"),
        help_text=_("PDF, JPEG ou PNG. Il sera conservé avec la convention."),
    )


class OutcomeForm(forms.Form):
    carried_out_on = forms.DateField(label=_("Date de réalisation"), widget=DATE)
    outcome = forms.CharField(
        label=_("Ce qui a été réalisé"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    residents_involved = forms.IntegerField(label=_("Nombre d'habitants impliqués"), min_value=0, max_value=100000)
    is_public = forms.BooleanField(
        label=_("Présenter le projet sur la vitrine de la commune"), required=False, initial=True
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Pourquoi ?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = ["title", "description", "carried_by", "happened_on", "place", "residents_involved"]
        labels = {"description": _("Ce que vous avez fait")}
        widgets = {"happened_on": DATE, "description": forms.Textarea(attrs={"rows": 5})}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Réponse"),
        choices=[("validate", _("Valider et publier")), ("reject", _("Ne pas retenir"))],
        widget=forms.RadioSelect,
    )
    comment = optional_text(
        _("Message au déclarant"), max_length=500, help_text=_("Obligatoire si l'initiative n'est pas retenue."), rows=3
    )


class BuilderForm(forms.ModelForm):
    projects = forms.ModelMultipleChoiceField(
        label=_("Les projets auxquels vous avez participé"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Les initiatives auxquelles vous avez participé"),
        queryset=Initiative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Builder
        fields = ["name", "email", "phone", "wishes", "contact_consent"]
        labels = {"contact_consent": _("J'accepte que la mairie me recontacte pour de prochains projets.")}
        widgets = {"wishes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_consent"].required = True
        self.fields["projects"].queryset = Project.objects.showcased().filter(fund__association=association)
        self.fields["initiatives"].queryset = Initiative.objects.showcased().filter(fund__association=association)
