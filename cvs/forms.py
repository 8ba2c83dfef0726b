"""The CVS request's forms (one per step), and the instruction and programming forms."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from applications.budget import ExpenseCategory, ResourceCategory
from core.forms import optional_text
from core.templatetags.portal_format import format_money
from cvs.models import CvsRequest, Opinion, StructureKind
from funds.models import CvsAmbition, Neighbourhood
from funds.validators import normalize_identifier, validate_siret

TEXTAREA = forms.Textarea(attrs={"rows": 4})
MONEY_FIELD = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class StructureForm(forms.Form):
    structure_kind = forms.ChoiceField(
        label=_("Type de structure"), choices=StructureKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Nom de la structure"), max_length=200)
    siret = optional_text(
        _("Numéro SIRET"),
        max_length=20,
        help_text=_("14 chiffres. Obligatoire pour une association (il figure sur l'avis de situation INSEE)."),
    )
    address = forms.CharField(label=_("Adresse"), max_length=255)
    postcode = forms.RegexField(
        label=_("Code postal"), regex=r"^\d{5}$", error_messages={"invalid": _("Le code postal compte 5 chiffres.")}
    )
    city = forms.CharField(label=_("Ville"), max_length=100)
    representative_name = forms.CharField(label=_("Représentant·e légal·e (nom et prénom)"), max_length=200)
    representative_role = forms.CharField(
        label=_("Sa fonction"), max_length=150, help_text=_("Par exemple : président·e, directeur·rice.")
    )
    referent_name = forms.CharField(label=_("Personne chargée du dossier (nom et prénom)"), max_length=200)
    referent_email = forms.EmailField(label=_("Son adresse e-mail"))
    referent_phone = optional_text(_("Son téléphone"), max_length=30)
    republican_commitment = forms.BooleanField(
        label=_("La structure souscrit au contrat d'engagement républicain"),
        required=False,
        help_text=_(
            "Décret 2021-1947 : la structure s'engage à le faire respecter par ses dirigeants, salariés, membres et "
            "bénévoles. Obligatoire pour une association ou un autre organisme à but non lucratif ; la date est "
            "enregistrée."
        ),
    )

    def clean_siret(self):
        value = normalize_identifier(self.cleaned_data.get("siret") or "")
        if value:
            validate_siret(value)
        return value


def _long_text(label) -> forms.CharField:
    """A required answer of a few paragraphs."""
    return forms.CharField(label=label, widget=TEXTAREA, max_length=5000)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Intitulé du projet"), max_length=200)
    description = _long_text(_("Présentation courte du projet"))
    diagnostic = _long_text(_("Diagnostic : quels besoins avez-vous repérés ?"))
    territorial_anchoring = _long_text(_("Ancrage territorial : votre présence et vos liens dans le quartier"))
    neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("Quartiers prioritaires concernés"),
        queryset=Neighbourhood.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Cochez un ou plusieurs quartiers."),
    )
    ambitions = forms.ModelMultipleChoiceField(
        label=_("Ambitions du contrat de ville (annexe 2)"),
        queryset=CvsAmbition.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Le projet doit répondre à au moins une ambition."),
    )
    target_public = _long_text(_("Public visé"))
    multi_year = forms.BooleanField(
        label=_("Projet pluriannuel : nous demandons une convention pluriannuelle d'objectifs (CPO)"), required=False
    )
    previous_request = forms.ModelChoiceField(
        label=_("Renouvellement : la demande financée l'an dernier"),
        queryset=CvsRequest.objects.none(),
        required=False,
        empty_label=_("Ce n'est pas un renouvellement"),
        help_text=_("Son bilan (annexe 3) devra être déposé avant cette demande."),
    )

    def __init__(self, *args, fund, previous_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        neighbourhoods = fund.neighbourhoods.all()
        self.fields["neighbourhoods"].queryset = (
            neighbourhoods if neighbourhoods.exists() else Neighbourhood.objects.all()
        )
        ambitions = fund.ambitions.select_related("stake")
        self.fields["ambitions"].queryset = (
            ambitions if ambitions.exists() else CvsAmbition.objects.select_related("stake")
        )
        self.fields["ambitions"].label_from_instance = lambda a: f"{a.stake.number}.{a.position} — {a.text}"
        self.fields["previous_request"].queryset = previous_queryset
        self.fields["previous_request"].label_from_instance = lambda a: f"{a.reference} — {a.title} ({a.fund.year})"


class CommitmentsForm(forms.Form):
    """The commitments step: six answers of a few paragraphs (`services.COMMITMENT_FIELDS`)."""

    LABELS = {
        "gender_objectives": _("Objectifs d'égalité femmes-hommes"),
        "gender_means": _("Moyens retenus pour y parvenir, et pourquoi"),
        "common_law_funding": _("Financements de droit commun déjà mobilisés"),
        "partnerships": _("Partenariats (structures et acteurs associés)"),
        "evaluation_indicators": _("Indicateurs d'évaluation retenus"),
        "evaluation_follow_up": _("Modalités de suivi et d'évaluation"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            self.fields[name] = _long_text(label)


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Compte"), choices=[])
    label = forms.CharField(label=_("Libellé"), max_length=200)
    amount = forms.DecimalField(label=_("Montant (€)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)

    def __init__(self, *args, side="expense", **kwargs):
        super().__init__(*args, **kwargs)
        choices = ExpenseCategory.choices if side == "expense" else ResourceCategory.choices
        self.fields["category"].choices = [("", "—")] + list(choices)


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=2, can_delete=True)


class FundingAskForm(forms.Form):
    """One amount field per funder of the call (`amount_<funder id>`)."""

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        self.funders = list(funders)
        for funder in self.funders:
            self.fields[f"amount_{funder.pk}"] = forms.DecimalField(
                label=_("Demandé à %(funder)s (€)") % {"funder": funder.name}, required=False, **MONEY_FIELD
            )

    def asks(self) -> dict[int, Decimal]:
        return {funder.pk: self.cleaned_data.get(f"amount_{funder.pk}") or Decimal("0") for funder in self.funders}


class SubmitForm(forms.Form):
    pass


class EligibilityForm(forms.Form):
    prefix = "recevabilite"
    ELIGIBLE, INELIGIBLE, COMPLETION = "eligible", "ineligible", "completion"
    decision = forms.ChoiceField(
        label=_("Recevabilité"),
        choices=[
            (ELIGIBLE, _("Recevable")),
            (INELIGIBLE, _("Non recevable")),
            (COMPLETION, _("Demander un complément au porteur")),
        ],
        widget=forms.RadioSelect,
    )
    comment = optional_text(
        _("Commentaire"),
        max_length=5000,
        rows=4,
        help_text=_("Obligatoire si la demande n'est pas recevable ou s'il manque quelque chose : le porteur le lira."),
    )


class OpinionForm(forms.Form):
    prefix = "avis"
    funder = forms.TypedChoiceField(label=_("Financeur"), coerce=int, choices=[])
    opinion = forms.ChoiceField(label=_("Avis"), choices=Opinion.choices, widget=forms.RadioSelect)
    comment = optional_text(_("Commentaire"), max_length=5000, rows=4)

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [(funder.pk, funder.name) for funder in funders]


class ProgrammingForm(forms.Form):
    prefix = "programmation"
    decided_on = forms.DateField(
        label=_("Date du comité de programmation"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    attendees = forms.CharField(
        label=_("Participant·es"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Les structures et personnes présentes, une par ligne."),
    )
    granted = forms.TypedChoiceField(
        label=_("Décision"),
        choices=[("1", _("Programmé")), ("0", _("Non programmé"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = optional_text(
        _("Commentaire"),
        max_length=5000,
        rows=4,
        help_text=_("Obligatoire si le projet n'est pas programmé : le porteur le lira."),
    )

    def __init__(self, *args, asks, **kwargs):
        super().__init__(*args, **kwargs)
        self.asks = list(asks)
        for ask in self.asks:
            self.fields[f"amount_{ask.funder_id}"] = forms.DecimalField(
                label=_("Montant programmé par %(funder)s (€)") % {"funder": ask.funder.name},
                required=False,
                help_text=_("Demandé : %(amount)s") % {"amount": format_money(ask.amount_asked)},
                **MONEY_FIELD,
            )

    def amounts(self) -> dict[int, Decimal]:
        return {ask.funder_id: self.cleaned_data.get(f"amount_{ask.funder_id}") or Decimal("0") for ask in self.asks}


class PaymentForm(forms.Form):
    prefix = "versement"
    funder = forms.TypedChoiceField(label=_("Financeur"), coerce=int, choices=[])
    amount = forms.DecimalField(
        label=_("Montant versé (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(
        label=_("Date du versement"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, asks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [(ask.funder_id, ask.funder.name) for ask in asks if ask.amount_programmed]
