"""Step 1: who carries the project (one of the user's holders, or a new one)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import rules
from applications.models import ASSOCIATION_ONLY_FIELDS, GROUP_ONLY_FIELDS, HOLDER_FIELDS, Holder
from core.forms import add_errors

NEW_HOLDER = "new"


class HolderChoiceForm(forms.Form):
    """Which holder carries the project: one of the user's, or a new one (then HolderForm is filled in)."""

    holder = forms.ChoiceField(
        label=_("Qui porte le projet ?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez qui porte le projet, ou créez un nouveau porteur.")},
    )

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.holders = {str(h.pk): h for h in holders}
        self.fields["holder"].choices = [
            *((pk, f"{h.name} ({h.get_kind_display()})") for pk, h in self.holders.items()),
            (NEW_HOLDER, _("Un nouveau groupe d'habitants ou une nouvelle association")),
        ]

    @property
    def wants_new_holder(self) -> bool:
        return self.cleaned_data.get("holder") == NEW_HOLDER

    def chosen_holder(self) -> Holder | None:
        return self.holders.get(self.cleaned_data.get("holder"))

    def clean_holder(self):
        value = self.cleaned_data["holder"]
        if value != NEW_HOLDER:
            errors = _prefixed(rules.check_holder(holder=self.holders[value]), "holder")
            if errors:
                errors["holder"].append(_("Corrigez ce porteur avec le formulaire « Modifier ce porteur », plus bas."))
            add_errors(self, errors)
        return value


def _prefixed(errors: dict, field: str) -> dict:
    """A holder's rule errors shown on the choice field (the user fixes them with « Modifier ce porteur »)."""
    return {field: [m for messages in errors.values() for m in messages]} if errors else {}


# The kind is asked first, in plain words; the page then shows only that kind's fields (holder_kind.js hides
# the other ones; without JavaScript both show, under « Si vous déposez pour… », and only the chosen kind's are read).
KIND_CHOICES = [
    (Holder.Kind.GROUP.value, _("Un groupe d'habitants")),
    (Holder.Kind.ASSOCIATION.value, _("Une association")),
]
FIELDS_OF_OTHER_KIND = {
    Holder.Kind.GROUP: (*ASSOCIATION_ONLY_FIELDS, "republican_commitment"),
    Holder.Kind.ASSOCIATION: GROUP_ONLY_FIELDS,
}


class HolderForm(forms.ModelForm):
    """A new holder: the group fields or the association fields, by kind (only the chosen kind's are read)."""

    republican_commitment = forms.BooleanField(
        label=_("Notre association s'engage à respecter le contrat d'engagement républicain."),
        required=False,
    )

    class Meta:
        model = Holder
        fields = list(HOLDER_FIELDS)
        labels = {
            "kind": _("Vous déposez pour : un groupe d'habitants ou une association ?"),
            "name": _("Nom du collectif ou de l'association"),
            "referent_name": _("Nom et prénom de la personne référente"),
            "referent_phone": _("Téléphone de la personne référente (facultatif)"),
            "co_holders_count": _("Nombre d'autres habitant·es qui portent le projet avec vous"),
            "co_holders_first_names": _("Leurs prénoms"),
            "siret": _("Numéro SIRET (14 chiffres)"),
            "rna": _("Numéro RNA (W suivi de 9 caractères)"),
            "address": _("Adresse du siège"),
            "postcode": _("Code postal"),
            "city": _("Ville"),
        }
        help_texts = {
            "co_holders_count": "",
            "co_holders_first_names": _("Séparés par des virgules, par exemple : Nadia, Karim."),
            "siret": _("Sur l'avis de situation INSEE de l'association. Indiquez le SIRET et/ou le numéro RNA."),
            "rna": _("Sur le récépissé de déclaration en préfecture, par exemple W595012345."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "co_holders_first_names": forms.Textarea(attrs={"rows": 2}),
            "referent_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "referent_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "siret": forms.TextInput(attrs={"inputmode": "numeric"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "republican_commitment" not in self.initial:
            self.initial["republican_commitment"] = self.instance.republican_commitment_accepted_at is not None
        self.fields["kind"].choices = KIND_CHOICES
        # Asked of groups only: rules.check_holder says so when it is missing.
        self.fields["co_holders_count"].required = False
        self.fields["co_holders_count"].widget.attrs.update({"inputmode": "numeric", "min": 0})
        self.fields["kind"].error_messages["required"] = _(
            "Indiquez pour qui vous déposez : un groupe d'habitants ou une association."
        )
        self.fields["name"].error_messages["required"] = _("Écrivez le nom du collectif ou de l'association.")
        self.fields["referent_name"].error_messages["required"] = _("Écrivez le nom de la personne référente.")

    def clean(self):
        cleaned = super().clean()
        # What was typed for the other kind is neither checked nor kept.
        for name in FIELDS_OF_OTHER_KIND.get(cleaned.get("kind"), ()):
            self._errors.pop(name, None)
            cleaned[name] = {"co_holders_count": 0, "republican_commitment": False}.get(name, "")
        candidate = Holder(
            **{name: value for name, value in cleaned.items() if name in self._meta.fields},
            republican_commitment_accepted_at=timezone.now() if cleaned.get("republican_commitment") else None,
        )
        errors = rules.check_holder(holder=candidate)
        # A field Django already refused (e.g. a missing name) keeps one message, not two.
        add_errors(self, {field: messages for field, messages in errors.items() if field not in self.errors})
        return cleaned
