"""Forms of the request (one per step). Thin: fields and French labels here, rules in `applications.rules`.

Nothing here saves: views hand `cleaned_data` to `applications.services`.
"""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import rules
from applications.budget import ExpenseCategory, GrantSource, ResourceCategory
from applications.models import Application, Attachment, BudgetLine, Holder, Message, StaffNote
from core.forms import add_errors
from core.money import CENT
from core.uploads import check_uploaded_file

NEW_HOLDER = "new"
MONEY_ERRORS = {
    "invalid": _("Écrivez un montant en euros, en chiffres, par exemple 120 ou 120,50."),
    "min_value": _("Le montant doit être supérieur à zéro : écrivez par exemple 120 ou 120,50."),
    "max_value": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
    "max_decimal_places": _("Indiquez au plus 2 chiffres après la virgule (les centimes)."),
    "max_digits": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
    "max_whole_digits": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
}


def money_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=CENT,
        max_value=Decimal("1000000"),
        localize=True,
        error_messages=MONEY_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "text-end"}),
        **kwargs,
    )


# --- Step 1: holder ----------------------------------------------------------------------------


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
            (NEW_HOLDER, _("Un nouveau collectif ou une nouvelle association")),
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


class HolderForm(forms.ModelForm):
    """A new holder: the group fields or the association fields, by kind."""

    republican_commitment = forms.BooleanField(
        label=_("Notre association s'engage à respecter le contrat d'engagement républicain."),
        required=False,
    )

    class Meta:
        model = Holder
        fields = [
            "kind",
            "name",
            "referent_name",
            "referent_phone",
            "co_holders_count",
            "co_holders_first_names",
            "siret",
            "rna",
            "address",
            "postcode",
            "city",
        ]
        labels = {
            "kind": _("Vous êtes"),
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
        self.fields["kind"].choices = Holder.Kind.choices
        # Asked of groups only: rules.check_holder says so when it is missing.
        self.fields["co_holders_count"].required = False
        self.fields["co_holders_count"].widget.attrs.update({"inputmode": "numeric", "min": 0})
        self.fields["kind"].error_messages["required"] = _("Indiquez si vous êtes un collectif ou une association.")
        self.fields["name"].error_messages["required"] = _("Écrivez le nom du collectif ou de l'association.")
        self.fields["referent_name"].error_messages["required"] = _("Écrivez le nom de la personne référente.")

    def clean(self):
        cleaned = super().clean()
        candidate = Holder(
            **{name: value for name, value in cleaned.items() if name in self._meta.fields},
            republican_commitment_accepted_at=timezone.now() if cleaned.get("republican_commitment") else None,
        )
        errors = rules.check_holder(holder=candidate)
        # A field Django already refused (e.g. a missing name) keeps one message, not two.
        add_errors(self, {field: messages for field, messages in errors.items() if field not in self.errors})
        return cleaned


# --- Step 2: project ---------------------------------------------------------------------------


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["title", "theme", "ambition", "objectives", "description"]
        labels = {
            "title": _("Titre du projet"),
            "theme": _("Thématique"),
            "ambition": _("Ambition du contrat de ville"),
            "objectives": _("Objectifs : à quoi va servir le projet ?"),
            "description": _("Description : que allez-vous faire, avec qui, comment ?"),
        }
        help_texts = {
            "title": _(
                "En quelques mots, par exemple « Fête des voisins de la rue de la Paix » (200 caractères au plus)."
            ),
            "theme": _("Choisissez la thématique qui correspond le mieux à votre projet."),
        }
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4}), "description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = fund.themes.filter(is_active=True)
        self.fields["theme"].empty_label = _("— Choisissez une thématique —")
        self.fields["theme"].error_messages["invalid_choice"] = _("Choisissez une thématique de la liste.")
        if fund.scheme == fund.Scheme.CVS:
            self.fields["ambition"].queryset = fund.ambitions.select_related("stake")
            self.fields["ambition"].empty_label = _("— Choisissez une ambition —")
        else:
            del self.fields["ambition"]


# --- Step 3: when and where --------------------------------------------------------------------


class WhenWhereForm(forms.ModelForm):
    """Dates and times as separate HTML date and time inputs; `clean()` joins them into starts_at / ends_at."""

    error_aliases = {"starts_at": "start_date", "ends_at": "end_date"}

    start_date = forms.DateField(
        label=_("Date de début"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Heure de début"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_date = forms.DateField(
        label=_("Date de fin"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_time = forms.TimeField(
        label=_("Heure de fin"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    class Meta:
        model = Application
        fields = ["start_date", "start_time", "end_date", "end_time", "place", "neighbourhood"]
        labels = {"place": _("Lieu"), "neighbourhood": _("Quartier")}
        help_texts = {
            "place": _("Adresse ou nom du lieu, par exemple « Square de la Paix, Roubaix »."),
            "neighbourhood": _("Le quartier prioritaire où le projet a lieu."),
        }

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.fields["neighbourhood"].queryset = fund.neighbourhoods.all()
        self.fields["neighbourhood"].empty_label = _("— Choisissez un quartier —")
        self.fields["neighbourhood"].error_messages["invalid_choice"] = _("Choisissez un quartier de la liste.")
        for name in ("start_date", "end_date"):
            self.fields[name].error_messages["invalid"] = _("Écrivez une date, par exemple 14/06/2025.")
        for name in ("start_time", "end_time"):
            self.fields[name].error_messages["invalid"] = _("Écrivez une heure, par exemple 14:30.")
        instance = self.instance
        for prefix, value in (("start", instance.starts_at), ("end", instance.ends_at)):
            if value:
                local = timezone.localtime(value)
                self.initial.setdefault(f"{prefix}_date", local.date())
                self.initial.setdefault(f"{prefix}_time", local.time().replace(second=0, microsecond=0))

    def _join(self, prefix: str) -> datetime.datetime | None:
        day, hour = self.cleaned_data.get(f"{prefix}_date"), self.cleaned_data.get(f"{prefix}_time")
        if f"{prefix}_date" in self.errors or f"{prefix}_time" in self.errors:
            return None
        if day is None and hour is not None:
            self.add_error(f"{prefix}_date", _("Indiquez aussi la date, par exemple 14/06/2025."))
        elif day is not None and hour is None:
            self.add_error(f"{prefix}_time", _("Indiquez aussi l'heure, par exemple 14:30."))
        if day is None or hour is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, hour))

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = self._join("start"), self._join("end")
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        if starts_at or ends_at:
            add_errors(self, rules.check_dates(fund=self.fund, starts_at=starts_at, ends_at=ends_at))
        for name in ("start_date", "start_time", "end_date", "end_time"):
            cleaned.pop(name, None)
        return cleaned


# --- Step 4: people ----------------------------------------------------------------------------


class PeopleForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["expected_public", "expected_women", "expected_men", "residents_mobilised"]
        labels = {
            "expected_public": _("Public attendu : qui va venir ?"),
            "expected_women": _("Nombre de femmes attendues"),
            "expected_men": _("Nombre d'hommes attendus"),
            "residents_mobilised": _("Nombre d'habitant·es qui aident à organiser"),
        }
        help_texts = {
            "expected_public": _("Par exemple : familles du quartier, enfants de 6 à 12 ans, personnes âgées."),
            "expected_women": _("Une estimation suffit."),
            "expected_men": _("Une estimation suffit."),
        }
        widgets = {"expected_public": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("expected_women", "expected_men", "residents_mobilised"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})
            self.fields[name].error_messages.update(
                {
                    "invalid": _("Écrivez un nombre entier, par exemple 25."),
                    "min_value": _("Écrivez un nombre positif ou 0."),
                }
            )


# --- Step 5: budget ----------------------------------------------------------------------------


class BudgetLineForm(forms.ModelForm):
    """One budget line; a line left blank (no label, no amount) is ignored."""

    amount = money_field(_("Montant (€)"))

    class Meta:
        model = BudgetLine
        fields = ["category", "grant_source", "label", "amount"]
        labels = {"category": _("Catégorie"), "grant_source": _("Financeur"), "label": _("Libellé")}

    side = None
    category_choices: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = self.category_choices
        self.fields["amount"].widget.attrs["data-budget-amount"] = self.side
        self.fields["label"].widget.attrs["placeholder"] = self.label_placeholder
        # Required-ness is checked by rules.check_budget_line, with its own words (a blank line is ignored).
        for name in ("category", "label", "amount"):
            self.fields[name].required = False
        if self.side == BudgetLine.Side.EXPENSE:
            del self.fields["grant_source"]
        else:
            self.fields["grant_source"].choices = [("", _("— Si c'est une subvention —")), *GrantSource.choices]

    def has_changed(self) -> bool:
        """A line counts once something is typed in its label or amount (the category select is always set)."""
        return any(str(self[name].value() or "").strip() for name in ("label", "amount"))

    def clean(self):
        cleaned = super().clean()
        errors = rules.check_budget_line(
            side=self.side,
            category=cleaned.get("category", ""),
            grant_source=cleaned.get("grant_source", ""),
            label=cleaned.get("label", ""),
            amount=cleaned.get("amount"),
        )
        # A field already refused (e.g. a negative amount) keeps its own, more precise message.
        add_errors(self, {field: messages for field, messages in errors.items() if field not in self.errors})
        return cleaned


class ExpenseLineForm(BudgetLineForm):
    side = BudgetLine.Side.EXPENSE
    category_choices = ExpenseCategory.choices
    label_placeholder = _("Par exemple : goûter, location de salle")


class ResourceLineForm(BudgetLineForm):
    side = BudgetLine.Side.RESOURCE
    category_choices = ResourceCategory.choices
    label_placeholder = _("Par exemple : buvette, aide de la mairie")


class BaseBudgetLineFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.can_delete and forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = _("Supprimer cette ligne")

    def total(self):
        """The sum of the amounts as typed (valid ones only), for the totals shown without JavaScript."""
        total = Decimal("0")
        for form in self.forms:
            if form.is_bound:
                amount = getattr(form, "cleaned_data", {}).get("amount") if form.has_changed() else None
                if self.can_delete and self._should_delete_form(form):
                    amount = None
            else:
                amount = form.initial.get("amount")
            total += amount or Decimal("0")
        return total

    def get_form_kwargs(self, index):
        # Every line may be left blank, the saved ones included: clearing a line removes it.
        return {**super().get_form_kwargs(index), "empty_permitted": True, "use_required_attribute": False}

    def lines(self) -> list[dict]:
        return [
            {
                "side": form.side,
                "category": form.cleaned_data["category"],
                "grant_source": form.cleaned_data.get("grant_source", ""),
                "label": form.cleaned_data["label"],
                "amount": form.cleaned_data["amount"],
            }
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not self._should_delete_form(form)
        ]


BUDGET_EXTRA_LINES = 2
ExpenseFormSet = forms.formset_factory(
    ExpenseLineForm, formset=BaseBudgetLineFormSet, extra=BUDGET_EXTRA_LINES, can_delete=True, max_num=50
)
ResourceFormSet = forms.formset_factory(
    ResourceLineForm, formset=BaseBudgetLineFormSet, extra=BUDGET_EXTRA_LINES, can_delete=True, max_num=50
)


class AmountRequestedForm(forms.Form):
    amount_requested = money_field(
        _("Montant demandé au fonds (€)"),
        required=False,
        help_text=_("C'est la subvention que vous demandez : elle compte dans les ressources."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_requested"].widget.attrs["data-budget-amount"] = BudgetLine.Side.RESOURCE

    def value(self) -> Decimal:
        if self.is_bound:
            return getattr(self, "cleaned_data", {}).get("amount_requested") or Decimal("0")
        return self.initial.get("amount_requested") or Decimal("0")


class BudgetForms:
    """The budget step: the amount asked, the expense lines and the resource lines, checked together."""

    def __init__(self, data=None, *, application, user):
        self.application, self.user = application, user
        initial = {side: [] for side in BudgetLine.Side.values}
        for line in application.budget_lines.all():
            initial[line.side].append(
                {
                    "category": line.category,
                    "grant_source": line.grant_source,
                    "label": line.label,
                    "amount": line.amount,
                }
            )
        self.amount = AmountRequestedForm(data, initial={"amount_requested": application.amount_requested})
        self.expenses = ExpenseFormSet(data, prefix="expense", initial=initial[BudgetLine.Side.EXPENSE])
        self.resources = ResourceFormSet(data, prefix="resource", initial=initial[BudgetLine.Side.RESOURCE])
        self.non_field_errors: list[str] = []

    def is_untouched(self) -> bool:
        """Nothing saved before and nothing typed now: leaving the step then saves nothing (and refuses nothing)."""
        saved = self.application.amount_requested is not None or self.expenses.initial or self.resources.initial
        typed = str(self.amount["amount_requested"].value() or "").strip() or any(
            form.has_changed() for form in [*self.expenses.forms, *self.resources.forms]
        )
        return not saved and not typed

    def is_valid(self) -> bool:
        if self.amount.is_valid():
            amount = self.amount.cleaned_data.get("amount_requested")
            self.add_errors(
                rules.check_amount(
                    fund=self.application.fund, user=self.user, amount=amount, application=self.application
                )
            )
        if not all([self.amount.is_valid(), self.expenses.is_valid(), self.resources.is_valid()]):
            return False
        data = self.cleaned_data
        amount, expenses, resources = data["amount_requested"], data["expenses"], data["resources"]
        if expenses or resources or amount is not None:
            self.add_errors(
                rules.check_budget(
                    expenses=[line["amount"] for line in expenses],
                    resources=[line["amount"] for line in resources],
                    amount_requested=amount,
                )
            )
        return not (self.non_field_errors or self.amount.errors)

    def add_errors(self, errors: dict) -> None:
        """Errors about the amount go on its field; the others (totals, balance) above the tables."""
        for field, messages in errors.items():
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                if field in self.amount.fields:
                    self.amount.add_error(field, message)
                else:
                    self.non_field_errors.append(str(message))

    def totals(self) -> dict:
        """Totals of the lines as shown (saved, or as typed after a refused post); budget.js updates them live."""
        expenses = self.expenses.total()
        resources = self.resources.total() + self.amount.value()
        return {"expenses": expenses, "resources": resources, "difference": expenses - resources}

    @property
    def cleaned_data(self) -> dict:
        return {
            "amount_requested": self.amount.cleaned_data.get("amount_requested"),
            "expenses": self.expenses.lines(),
            "resources": self.resources.lines(),
        }


# --- Step 6: attachments -----------------------------------------------------------------------


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["kind", "file"]
        labels = {"kind": _("Type de document"), "file": _("Fichier")}
        widgets = {
            "file": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("— Choisissez le type —")), *Attachment.Kind.choices]
        self.fields["kind"].error_messages["required"] = _("Choisissez le type du document.")
        self.fields["file"].required = False
        max_mb = settings.MAX_UPLOAD_SIZE // (1024 * 1024)
        self.fields["file"].help_text = _("PDF, JPEG ou PNG, %(max)s Mo maximum.") % {"max": max_mb}

    def has_file(self) -> bool:
        return bool(self.files.get(self.add_prefix("file")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file"):
            try:
                self.content_type = check_uploaded_file(uploaded_file=cleaned["file"])
            except ValidationError as error:
                self.add_error(None, error)
        elif not self.errors:
            self.add_error("file", _("Choisissez le fichier à envoyer."))
        return cleaned


# --- Summary, messages, withdrawal -------------------------------------------------------------


class SubmitForm(forms.Form):
    """The submit (or resubmit) button; the comment is used only when resubmitting."""

    comment = forms.CharField(
        label=_("Ce que vous avez complété (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    showcase_consent = forms.BooleanField(
        label=Application._meta.get_field("showcase_consent").verbose_name,
        required=False,
        help_text=_(
            "Facultatif. Votre nom, celui du collectif ou de l'association, vos coordonnées et votre budget ne "
            "sont jamais publiés. Vous pouvez changer d'avis en écrivant à l'association porteuse."
        ),
    )


class MessageForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["body"]
        labels = {"body": _("Votre message")}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["required"] = _("Écrivez votre message avant de l'envoyer.")


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Pourquoi retirez-vous votre demande ? (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Instruction (staff) -----------------------------------------------------------------------

MET_CHOICES = [("yes", _("Oui, rempli")), ("no", _("Non, pas rempli")), ("", _("Pas encore vérifié"))]
MET_VALUES = {"yes": True, "no": False}


class VersionedForm(forms.Form):
    """A form that carries, hidden, the request's `version` the user saw when the page was shown.

    The service refuses the change if the request changed meanwhile (another staff member, the holder).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def seen_version(self) -> int | None:
        """The version posted with the form: None when none was posted (no check); -1 when it is garbled,
        which can match no request (refused as a conflict rather than silently skipping the check)."""
        field = self["version"]
        raw = field.data
        if raw in (None, ""):
            return None
        try:
            value = field.field.clean(raw)
        except forms.ValidationError:
            return -1
        return value


class VersionForm(VersionedForm):
    """Only the hidden version, for pages whose other forms are model forms or formsets (the holder's steps)."""


def met_to_choice(met: bool | None) -> str:
    return {True: "yes", False: "no"}.get(met, "")


class CriterionCheckForm(VersionedForm):
    """One criterion of the fund's grid for one request (one small form per criterion, prefixed by its id)."""

    met = forms.TypedChoiceField(
        label=_("Ce critère est-il rempli ?"),
        choices=MET_CHOICES,
        coerce=MET_VALUES.get,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Commentaire interne sur ce critère (obligatoire si « Non, pas rempli »)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        # Each criterion has its own small form on the page: its question names it (screen readers list legends).
        self.fields["met"].label = _("« %(label)s » : ce critère est-il rempli ?") % {"label": criterion.label}
        self.fields["met"].error_messages["invalid_choice"] = _(
            "Choisissez « Oui, rempli », « Non, pas rempli » ou « Pas encore vérifié »."
        )


class StaffNoteForm(forms.ModelForm):
    class Meta:
        model = StaffNote
        fields = ["body"]
        labels = {"body": _("Nouvelle note interne")}
        help_texts = {"body": _("Note interne — jamais visible par le porteur.")}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["required"] = _("Écrivez la note avant de l'enregistrer.")


class StartReviewForm(VersionedForm):
    """No field: the button, and the place where a refusal is shown."""


class CompletionRequestForm(VersionedForm):
    error_aliases = {"comment": "message"}

    message = forms.CharField(
        label=_("Ce que le porteur doit compléter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Envoyé au porteur par e-mail et visible dans l'historique de sa demande. Il complète sa demande, "
            "puis la redépose."
        ),
        error_messages={"required": _("Écrivez ce que le porteur doit compléter : ce message lui est envoyé.")},
    )


class DeclareEligibleForm(VersionedForm):
    comment = forms.CharField(
        label=_("Message au porteur (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Envoyé au porteur par e-mail et visible dans l'historique de sa demande."),
    )


class DeclareIneligibleForm(VersionedForm):
    error_aliases = {"comment": "reason"}

    reason = forms.CharField(
        label=_("Motif de non-recevabilité"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Envoyé au porteur par e-mail et visible dans l'historique de sa demande : des mots simples."),
        error_messages={"required": _("Écrivez le motif de non-recevabilité : il est envoyé au porteur par e-mail.")},
    )
